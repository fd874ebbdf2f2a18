"""Use cases (log in, sell, sync, report) as plain functions over a Session.

Imports ``domain`` and ``data``; nothing here imports Qt.
"""
