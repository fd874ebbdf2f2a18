"""Shop Desktop."""
