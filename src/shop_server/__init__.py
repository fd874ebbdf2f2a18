"""Shop central server."""
