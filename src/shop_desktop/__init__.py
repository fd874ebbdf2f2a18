"""Shop Desktop: an offline-first point-of-order client for multi-branch shops."""

__version__ = "0.1.0"
