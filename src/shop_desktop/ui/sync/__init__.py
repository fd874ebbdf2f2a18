"""The sync worker on screen: when to sync, the status bar corner, and the sync log."""
