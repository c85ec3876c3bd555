"""Service functions by topic: they own transactions; routes and CLI call them."""
