"""eitaa."""
