"""rubika."""
