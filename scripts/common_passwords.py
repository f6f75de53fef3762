"""Regenerate marketplace/accounts/common-passwords.txt from Django's list.

    pip download --no-deps django && unzip -o django-*.whl 'django/contrib/auth/common-*'
    python scripts/common_passwords.py django/contrib/auth/common-passwords.txt.gz

Keeps the passwords long enough to pass the length rule (8+), in Django's order, then adds
the Chinese-typical ones below that the list lacks.
"""

import gzip
import sys
from pathlib import Path

_EXTRA = """woaini1314 woaini520 woaini123 woaini521 iloveyou1314 5201314520 52013145201314
1314520520 a5201314 aa5201314 woaiwojia woaiwoma woshishui wodemima mima123456 nihao123
nihao123456 qq123456 qq5201314 wang1234 wang123456 zhang123 zhang123456 li123456 liu123456
chen123456 wangwei123 zhangwei123 147258369 147852369 741852963 159357456 159753456
789456123 123654789 987654321 963852741 321654987 12345678910 1234567890 0123456789
11223344 1122334455 123123123 321321321 520520520 521521521 13141314 168168168 16881688
88888888 66666666 99999999 12341234 aaa123456 asd123456 zxc123456 qwe123456 abc123456
aa123456 a12345678 a1234567 abcd1234 1q2w3e4r 1qaz2wsx 12qwaszx qaz123456 1234qwer qwer1234
asdf1234 zxcvbnm123 qwertyuiop 13800138000 admin123 admin888 admin1234 password123 p@ssw0rd
000000000 00000000 woaizhongguo zhongguo123 beijing2008 shanghai123 xiaoming123
xiaohong123"""
EXTRA = _EXTRA.split()

HEADER = """\
# The most common passwords of 8 characters or more (NIST SP 800-63B: refuse them).
# From Django's common-passwords.txt.gz (20,000 passwords collected by Royce Williams,
# BSD licence), those long enough to pass the length rule, then passwords common in
# China that the list lacks. One a line, lower case. Regenerate: scripts/common_passwords.py
"""


def main(source: str) -> None:
    seen: dict[str, None] = {}
    with gzip.open(source, "rt") as fh:
        for word in [w.strip() for w in fh] + EXTRA:
            if len(word) >= 8:
                seen.setdefault(word, None)
    target = Path(__file__).resolve().parent.parent / "marketplace/accounts/common-passwords.txt"
    target.write_text(HEADER + "\n".join(seen) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
