"""Local storage: SQLAlchemy models, migrations, the demo data builder.

Imports the domain layer only; nothing here imports Qt.
"""
