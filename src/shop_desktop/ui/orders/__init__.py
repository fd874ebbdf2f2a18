"""The Orders place's parts: order list, filters, one order's detail, payment, fulfilment."""
