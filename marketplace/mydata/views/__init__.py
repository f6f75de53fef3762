"""Pages of a person's own data: download it (export) and close the account (close)."""
