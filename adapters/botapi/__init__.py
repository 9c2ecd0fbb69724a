"""botapi."""
