"""Privacy (PIPL): the notice, separate consents, who saw a resident's contact, requests.

A low-level domain: other domains record consents and contact views through it, so it
imports only accounts, community, audit and the shared pieces, never wishes or shops.
"""
