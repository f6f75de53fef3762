"""Pages for acting for others: proxies (亲友代办), staff-managed accounts, activation.
The rules live in ``accounts.proxies`` and ``accounts.managed``."""
