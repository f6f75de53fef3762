"""The reports pages, one module per audience."""
