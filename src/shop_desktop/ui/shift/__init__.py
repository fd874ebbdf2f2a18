"""The till's shift on screen: open with a counted float, cash in and out, X report,
blind count and Z report (``services.shifts``)."""
