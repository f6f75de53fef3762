"""Authorisation matrix: every unsafe route, every actor who may not use it (issue 11).

``TABLE`` lists, for each unsafe route of the app (and for some routes several cases: each
wish action, each kind of place, a cross-community variant), who may use it and a
concrete request against objects of community A. For every other actor the request must
be refused — anonymous visitors are sent to sign in (401 on the API), everybody else
gets 403 or 404 (or the status the case names, when the refusal is a form error) — and
nothing may be written: every table is compared before and after.

A completeness test fails when the app has an unsafe route the table does not list, or
the table lists one the app no longer has. The allowed actors are checked too, on a
second cast: the request succeeds, so a refusal above comes from who asks, not from a
broken URL or body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from marketplace.wishes.rules import Action
from tests.conftest import PASSWORD
from tests.quality import authz_cast
from tests.quality.authz_cast import (
    A_PEOPLE,
    ACTORS,
    ANONYMOUS,
    B_PEOPLE,
    NAMED_ONLY,
    AuthzCast,
    Ref,
    client_for,
    flash_kinds,
    request,
)
from tests.quality.snapshot import Watch, changes, snapshot

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EVERYONE = frozenset(ACTORS)  # NAMED_ONLY actors are only in the cases that name them
SIGNED_IN = frozenset(A_PEOPLE + B_PEOPLE)
IN_A = frozenset(A_PEOPLE)  # any member of community A, whatever their roles
STAFF_A = frozenset({"staff_a", "admin"})  # administrators may act as staff anywhere
ADMIN = frozenset({"admin"})
OWNER = frozenset({"owner"})  # the resident whose wishes and codes they are
SHOP_A = frozenset({"merchant", "cashier"})
SHOPKEEPER = frozenset({"merchant"})
STREET_A = frozenset({"street_a"})  # staff of the street community A is under
REFUSED = frozenset({403, 404})


@dataclass(frozen=True)
class Case:
    name: str
    route: str  # the path as the app lists it, e.g. "/wishes/{wish_id:int}/{action:str}"
    url: str  # the same path with cast names, e.g. "/wishes/{wish_claim}/claim"
    allowed: frozenset[str]
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    only: tuple[str, ...] | None = None  # cross-object variants: only these actors
    refusal: frozenset[int] = REFUSED
    may_write: frozenset[str] = frozenset()  # tables a refusal legitimately writes
    control: str | None = None  # who shows the request works (default: see CONTROL_ORDER)
    reads_only: bool = False  # allowed, it changes nothing (it asks, looks up, sets a cookie)
    method: str = "POST"


NOTE = {"note": "Written by the authorisation matrix."}
OFFER = {"title": "Bag of flour", "price": "6", "stock": "20", "limit_period": "month",
         "category": "other", "active": "on"}
SHOP = {"name": "Tea corner", "address": "3 River Road", "opening_hours": "9:00–17:00",
        "contact": "13800004444", "description": "Tea"}
W = "/wishes/{wish_id:int}/{action:str}"
API_W = "/api/wishes/{wish_id:int}"
PLACE = "/manage/{kind:str}/{object_id:int}"
CARE = "/staff/care/{community_id:int}"
PENDING = "/staff/points/{user_id:int}/pending/{pending_id:int}"
RULES = "/staff/rules/{community_id:int}"
RULE_VALUES = {"claim_deadline_days": "5", "claim_reminder_hours": "12", "escalation_days": "2",
               "auto_confirm_days": "6", "min_wish_points": "1", "max_wish_points": "80",
               "team_size_max": "4", "points_expiry_months": "0",
               "donation_max_per_gift": "30", "donation_max_per_month": "150",
               "adjust_approval_over": "150",
               "retention_photo_days": "180", "retention_note_days": "365",
               "retention_session_days": "30"}
INVITE = "/invites/{invite_id:int}"  # answered under /merchant, withdrawn under the shop

TABLE: tuple[Case, ...] = (
    # Accounts: open to everyone, or about oneself only.
    Case("language", "/language", "/language", EVERYONE, {"lang": "en", "next": "/"},
         reads_only=True),
    # 长辈版: a cookie for anyone; a signed-in person's own column (only theirs).
    Case("elder-mode", "/elder-mode", "/elder-mode", EVERYONE, {"elder": "on", "next": "/"},
         control="neighbour"),
    Case("login", "/login", "/login", EVERYONE,
         {"login": "{login_candidate}", "password": PASSWORD}),
    Case("logout", "/logout", "/logout", EVERYONE, control="neighbour"),
    Case("register", "/register", "/register", EVERYONE,
         {"display_name": "Newcomer", "login": "{login_new}", "password": PASSWORD,
          "password2": PASSWORD, "community": "{community_a}", "agree_notice": "on"}),
    # Privacy (issue 16): agreeing to the notice is one's own; naming a community's
    # operator is its staff's; withdrawing the in-need consent is the listed resident's.
    Case("privacy-agree", "/privacy/agree", "/privacy/agree", SIGNED_IN,
         {"agree": "on", "next": "/"}, reads_only=True),
    Case("privacy-operator", "/staff/privacy/{community_id:int}",
         "/staff/privacy/{community_a}", STAFF_A,
         {"name": "Residents' committee", "contact": "010-6543 2100"}),
    Case("profile", "/me", "/me", SIGNED_IN,
         {"display_name": "New name", "phone": "", "address": "", "language": "en"}),
    Case("password", "/me/password", "/me/password", SIGNED_IN,
         {"current": PASSWORD, "new": "another-horse-2", "new2": "another-horse-2"}),
    # Another community's grid is refused as a form error (the profile page again, 422).
    Case("profile-in-a-grid-of-a", "/me", "/me", frozenset(),
         {"display_name": "New name", "grid": "{grid_a}", "language": "en"},
         only=("resident_b",), refusal=frozenset({422})),
    # Recovery: a reset code is typed or used by whoever holds it (nobody is signed in);
    # staff of the person's community (administrators: of staff too) issue one.
    Case("reset-enter", "/reset", "/reset", EVERYONE, {"code": "{reset_code}"}),
    Case("reset-set", "/reset/{code:str}", "/reset/{reset_code_set}", EVERYONE,
         {"password": "another-horse-2", "password2": "another-horse-2"}),
    Case("reset-code-issue", "/staff/members/{user_id:int}/reset-code",
         "/staff/members/{user_owner}/reset-code", STAFF_A),
    Case("reset-code-issue-for-staff", "/staff/members/{user_id:int}/reset-code",
         "/staff/members/{user_requester}/reset-code", ADMIN, only=("staff_a", "staff_b")),
    Case("office-contact", "/staff/community/office", "/staff/community/office", STAFF_A,
         {"community_id": "{community_a}", "office_place": "Service hall",
          "office_phone": "010-6543 2100", "office_hours": "Mon–Fri 9:00–17:00"}),
    # Privacy requests (issue 16): anyone signed in asks; staff of the asker's community
    # (administrators: any) answer.
    Case("privacy-request", "/privacy/requests", "/privacy/requests", SIGNED_IN,
         {"kind": "question", "text": "What do you keep about me?"}),
    Case("privacy-answer", "/staff/privacy-requests/{request_id:int}/answer",
         "/staff/privacy-requests/{privacy_request}/answer", STAFF_A,
         {"answer": "We keep your name, phone and unit/room; nothing else."}),
    # The working-day calendar: administrators only (far-off days, so no due day moves).
    Case("calendar-set", "/admin/calendar", "/admin/calendar/", ADMIN,
         {"first": "{calendar_free}", "kind": "holiday", "name": "authz"}),
    Case("calendar-remove", "/admin/calendar/{day_id:int}/remove",
         "/admin/calendar/{calendar_day}/remove", ADMIN, {}),
    Case("helper-apply", "/me/helper", "/me/helper", SIGNED_IN, {"kind": "volunteer"}),
    Case("honour-roll", "/me/honour-roll", "/me/honour-roll", SIGNED_IN, {"listed": ""}),
    # Privacy (issue 16): a copy of one's own data; a verified helper's own details.
    Case("my-data-export", "/me/data/export", "/me/data/export", SIGNED_IN),
    Case("helper-details", "/me/helper/details", "/me/helper/details",
         frozenset({"helper", "claimer", "helper_b"}), {"work_unit": "Water works"}),
    Case("helper-review", "/staff/helpers/{profile_id:int}/review",
         "/staff/helpers/{helper_profile}/review", STAFF_A, {"decision": "approve"}),
    # Acting for others: staff-managed accounts and proxies (亲友代办).
    Case("managed-create", "/staff/members/new", "/staff/members/new", STAFF_A,
         {"display_name": "Granny Li", "community": "{community_a}", "address": "Room 301"}),
    Case("member-proxy-add", "/staff/members/{user_id:int}/proxies",
         "/staff/members/{user_owner}/proxies", STAFF_A, {"proxy_login": "{login_proxy_staff}"}),
    Case("member-activation", "/staff/members/{user_id:int}/activation",
         "/staff/members/{user_managed}/activation", STAFF_A),
    # Staff copy and correct a managed resident's data (PIPL Art. 45-46), audited.
    Case("member-data-export", "/staff/members/{user_id:int}/data-export",
         "/staff/members/{user_managed}/data-export", STAFF_A),
    Case("member-correct", "/staff/members/{user_id:int}/profile",
         "/staff/members/{user_managed}/profile", STAFF_A,
         {"display_name": "Granny Li", "phone": "13600001111", "address": "Room 302"}),
    Case("member-correct-own-account", "/staff/members/{user_id:int}/profile",
         "/staff/members/{user_owner}/profile", frozenset(),
         {"display_name": "Changed by staff"}, only=("staff_a", "admin"),
         refusal=frozenset({409})),
    # Staff act for a staff-managed resident: post a wish, get a code with her points.
    Case("wish-post-for-managed", "/wishes/new", "/wishes/new", STAFF_A,
         {"category": "{category}", "title": "Carry coal upstairs", "who": "{user_managed}"}),
    Case("code-get-for-managed", "/rewards/offers/{offer_id:int}/code",
         "/rewards/offers/{offer_a}/code", STAFF_A, {"who": "{user_managed}"}),
    Case("my-proxy-add", "/me/proxies", "/me/proxies", SIGNED_IN,
         {"proxy_login": "{login_proxy_own}"}),
    # The resident, the proxy (no actor here) or staff of the resident's community.
    Case("proxy-revoke", "/proxies/{link_id:int}/revoke", "/proxies/{proxy_link}/revoke",
         OWNER | STAFF_A, {"next": "/me"}),
    # Whoever holds the code takes the account over (a wrong code is a throttled try).
    Case("activate", "/activate", "/activate", EVERYONE,
         {"code": "{activation_code}", "login": "{login_activated}", "password": PASSWORD,
          "password2": PASSWORD}),
    # Places and staff appointments.
    Case("grid-add", "/manage/communities/{community_id:int}/grids",
         "/manage/communities/{community_a}/grids", STAFF_A, {"name": "Grid North"}),
    Case("building-add", "/manage/grids/{grid_id:int}/buildings",
         "/manage/grids/{grid_a}/buildings", STAFF_A, {"name": "Building North"}),
    Case("community-create", "/manage/communities", "/manage/communities", ADMIN,
         {"name": "{community_new}", "district": "River district"}),
    Case("staff-grant", "/manage/communities/{community_id:int}/staff",
         "/manage/communities/{community_a}/staff", ADMIN, {"person": "{login_candidate}"}),
    # Streets and the district: administrators only.
    Case("district-create", "/admin/areas/districts", "/admin/areas/districts", ADMIN,
         {"name": "{district_new}", "target_hours": "10"}),
    Case("district-update", "/admin/areas/districts/{district_id:int}",
         "/admin/areas/districts/{district}", ADMIN,
         {"name": "{district_renamed}", "target_hours": "5"}),
    Case("street-create", "/admin/areas/districts/{district_id:int}/streets",
         "/admin/areas/districts/{district}/streets", ADMIN, {"name": "{street_new}"}),
    Case("street-rename", "/admin/areas/streets/{street_id:int}/rename",
         "/admin/areas/streets/{street}/rename", ADMIN, {"name": "{street_renamed}"}),
    Case("community-street", "/admin/areas/communities/{community_id:int}/street",
         "/admin/areas/communities/{community_b}/street", ADMIN, {"street": "{street}"}),
    Case("street-staff-appoint", "/admin/areas/streets/{street_id:int}/staff",
         "/admin/areas/streets/{street}/staff", ADMIN, {"person": "{login_area_candidate}"}),
    Case("district-staff-appoint", "/admin/areas/districts/{district_id:int}/staff",
         "/admin/areas/districts/{district}/staff", ADMIN,
         {"person": "{login_area_candidate}"}),
    Case("area-staff-end", "/admin/areas/staff/{membership_id:int}/end",
         "/admin/areas/staff/{area_membership}/end", ADMIN),
    Case("staff-revoke", "/manage/staff/{membership_id:int}/revoke",
         "/manage/staff/{staff_membership}/revoke", ADMIN, {"next": "/manage"}),
    # The work-unit registry (the cast's units have no district: administrators keep it).
    Case("work-unit-add", "/admin/work-units", "/admin/work-units", ADMIN,
         {"district": "none", "name": "{unit_new}", "party_members": "12"}),
    Case("work-unit-edit", "/admin/work-units/{unit_id:int}", "/admin/work-units/{unit_a}",
         ADMIN, {"name": "{unit_renamed}", "party_members": "30"}),
    Case("work-unit-accept", "/admin/work-units/{unit_id:int}/accept",
         "/admin/work-units/{unit_requested}/accept", ADMIN),
    Case("work-unit-merge", "/admin/work-units/{unit_id:int}/merge",
         "/admin/work-units/{unit_merge_from}/merge", ADMIN, {"into": "{unit_a}"}),
    Case("work-unit-contact", "/admin/work-units/{unit_id:int}/contacts",
         "/admin/work-units/{unit_a}/contacts", ADMIN, {"person": "{login_candidate}"}),
    Case("work-unit-contact-end", "/admin/work-units/contacts/{contact_id:int}/end",
         "/admin/work-units/contacts/{unit_contact}/end", ADMIN),
    Case("community-rename", PLACE + "/rename", "/manage/community/{community_a}/rename",
         ADMIN, {"name": "{community_renamed}"}),
    Case("grid-rename", PLACE + "/rename", "/manage/grid/{grid_spare}/rename", STAFF_A,
         {"name": "Grid South"}),
    Case("building-rename", PLACE + "/rename", "/manage/building/{building_spare}/rename",
         STAFF_A, {"name": "Building South"}),
    # Without confirm=yes the answer is a question naming the place: refused all the same.
    Case("grid-archive-ask", PLACE + "/archive", "/manage/grid/{grid_spare}/archive",
         STAFF_A, {"archived": "1"}, reads_only=True),
    Case("building-archive", PLACE + "/archive", "/manage/building/{building_spare}/archive",
         STAFF_A, {"archived": "1", "confirm": "yes"}),
    Case("grid-archive", PLACE + "/archive", "/manage/grid/{grid_spare}/archive", STAFF_A,
         {"archived": "1", "confirm": "yes"}),
    # Points.
    Case("points-adjust", "/staff/points/{user_id:int}/adjust",
         "/staff/points/{user_owner}/adjust", STAFF_A,
         {"amount": "3", "reason": "Correction", "key": "{key_adjust}"}),
    Case("points-reverse", "/staff/points/{user_id:int}/reverse/{transfer_id:int}",
         "/staff/points/{user_owner}/reverse/{transfer}", STAFF_A, {"reason": "Mistake"}),
    Case("points-reverse-via-own-member", "/staff/points/{user_id:int}/reverse/{transfer_id:int}",
         "/staff/points/{user_resident_b}/reverse/{transfer}", frozenset(),
         {"reason": "Mistake"}, only=("staff_b",)),
    Case("points-reverse-for-member-without-account",
         "/staff/points/{user_id:int}/reverse/{transfer_id:int}",
         "/staff/points/{user_newcomer_b}/reverse/{transfer}", frozenset(),
         {"reason": "Mistake"}, only=("staff_b",)),
    # Four eyes: an adjustment above the threshold waits for another staff member of the
    # member's community or an administrator, never the one who asked for it nor the member
    # whose points they are; the one who asked may withdraw it (decline their own request).
    Case("points-approve", PENDING + "/approve",
         "/staff/points/{user_owner}/pending/{pending_approve}/approve", STAFF_A),
    Case("points-approve-own-request", PENDING + "/approve",
         "/staff/points/{user_owner}/pending/{pending_approve}/approve", frozenset(),
         only=("requester",)),
    Case("points-approve-own-points", PENDING + "/approve",
         "/staff/points/{user_staff_a}/pending/{pending_own}/approve", frozenset(),
         only=("staff_a",)),
    Case("points-approve-via-own-member", PENDING + "/approve",
         "/staff/points/{user_resident_b}/pending/{pending_approve}/approve", frozenset(),
         only=("staff_b",)),
    Case("points-decline", PENDING + "/decline",
         "/staff/points/{user_owner}/pending/{pending_decline}/decline", STAFF_A),
    Case("points-decline-own-points", PENDING + "/decline",
         "/staff/points/{user_staff_a}/pending/{pending_own}/decline", frozenset(),
         only=("staff_a",)),
    Case("points-withdraw", PENDING + "/decline",
         "/staff/points/{user_owner}/pending/{pending_withdraw}/decline",
         frozenset({"requester"}), only=("requester",), control="requester"),
    # Wishes: one case per button of the wish page, each on a wish in the right state.
    Case("wish-claim", W, "/wishes/{wish_claim}/claim", frozenset({"helper", "claimer"})),
    Case("wish-claim-unverified", W, "/wishes/{wish_claim}/claim", frozenset(),
         only=("applicant",)),
    Case("wish-release", W, "/wishes/{wish_release}/release",
         frozenset({"claimer"}) | STAFF_A, {**NOTE, "confirm": "yes"}),
    Case("wish-decline", W, "/wishes/{wish_decline}/decline", frozenset({"claimer"}), NOTE),
    Case("wish-fulfil", W, "/wishes/{wish_fulfil}/fulfil", frozenset({"claimer"}),
         {**NOTE, "hours": "1"}),
    Case("wish-confirm", W, "/wishes/{wish_confirm}/confirm", OWNER,
         {"rating": "5", "comment": "Thank you"}),
    Case("wish-dispute", W, "/wishes/{wish_dispute}/dispute", OWNER, NOTE),
    Case("wish-cancel", W, "/wishes/{wish_cancel}/cancel", OWNER | STAFF_A,
         {**NOTE, "confirm": "yes"}),
    Case("wish-approve", W, "/wishes/{wish_approve}/approve", STAFF_A),
    Case("wish-reject", W, "/wishes/{wish_reject}/reject", STAFF_A, NOTE),
    # The same two reviews from the staff queue (issue 15).
    Case("queue-approve", "/staff/wishes/{wish_id:int}/review",
         "/staff/wishes/{wish_queue_approve}/review", STAFF_A, {"decision": "approve"}),
    Case("queue-reject", "/staff/wishes/{wish_id:int}/review",
         "/staff/wishes/{wish_queue_reject}/review", STAFF_A,
         {"decision": "reject", "reason": "Written by the authorisation matrix."}),
    Case("wish-resolve_confirm", W, "/wishes/{wish_resolve_confirm}/resolve_confirm",
         STAFF_A, NOTE),
    Case("wish-resolve_reopen", W, "/wishes/{wish_resolve_reopen}/resolve_reopen", STAFF_A,
         NOTE),
    Case("wish-assign", W, "/wishes/{wish_assign}/assign", STAFF_A,
         {"person": "{login_helper}"}),
    # Escalation to the street (街道兜底): the community's staff send it, the street's
    # staff assign a helper of the street or send it back.
    Case("wish-escalate", W, "/wishes/{wish_escalate}/escalate", STAFF_A, NOTE),
    Case("wish-send_back", W, "/wishes/{wish_send_back}/send_back", STREET_A, NOTE,
         control="street_a"),
    Case("wish-street-assign", W, "/wishes/{wish_street_assign}/assign", STAFF_A | STREET_A,
         {"person": "{login_helper}"}, control="street_a"),
    # Another community's category is refused as a form error.
    Case("wish-post", "/wishes/new", "/wishes/new", IN_A,
         {"category": "{category}", "title": "Carry rice upstairs", "description": "Two bags."},
         refusal=frozenset({422})),
    Case("wish-post-on-behalf", "/wishes/new", "/wishes/new", OWNER | STAFF_A,
         {"category": "{category}", "title": "Carry rice upstairs", "description": "Two bags.",
          "owner_login": "{login_owner}"}, control="staff_a"),
    Case("wish-post-on-behalf-of-b", "/wishes/new", "/wishes/new", frozenset(),
         {"category": "{category}", "title": "Carry rice upstairs", "description": "Two bags.",
          "owner_login": "{login_resident_b}"}, only=("staff_a",)),
    Case("category-add", "/staff/wishes/categories", "/staff/wishes/categories", STAFF_A,
         {"community_id": "{community_a}", "name": "Shopping", "points": "10"}),
    Case("category-toggle", "/staff/wishes/categories/{category_id:int}/toggle",
         "/staff/wishes/categories/{category_spare}/toggle", STAFF_A),
    Case("api-wish-post", "/api/wishes", "/api/wishes", IN_A,
         json={"category_id": Ref("category"), "title": "Carry rice upstairs"},
         refusal=frozenset({400})),
    Case("api-wish-claim", API_W + "/claim", "/api/wishes/{api_claim}/claim",
         frozenset({"helper", "claimer"}), json={}),
    Case("api-wish-claim-unverified", API_W + "/claim", "/api/wishes/{api_claim}/claim",
         frozenset(), json={}, only=("applicant",)),
    Case("api-wish-release", API_W + "/release", "/api/wishes/{api_release}/release",
         frozenset({"claimer"}) | STAFF_A, json=NOTE),
    Case("api-wish-fulfil", API_W + "/fulfil", "/api/wishes/{api_fulfil}/fulfil",
         frozenset({"claimer"}), json={**NOTE, "hours": 1}),
    Case("api-wish-confirm", API_W + "/confirm", "/api/wishes/{api_confirm}/confirm", OWNER,
         json={"rating": 5}),
    Case("api-wish-dispute", API_W + "/dispute", "/api/wishes/{api_dispute}/dispute", OWNER,
         json={"reason": "Only one bag came."}),
    # Rewards: residents' codes.
    Case("code-get", "/rewards/offers/{offer_id:int}/code", "/rewards/offers/{offer_a}/code",
         IN_A),
    Case("code-cancel", "/rewards/codes/{code_id:int}/cancel",
         "/rewards/codes/{code_cancel}/cancel", OWNER, {"confirm": "yes"}),
    Case("code-renew", "/rewards/codes/{code_id:int}/renew",
         "/rewards/codes/{code_renew}/renew", OWNER),
    Case("api-code-get", "/api/rewards/codes", "/api/rewards/codes", IN_A,
         json={"offer_id": Ref("offer_a")}),
    Case("api-code-cancel", "/api/rewards/codes/{code_id:int}/cancel",
         "/api/rewards/codes/{code_cancel_api}/cancel", OWNER, json={}),
    # Rewards: the shop.
    Case("shop-apply", "/merchant/apply", "/merchant/apply", SIGNED_IN, SHOP),
    Case("shop-redeem-check", "/merchant/{merchant_id:int}/redeem",
         "/merchant/{merchant_a}/redeem", SHOP_A, {"code": "{code_check_text}"},
         reads_only=True),
    Case("shop-redeem", "/merchant/{merchant_id:int}/redeem/confirm",
         "/merchant/{merchant_a}/redeem/confirm", SHOP_A, {"code": "{code_redeem_text}"}),
    # At their own till, another shop's code is "not valid here" (the form again, 422) and
    # counts as a wrong try: the throttle's row is the one write allowed.
    Case("shop-redeem-at-own-till", "/merchant/{merchant_id:int}/redeem/confirm",
         "/merchant/{merchant_b_shop}/redeem/confirm", frozenset(),
         {"code": "{code_redeem_text}"}, only=("merchant_b",), refusal=frozenset({422}),
         may_write=frozenset({"redeem_attempt"})),
    Case("api-redeem", "/api/rewards/merchants/{merchant_id:int}/redeem",
         "/api/rewards/merchants/{merchant_a}/redeem", SHOP_A,
         json={"code": Ref("code_redeem_api_text")}),
    Case("api-redeem-at-own-till", "/api/rewards/merchants/{merchant_id:int}/redeem",
         "/api/rewards/merchants/{merchant_b_shop}/redeem", frozenset(),
         json={"code": Ref("code_redeem_api_text")}, only=("merchant_b",),
         refusal=frozenset({400}), may_write=frozenset({"redeem_attempt"})),
    Case("cashier-add", "/merchant/{merchant_id:int}/members",
         "/merchant/{merchant_a}/members", SHOPKEEPER, {"login": "{login_candidate}"}),
    Case("cashier-remove", "/merchant/{merchant_id:int}/members/{member_id:int}/remove",
         "/merchant/{merchant_a}/members/{cashier2_member}/remove", SHOPKEEPER),
    Case("cashier-remove-via-own-shop",
         "/merchant/{merchant_id:int}/members/{member_id:int}/remove",
         "/merchant/{merchant_b_shop}/members/{cashier2_member}/remove", frozenset(),
         only=("merchant_b",)),
    # Cashier invitations: only the invited person answers; the shop's owner withdraws.
    Case("invite-accept", "/merchant" + INVITE + "/accept",
         "/merchant/invites/{invite_accept}/accept", frozenset({"helper"})),
    Case("invite-decline", "/merchant" + INVITE + "/decline",
         "/merchant/invites/{invite_decline}/decline", frozenset({"claimer"})),
    Case("invite-withdraw", "/merchant/{merchant_id:int}" + INVITE + "/withdraw",
         "/merchant/{merchant_a}/invites/{invite_withdraw}/withdraw", SHOPKEEPER),
    Case("invite-withdraw-via-own-shop", "/merchant/{merchant_id:int}" + INVITE + "/withdraw",
         "/merchant/{merchant_b_shop}/invites/{invite_withdraw}/withdraw", frozenset(),
         only=("merchant_b",)),
    Case("offer-create", "/merchant/{merchant_id:int}/offers/new",
         "/merchant/{merchant_a}/offers/new", SHOPKEEPER, OFFER),
    Case("offer-create-unverified-shop", "/merchant/{merchant_id:int}/offers/new",
         "/merchant/{merchant_pending}/offers/new", frozenset(), OFFER, only=("hopeful",)),
    Case("offer-update", "/merchant/{merchant_id:int}/offers/{offer_id:int}",
         "/merchant/{merchant_a}/offers/{offer_a}", SHOPKEEPER, OFFER),
    Case("offer-update-via-own-shop", "/merchant/{merchant_id:int}/offers/{offer_id:int}",
         "/merchant/{merchant_b_shop}/offers/{offer_a}", frozenset(), OFFER,
         only=("merchant_b",)),
    # Rewards: staff.
    Case("merchant-review", "/staff/merchants/{merchant_id:int}/review",
         "/staff/merchants/{merchant_pending}/review", STAFF_A,
         {"decision": "verify", "points_per_yuan": "10"}),
    Case("merchant-rate", "/staff/merchants/{merchant_id:int}/rate",
         "/staff/merchants/{merchant_a}/rate", STAFF_A, {"points_per_yuan": "10"}),
    Case("merchant-settle", "/staff/merchants/{merchant_id:int}/settle",
         "/staff/merchants/{merchant_a}/settle", STAFF_A, {"start": "{day_1}", "end": "{day_1}"}),
    Case("settlement-paid", "/settlements/{settlement_id:int}/paid",
         "/settlements/{settlement}/paid", STAFF_A, {"note": "Paid in cash"}),
    # Activities: another community's code is refused as a form error, and counts as a
    # wrong code for the person's throttle (its row in login_attempt, the one write allowed).
    Case("checkin", "/activities/checkin", "/activities/checkin", IN_A,
         {"code": "{activity_code}", "method": "code"}, refusal=frozenset({422}),
         may_write=frozenset({"login_attempt"})),
    Case("activity-create", "/staff/activities", "/staff/activities", STAFF_A,
         {"community": "{community_a}", "title": "Tidy the bike shed", "place": "Gate 2",
          "day": "{day_0}", "time": "18:00", "points": "5"}),
    Case("attendance", "/staff/activities/{activity_id:int}/attendance",
         "/staff/activities/{activity_a}/attendance", STAFF_A, {"user": "{user_neighbour}"}),
    Case("attendance-of-others-at-own-activity", "/staff/activities/{activity_id:int}/attendance",
         "/staff/activities/{activity_b}/attendance", frozenset(), {"user": "{user_owner}"},
         only=("staff_b",)),
    # Care: giving to a resident in need of another community is refused as a form error.
    Case("give", "/points/give", "/points/give", IN_A,
         {"to_user": "{user_needy}", "amount": "1", "memo": "For you", "key": "{key_give}"},
         refusal=frozenset({422})),
    Case("care-rules", CARE + "/rules", "/staff/care/{community_a}/rules", STAFF_A,
         {"per_gift": "20", "per_month": "100", "expiry_months": "12"}),
    Case("care-mark", CARE + "/in-need", "/staff/care/{community_a}/in-need", STAFF_A,
         {"person_id": "{user_neighbour}", "reason": "Recovering from an operation",
          "category": "illness", "consent": "self"}),
    Case("care-mark-via-own-community", CARE + "/in-need", "/staff/care/{community_b}/in-need",
         frozenset(), {"person_id": "{user_neighbour}", "reason": "Recovering",
                       "category": "illness", "consent": "self"},
         only=("staff_b",),
         refusal=frozenset({422})),
    Case("care-clear", CARE + "/in-need/{user_id:int}/clear",
         "/staff/care/{community_a}/in-need/{user_needy2}/clear", STAFF_A),
    Case("care-clear-via-own-community", CARE + "/in-need/{user_id:int}/clear",
         "/staff/care/{community_b}/in-need/{user_needy2}/clear", frozenset(),
         only=("staff_b",)),
    # Only the listed resident withdraws; anyone else is not listed (404). After "give".
    Case("in-need-withdraw", "/me/in-need/withdraw", "/me/in-need/withdraw",
         frozenset({"needy"}), control="needy", refusal=frozenset({404})),
    # Community rules, categories and the points budget (administrators only).
    Case("rules-save", RULES, "/staff/rules/{community_a}", STAFF_A, RULE_VALUES),
    Case("rules-category-add", RULES + "/categories", "/staff/rules/{community_a}/categories",
         STAFF_A, {"name": "{community_new}", "points": "10"}),
    Case("rules-category-edit", "/staff/rules/categories/{category_id:int}",
         "/staff/rules/categories/{category_spare}", STAFF_A,
         {"name": "{community_renamed}", "points": "12"}),
    Case("rules-budget", RULES + "/budget", "/staff/rules/{community_a}/budget", ADMIN,
         {"budget": "900000"}),
    # The report back (双报告) and statutory certificates: staff of the member's community.
    Case("reportback-comment", "/staff/reportback/cards/{user_id:int}",
         "/staff/reportback/cards/{user_member}", STAFF_A,
         {"period": "2026-Q3", "comment": "Helps every week"}),
    Case("reportback-send", "/staff/reportback/cards/{user_id:int}/send",
         "/staff/reportback/cards/{user_member}/send", STAFF_A, {"period": "2026-Q2"}),
    Case("reportback-send-unit", "/staff/reportback/send", "/staff/reportback/send", STAFF_A,
         {"community_id": "{community_a}", "period": "2026-Q1", "unit": "-"}),
    Case("certificate-issuer", "/staff/certificates/issuer", "/staff/certificates/issuer",
         STAFF_A, {"community_id": "{community_a}", "formal_name": "Peach Garden Committee",
                   "person_in_charge": "Director Wang"}),
    Case("certificate-issue", "/staff/certificates/new", "/staff/certificates/new", STAFF_A,
         {"user_id": "{user_member}", "date_from": "{day_2}", "date_to": "{day_0}",
          "id_type": "passport", "id_number": "E12345678", "volunteer_number": "",
          "notes": ""}),
    Case("certificate-revoke", "/staff/certificates/{cert_id:int}/revoke",
         "/staff/certificates/{certificate_a}/revoke", STAFF_A, {"reason": "Wrong period"}),
    # Each person's own ID for certificates (masked).
    Case("record-identity", "/me/record/identity", "/me/record/identity", SIGNED_IN,
         {"id_type": "resident_id", "id_number": "330102199001011234",
          "volunteer_number": ""}),
    # Closing an account (注销): one's own with the password; staff for a staff-managed
    # resident of their community, typing her name. Near the end: the closed accounts
    # (the helper's, a managed resident's) are in no case after these.
    Case("account-close", "/me/close", "/me/close", SIGNED_IN, {"password": PASSWORD},
         control="helper"),
    Case("account-close-managed", "/staff/members/{user_id:int}/close",
         "/staff/members/{user_closable}/close", STAFF_A, {"confirm": "{name_closable}"}),
    # Last: archiving community A would change what the cases after it see.
    Case("community-archive", PLACE + "/archive", "/manage/community/{community_a}/archive",
         ADMIN, {"archived": "1", "confirm": "yes"}),
)

# Wish actions that no request names: timers lapse, auto-confirm and expire; "join" is a
# claim on a team wish and "leave" has no button yet (the page route answers 404).
NOT_A_BUTTON = {Action.LAPSE, Action.AUTO_CONFIRM, Action.EXPIRE, Action.JOIN, Action.LEAVE}

# Refusals that are not refused: (case, actor) -> what goes wrong. Marked xfail(strict).
HOLES: dict[tuple[str, str], str] = {}


def refused_pairs() -> list[Any]:
    pairs = []
    for case in TABLE:
        for actor in case.only or ACTORS:
            if actor in case.allowed:
                continue
            hole = HOLES.get((case.name, actor))
            marks = [pytest.mark.xfail(strict=True, reason=hole)] if hole else []
            pairs.append(pytest.param(case, actor, id=f"{case.name}/{actor}", marks=marks))
    return pairs


# Who shows that an allowed request works: the first allowed actor in this order.
CONTROL_ORDER = (ANONYMOUS, "owner", "claimer", "helper", "merchant", "staff_a", "admin",
                 *ACTORS)


def control_actor(case: Case) -> str:
    return case.control or next(a for a in CONTROL_ORDER if a in case.allowed)


async def send(client: httpx.AsyncClient, case: Case, values: dict[str, Any]
               ) -> httpx.Response:
    return await request(client, case.method, case.url, values, case.form, case.json)


@dataclass
class Stage:
    """The refusal cast, a client per actor, and the database as the last test left it."""

    cast: AuthzCast
    clients: dict[str, httpx.AsyncClient]
    watch: Watch


@pytest.fixture(scope="module")
async def stage(app: Litestar) -> AsyncIterator[Stage]:
    cast = await authz_cast.build()
    clients = {actor: await client_for(app, cast, actor) for actor in (*ACTORS, *NAMED_ONLY)}
    watch = Watch()
    await watch.start()
    yield Stage(cast, clients, watch)
    watch.close()
    for client in clients.values():
        await client.aclose()


# --- the tests -----------------------------------------------------------------------


def _app_unsafe_routes(app: Litestar) -> set[tuple[str, str]]:
    return {(method, route.path) for route in app.routes if isinstance(route, HTTPRoute)
            for method in route.methods & UNSAFE}


def test_table_lists_every_unsafe_route_and_no_other(app: Litestar) -> None:
    listed = {(case.method, case.route) for case in TABLE}
    routes = _app_unsafe_routes(app)
    assert sorted(routes - listed) == [], "unsafe routes missing from TABLE: add them"
    assert sorted(listed - routes) == [], "TABLE lists routes the app no longer has"


def test_table_is_well_formed() -> None:
    names = [case.name for case in TABLE]
    assert len(names) == len(set(names)), "case names must be unique (they are test ids)"
    for case in TABLE:
        assert case.allowed <= EVERYONE | set(NAMED_ONLY), case.name
        assert case.allowed <= EVERYONE or case.control in case.allowed, case.name
        assert set(case.only or ()) <= EVERYONE | set(NAMED_ONLY), case.name
        assert case.only or case.allowed, f"{case.name}: nobody may use it? say so with only="
    buttons = {case.url.rsplit("/", 1)[1] for case in TABLE if case.route == W}
    assert buttons == {a.value for a in Action} - NOT_A_BUTTON


@pytest.mark.parametrize(("case", "actor"), refused_pairs())
async def test_refused_and_nothing_written(stage: Stage, case: Case, actor: str) -> None:
    response = await send(stage.clients[actor], case, stage.cast.values)
    written = await stage.watch.written(case.may_write)  # and the next test starts here
    status, where = response.status_code, response.headers.get("location", "")
    assert status != 500, response.text[:500]
    if actor == ANONYMOUS:
        if case.url.startswith("/api/"):
            assert status == 401, response.text[:300]
        else:
            assert status == 303 and where.startswith("/login?next="), (status, where)
    else:
        assert status in case.refusal, (status, where, response.text[:300])
    assert written == [], f"{case.name} as {actor} wrote: {written}"


@pytest.fixture(scope="module")
async def control_cast() -> AsyncIterator[tuple[AuthzCast, Watch]]:
    """A cast of its own for the allowed requests, which do change things."""
    cast = await authz_cast.build()
    watch = Watch()
    await watch.start()
    yield cast, watch
    watch.close()


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name) for c in TABLE if c.allowed])
async def test_allowed_actor_succeeds(app: Litestar, control_cast: tuple[AuthzCast, Watch],
                                      case: Case) -> None:
    cast, watch = control_cast
    actor = control_actor(case)
    # A client of its own: what one case does to cookies (sign in, out) stays there.
    client = await client_for(app, cast, actor)
    try:
        before = await snapshot() if case.reads_only else None
        sign = await watch.sign()
        response = await send(client, case, cast.values)
    finally:
        await client.aclose()
    status, where = response.status_code, response.headers.get("location", "")
    assert status < 400, (actor, status, response.text[:500])
    assert not where.startswith("/login?next="), (actor, where)  # sent to sign in
    assert "error" not in flash_kinds(response), (actor, where)
    # It did what it is for (so the refusals above were refusals of the person).
    if before is None:
        assert await watch.sign() != sign, f"{case.name} as {actor} wrote nothing"
    else:
        assert changes(before, await snapshot()) == [], case.name
