"""Benchmarks (`make bench`). The package sets the environment before any ``marketplace``
import: the database and settings are chosen when the package is first imported."""

import os
import tempfile

os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="marketplace-bench-"))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("TICK_SECONDS", "0")
