"""Taking money: the one tender panel every payment dialog is built around."""
