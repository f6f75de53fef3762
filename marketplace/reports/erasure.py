"""Closing an account (注销): what the reports keep about the person, made anonymous.

The register and the sent cards stay — a certificate number must still verify, and a work
unit's card still counts its hours — but they no longer say who: the name becomes the
closed account's placeholder, the ID and volunteer numbers go, and words naming the person
in comments are replaced.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from marketplace import redact
from marketplace.reports.tables import IssuedCertificate, ServiceCard, VolunteerIdentity

IDENTITY_KEYS = ("id_type", "id_number", "volunteer_number")


async def erase_person(user_id: int, name: str, replacements: Mapping[str, str]) -> None:
    await VolunteerIdentity.delete().where(VolunteerIdentity.user == user_id)
    certificates = await IssuedCertificate.select(
        IssuedCertificate.id, IssuedCertificate.figures, IssuedCertificate.notes
    ).where(IssuedCertificate.person == user_id)
    for cert in certificates:
        printed = redact.values(json.loads(cert["figures"] or "{}"), replacements)
        printed.update({"name": name, **dict.fromkeys(IDENTITY_KEYS, "")})
        await IssuedCertificate.update({
            IssuedCertificate.person_name: name,
            IssuedCertificate.figures: json.dumps(printed, ensure_ascii=False),
            IssuedCertificate.notes: redact.text(cert["notes"], replacements),
        }).where(IssuedCertificate.id == cert["id"])
    cards = await ServiceCard.select(ServiceCard.id, ServiceCard.comment,
                                     ServiceCard.figures).where(ServiceCard.member == user_id)
    for card in cards:
        await ServiceCard.update({
            ServiceCard.comment: redact.text(card["comment"], replacements),
            ServiceCard.figures: redact.text(card["figures"], replacements),
        }).where(ServiceCard.id == card["id"])
