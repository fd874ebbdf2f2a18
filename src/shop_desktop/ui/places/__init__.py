"""The places of the main window, one module per capability."""
