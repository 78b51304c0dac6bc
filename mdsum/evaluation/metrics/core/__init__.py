"""Pure metric cores: plain functions over strings and lists, used directly or through the ``evaluate`` modules."""
