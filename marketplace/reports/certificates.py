"""Service certificates: content signed with HMAC, a number, and a QR code to verify it.

The verification link carries what the certificate vouches for and its signature; nothing
is stored. Changing any character (a person, a period, a number of hours) breaks the
signature, and without the server's SECRET_KEY nobody can make a new one.

Links are short so the printed QR code stays easy to scan (about 70 characters after
``/verify/``, was about 600): ``c2.<person id>.<first day>.<last day>.<issued>.<figures>``
and a 128-bit HMAC-SHA256 tag. The person is named by id; the verification page reads the
name, community and role from the records. Older links (version 1: the whole certificate
as base64 JSON, full 256-bit tag) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, replace
from datetime import date

import segno

from marketplace import settings
from marketplace.i18n import N_
from marketplace.reports.records import ServiceRecord

VERSION = 1
DOMAIN = b"marketplace-certificate:v1:"  # keeps these signatures apart from other HMAC uses
SHORT = "c2"  # the first field of a short (version 2) token
DOMAIN_SHORT = b"marketplace-certificate:v2:"
TAG_BYTES = 16  # 128 bits: forging one still means guessing 2**128 tags
FIELD = re.compile(r"0|[1-9][0-9]{0,9}")  # a small whole number, one way of writing it


@dataclass(frozen=True)
class Certificate:
    user_id: int
    name: str
    community: str
    kind: str  # party_member | volunteer | ""
    work_unit: str
    start: str  # ISO date, first day
    end: str  # ISO date, last day (inclusive)
    wishes: int
    minutes_resident: int
    minutes_staff: int
    minutes_automatic: int
    activities: int
    activity_points: int
    rating: float | None
    issued: str

    @property
    def total_minutes(self) -> int:
        return self.minutes_resident + self.minutes_staff + self.minutes_automatic

    def days(self) -> tuple[date, date]:
        """The period vouched for. Not typed input, so not ``clock.parse_day``: the signature
        shows this platform wrote these days, and a certificate from before today's limits
        on typed dates (2000 to 2099) must still verify."""
        return date.fromisoformat(self.start), date.fromisoformat(self.end)

    def figures(self) -> tuple[int, int, int, int, int, int, float | None]:
        """What must still match the records for the certificate to be 'unchanged'."""
        return (self.wishes, self.minutes_resident, self.minutes_staff,
                self.minutes_automatic, self.activities, self.activity_points, self.rating)


def from_record(record: ServiceRecord, start: date, end: date, issued: date) -> Certificate:
    helper = record.person.get("helper") or {}
    tally = record.tally
    return Certificate(
        user_id=int(record.person["id"]), name=record.person["display_name"],
        community=record.person["community.name"], kind=helper.get("kind") or "",
        work_unit=helper.get("work_unit") or "", start=start.isoformat(),
        end=end.isoformat(), wishes=tally.wishes,
        minutes_resident=tally.minutes["resident"], minutes_staff=tally.minutes["staff"],
        minutes_automatic=tally.minutes["automatic"], activities=tally.activities,
        activity_points=tally.activity_points, rating=tally.average_rating,
        issued=issued.isoformat())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str) -> str:
    key = settings.get().secret_key.encode()
    return _b64(hmac.new(key, DOMAIN + payload.encode(), hashlib.sha256).digest())


def token(cert: Certificate) -> str:
    """The last part of the verification URL: what is vouched for, then the HMAC tag."""
    rating = "" if cert.rating is None else str(round(cert.rating * 10))
    fields = [SHORT, str(cert.user_id), *(_day(d) for d in (cert.start, cert.end, cert.issued)),
              *(str(n) for n in cert.figures()[:-1]), rating]
    content = ".".join(fields)
    return f"{content}.{_short_tag(content)}"


def _day(iso: str) -> str:
    return iso.replace("-", "")


def _short_tag(content: str) -> str:
    key = settings.get().secret_key.encode()
    digest = hmac.new(key, DOMAIN_SHORT + content.encode(), hashlib.sha256).digest()
    return _b64(digest[:TAG_BYTES])


def verify(raw: str) -> Certificate | None:
    """The certificate if the token is genuine and unaltered, else None. From a short token
    the person's name, community and role are left empty: see ``with_identity``."""
    raw = raw.strip()
    if raw.startswith(SHORT + "."):
        return _verify_short(raw)
    return _verify_v1(raw)


