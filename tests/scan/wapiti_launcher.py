"""Runs Debian's wapiti (3.0.4) with one fix for Python 3.11.

Its ``-x`` (exclude URL) turns a wildcard into a regular expression ending in ``(?ms)``;
Python 3.11 refuses global flags that are not at the start ("global flags not at the start
of the expression"), so any exclusion crashes the scan. The same pattern with the flags in
front means the same thing."""

from __future__ import annotations

import re
import sys

from wapitiCore.main.wapiti import wapiti_main
from wapitiCore.net import crawler


def wildcard_translate(pattern: str) -> re.Pattern[str]:
    body = "".join(".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile(r"(?ms)" + body + r"\Z")


if __name__ == "__main__":
    crawler.wildcard_translate = wildcard_translate
    sys.argv[0] = "wapiti"
    sys.exit(wapiti_main())
