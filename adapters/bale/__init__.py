"""bale."""
