"""splus."""
