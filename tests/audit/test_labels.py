"""Every action the code writes to the audit log has a name on the audit page: staff
reading it in Chinese saw "calendar_days_set" in the filter and on the lines."""

from __future__ import annotations

import ast

from marketplace.audit.labels import ACTIONS, action_label
from marketplace.i18n import current_language
from marketplace.settings import ROOT

# audit.record(actor, community, action, ...) and the domains' audit(...) helpers
AUDIT_CALLS = {"audit", "_audit"}


def _recorded_actions() -> dict[str, str]:
    """Action codes written as the third argument of an audit call, with where."""
    found: dict[str, str] = {}
    for path in (ROOT / "marketplace").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or len(node.args) < 3:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            base = getattr(getattr(func, "value", None), "id", "")
            action = node.args[2]
            audits = name in AUDIT_CALLS or (name == "record" and base == "audit")
            if audits and isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.setdefault(action.value, str(path.relative_to(ROOT)))
    return found


def test_every_recorded_action_has_a_label() -> None:
    recorded = _recorded_actions()
    assert len(recorded) > 40  # the scan finds the calls
    assert {code: where for code, where in recorded.items() if code not in ACTIONS} == {}


def test_the_calendars_actions_read_as_chinese() -> None:
    token = current_language.set("zh")
    try:
        assert action_label("calendar_days_set") == "工作日历已录入日期"
        assert action_label("calendar_day_removed") == "工作日历已移除日期"
    finally:
        current_language.reset(token)
