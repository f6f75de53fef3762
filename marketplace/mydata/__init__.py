"""A person's own data across every domain: download it, close the account, retention.

A high-level package: it reads and erases in every domain, so no domain imports it.
"""
