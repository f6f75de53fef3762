"""Volunteer points and micro-wish marketplace for neighbourhood communities."""

import os

# Piccolo finds the engine through this module; set before any table is used.
os.environ.setdefault("PICCOLO_CONF", "marketplace.piccolo_conf")

__version__ = "0.1.0"
