"""Tables of the privacy domain (consents, contact views, requests, export jobs)."""
