"""Finding products: search, browse, filters, the detail pane and the scanner."""