def _verify_short(raw: str) -> Certificate | None:
    content, _dot, tag = raw.rpartition(".")
    if not hmac.compare_digest(tag.encode(), _short_tag(content).encode()):
        return None
    fields = content.split(".")
    if len(fields) != 12 or not all(FIELD.fullmatch(f) for f in fields[1:-1]):
        return None
    if fields[-1] and not FIELD.fullmatch(fields[-1]):
        return None
    try:
        start, end, issued = (date(int(f[:4]), int(f[4:6]), int(f[6:])).isoformat()
                              for f in fields[2:5])
    except ValueError:
        return None
    n = [int(f) for f in fields[5:11]]
    return Certificate(
        user_id=int(fields[1]), name="", community="", kind="", work_unit="", start=start,
        end=end, wishes=n[0], minutes_resident=n[1], minutes_staff=n[2],
        minutes_automatic=n[3], activities=n[4], activity_points=n[5],
        rating=int(fields[-1]) / 10 if fields[-1] else None, issued=issued)


def _verify_v1(raw: str) -> Certificate | None:
    payload, _dot, signature = raw.partition(".")
    if not payload or not signature:
        return None
    if not hmac.compare_digest(signature.encode(), _signature(payload).encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
        if data.pop("v", None) != VERSION:
            return None
        return Certificate(**data)
    except (ValueError, TypeError):
        return None


def with_identity(cert: Certificate, current: Certificate) -> Certificate:
    """A certificate from a short token, named as the records name the person today."""
    if cert.name:  # an older link carries its own name, community and role
        return cert
    return replace(cert, name=current.name, community=current.community, kind=current.kind,
                   work_unit=current.work_unit)


def number(raw_token: str) -> str:
    """A short number to quote on the phone: derived from the signature, so it changes
    whenever the content does."""
    signature = raw_token.rpartition(".")[2]
    digest = hashlib.sha256(signature.encode()).hexdigest().upper()
    return f"WX-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def qr_svg(url: str, title: str) -> str:
    """Inline SVG (no inline styles, so the strict CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=3, title=title, omitsize=True)


# --- the statutory certificate (志愿服务证明) and its register ---------------------------
# Registered certificates are rows of ``IssuedCertificate``; their verification link names
# the row and carries a tag, so nobody can walk the register by counting ids.
REGISTERED = "r1"
DOMAIN_REGISTERED = b"marketplace-certificate:r1:"

# ID types a certificate may name (证件类型), in the order the form offers them.
ID_TYPES = {
    "resident_id": N_("Resident identity card"),
    "hk_macao": N_("Mainland travel permit for Hong Kong and Macao residents"),
    "taiwan": N_("Mainland travel permit for Taiwan residents"),
    "passport": N_("Passport"),
    "foreign_permanent": N_("Foreign permanent resident ID card"),
    "other": N_("Other"),
}
_ID_CHARS = re.compile(r"[0-9A-Za-z*]{6,32}")
_VOLUNTEER_NUMBER = re.compile(r"[0-9A-Za-z-]{1,40}")


def registered_token(cert_id: int) -> str:
    content = f"{REGISTERED}.{cert_id}"
    return f"{content}.{_registered_tag(content)}"


def _registered_tag(content: str) -> str:
    key = settings.get().secret_key.encode()
    digest = hmac.new(key, DOMAIN_REGISTERED + content.encode(), hashlib.sha256).digest()
    return _b64(digest[:TAG_BYTES])


def registered_id(raw: str) -> int | None:
    """The register row a genuine ``r1`` token names; None for anything else."""
    content, _dot, tag = raw.strip().rpartition(".")
    fields = content.split(".")
    if len(fields) != 2 or fields[0] != REGISTERED or not FIELD.fullmatch(fields[1]):
        return None
    if not hmac.compare_digest(tag.encode(), _registered_tag(content).encode()):
        return None
    return int(fields[1])


def mask_id(raw: str) -> str:
    """An ID number as a certificate prints it: the first and last four characters (fewer
    for a short number) and stars between. A full number typed in is masked here, so it
    is never stored; a masked one comes back as it was. Raises ValueError if it cannot be
    an ID number."""
    text = raw.strip().replace(" ", "").upper()
    if not _ID_CHARS.fullmatch(text):
        raise ValueError(text)
    keep = 4 if len(text) >= 12 else max(1, len(text) // 4)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def volunteer_number_ok(raw: str) -> bool:
    return bool(_VOLUNTEER_NUMBER.fullmatch(raw))


def platform_number(community_id: int, user_id: int) -> str:
    """The platform's own volunteer number, for a person without a national one."""
    return f"WX{community_id:03d}-{user_id:07d}"


def certificate_number(community_id: int, year: int, sequence: int) -> str:
    return f"{community_id}-{year}-{sequence:05d}"
