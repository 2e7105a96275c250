"""Every rule module, imported so that each registers itself (one rule per module)."""
