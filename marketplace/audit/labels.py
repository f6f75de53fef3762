"""What the audit page calls each action, instead of its internal code.

The targets' names are read from the domains that own them, so the page does that
(``audit.views``): the log itself knows no domain.
"""

from __future__ import annotations

from marketplace.i18n import N_, _

ACTIONS: dict[str, str] = {
    "staff_login": N_("Staff signed in"),
    "password_changed": N_("Password changed"),
    "helper_verified": N_("Helper verified"),
    "helper_declined": N_("Helper application declined"),
    "staff_granted": N_("Staff role granted"),
    "staff_revoked": N_("Staff role revoked"),
    "community_created": N_("Community created"),
    "in_need_marked": N_("Marked as needing care"),
    "in_need_cleared": N_("Care mark cleared"),
    "in_need_consent_withdrawn": N_("Consent to the care mark withdrawn by the resident"),
    "privacy_operator_set": N_("Site operator named in the privacy notice"),
    "points_rules_changed": N_("Points rules changed"),
    "budget_set": N_("Points budget set"),
    "community_rule_changed": N_("Community rule changed"),
    "category_changed": N_("Wish category changed"),
    "points_adjusted": N_("Points adjusted"),
    "transfer_reversed": N_("Transfer reversed"),
    "adjustment_requested": N_("Points adjustment awaiting approval"),
    "adjustment_approved": N_("Points adjustment approved"),
    "adjustment_declined": N_("Points adjustment declined"),
    "wish_rejected": N_("Wish rejected"),
    "wish_assigned": N_("Wish assigned to a helper"),
    "dispute_resolved": N_("Dispute resolved"),
    "merchant_verified": N_("Merchant verified"),
    "merchant_declined": N_("Merchant application declined"),
    "merchant_rate_set": N_("Merchant's points rate changed"),
    "settlement_closed": N_("Settlement period closed"),
    "settlement_paid": N_("Settlement marked paid"),
    "reset_code_issued": N_("Password reset code issued"),
    "password_reset": N_("Password set with a reset code"),
    "office_contact_changed": N_("Community office contact changed"),
    "acted_for": N_("Done for a resident by someone else"),
    "proxy_added": N_("Proxy added"),
    "proxy_revoked": N_("Proxy removed"),
    "managed_account_created": N_("Staff-managed account made"),
    "activation_issued": N_("Activation code issued"),
    "account_activated": N_("Managed account taken over by the resident"),
    "data_exported": N_("Copy of personal data downloaded"),
    "profile_corrected": N_("Personal details corrected by staff"),
    "helper_details_corrected": N_("Helper's work unit corrected"),
    "privacy_request_made": N_("Privacy request made"),
    "privacy_request_answered": N_("Privacy request answered"),
    "service_card_sent": N_("Service card sent to the work unit"),
    "certificate_issued": N_("Service certificate issued"),
    "certificate_revoked": N_("Service certificate revoked"),
    "certificate_issuer_changed": N_("Certificate issuing organisation changed"),
    "volunteer_identity_changed": N_("ID for certificates changed"),
    "account_closed": N_("Account closed, personal data erased"),
    "work_unit_added": N_("Work unit added to the registry"),
    "work_unit_changed": N_("Work unit changed"),
    "work_unit_accepted": N_("Work unit accepted into the registry"),
    "work_unit_merged": N_("Work unit merged into another"),
    "work_unit_contact_appointed": N_("Work-unit contact appointed"),
    "work_unit_contact_ended": N_("Work-unit contact appointment ended"),
    "district_created": N_("District created"),
    "district_changed": N_("District changed"),
    "street_created": N_("Street created"),
    "street_renamed": N_("Street renamed"),
    "community_street_set": N_("Community placed under a street"),
    "area_staff_granted": N_("Street or district staff appointed"),
    "area_staff_revoked": N_("Street or district staff appointment ended"),
    "wish_escalated_street": N_("Wish escalated to the street"),
    "wish_sent_back": N_("Wish sent back to the community"),
    "calendar_days_set": N_("Days entered in the working-day calendar"),
    "calendar_day_removed": N_("Days removed from the working-day calendar"),
}


def action_label(code: str) -> str:
    """The translated name; an action added later without a label still shows its code."""
    return _(ACTIONS[code]) if code in ACTIONS else code

