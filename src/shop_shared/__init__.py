"""What the till and the server share: op names on the wire, payload versions, and
the pure rules both compute (rounding, points, a currency's minor digits).

Standard library only, so both programs import it without importing each other:
``shop_desktop`` and ``shop_server`` may import ``shop_shared``; it imports neither,
nor Qt, nor SQLAlchemy (``tests/test_layers.py`` keeps it so).
"""
