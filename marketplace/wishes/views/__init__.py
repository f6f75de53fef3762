"""The wishes pages, one module per audience."""
