"""``shop-admin bench …``: measured figures for ``docs/benchmarks.md``, never asserted.

One module per subject: ``catalog`` (search, barcode, start-up), ``checkout``
(pricing and committing sales), ``documents`` (receipts and invoices),
``sync`` (against a real ``shop-server``). They all summarise timings with
``stats`` and round money with ``domain.money``, as the till does.
"""
