"""Background sync with the central server (``docs/sync-protocol.md``).

The UI uses :mod:`.engine` (``SyncEngine``, status, log, rejected ops,
settings) and :mod:`.enrol`; the other modules are its parts: the wire
(:mod:`.protocol`, :mod:`.transport`), the token (:mod:`.credentials`), and
moving data (:mod:`.bootstrap`, :mod:`.pull`, :mod:`.push`, :mod:`.apply`).
No Qt here: the UI runs the engine on a worker thread.
"""
