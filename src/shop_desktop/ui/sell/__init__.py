"""The counter: carts, the bill, and payment."""
