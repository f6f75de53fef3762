"""The rewards pages, one module per audience."""
