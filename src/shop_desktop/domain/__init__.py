"""Pure-Python core of the shop: money, pricing, order rules, errors.

Nothing here imports Qt, SQLAlchemy or anything that does I/O; the data
layer, the services, the UI and the server all build on it.
"""
