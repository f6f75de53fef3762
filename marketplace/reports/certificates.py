"""Service certificates: content signed with HMAC, a number, and a QR code to verify it.

The verification link carries the certificate's content and its signature; nothing is
stored. Changing any character of the content (a name, a period, a number of hours)
breaks the signature, and without the server's SECRET_KEY nobody can make a new one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import date

import segno

from marketplace import settings
from marketplace.reports.records import ServiceRecord

VERSION = 1
DOMAIN = b"marketplace-certificate:v1:"  # keeps these signatures apart from other HMAC uses


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
    """``<content>.<signature>``: the last part of the verification URL."""
    content = json.dumps({"v": VERSION, **asdict(cert)}, ensure_ascii=False,
                         sort_keys=True, separators=(",", ":"))
    payload = _b64(content.encode())
    return f"{payload}.{_signature(payload)}"


def verify(raw: str) -> Certificate | None:
    """The certificate if the token is genuine and unaltered, else None."""
    payload, _dot, signature = raw.strip().partition(".")
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


def number(raw_token: str) -> str:
    """A short number to quote on the phone: derived from the signature, so it changes
    whenever the content does."""
    signature = raw_token.rpartition(".")[2]
    digest = hashlib.sha256(signature.encode()).hexdigest().upper()
    return f"WX-{digest[:4]}-{digest[4:8]}-{digest[8:12]}"


def qr_svg(url: str, title: str) -> str:
    """Inline SVG (no inline styles, so the strict CSP allows it)."""
    return segno.make(url, error="m").svg_inline(scale=3, title=title, omitsize=True)
