"""Who may copy whose data (PIPL Art. 45), and the jobs that make large copies.

The data itself is gathered by ``marketplace.mydata.export`` (it reads every domain); this
low-level part keeps the rule and the job rows, so the Me page can show "preparing…"
without importing the domains. Every state lives in ``ExportJob`` rows and files under
``VAR_DIR/exports``: any app process serves the download, any timer builds it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from marketplace import clock, db, settings
from marketplace.accounts.tables import User
from marketplace.audit import service as audit
from marketplace.db import MAX_ID
from marketplace.errors import NotFound
from marketplace.i18n import _
from marketplace.principal import Principal
from marketplace.privacy.tables import ExportJob

FOLDER = "exports"
# A job claimed longer ago than this is taken over: the process that claimed it died.
STALE = timedelta(minutes=15)


def folder() -> Path:
    return settings.get().var_dir / FOLDER


def _nobody() -> NotFound:
    return NotFound(_("No such person."))


async def subject(actor: Principal, user_id: int) -> dict[str, Any]:
    """The person whose data ``actor`` may copy: themselves, or, for staff of their
    community, a resident whose account staff keep (红色代办: they have no login to do it
    themselves). Not a proxy: a relative acting for a resident confirms wishes and spends
    points, but the whole file (phone, address, care record) is the resident's to ask
    for, in person or through staff. NotFound otherwise, so nobody learns who exists."""
    if actor.agent_id is not None or not 0 < user_id <= MAX_ID:
        raise _nobody()
    row = await User.select(User.id, User.community, User.managed_by_staff,
                            User.display_name).where(User.id == user_id).first()
    if row is None:
        raise _nobody()
    if user_id == actor.user_id:
        return row
    if row["managed_by_staff"] and actor.can_staff(int(row["community"])):
        return row
    raise _nobody()


async def record(actor: Principal, person: dict[str, Any], detail: str) -> None:
    """An audit line for every copy handed out or asked for."""
    await audit.record(actor.acting_id, int(person["community"]), "data_exported", "user",
                       int(person["id"]), detail)


async def request_job(actor: Principal, user_id: int, rows: int) -> int:
    """A background export of the person's data; the one already waiting if there is."""
    person = await subject(actor, user_id)
    async with db.transaction():
        waiting = await ExportJob.select(ExportJob.id).where(
            (ExportJob.user == user_id) & (ExportJob.status == "pending")).first()
        if waiting is not None:
            return int(waiting["id"])
        made = await ExportJob.insert(ExportJob(
            user=user_id, requested_by=actor.acting_id, rows=rows)).returning(ExportJob.id)
        job_id = int(made[0]["id"])
        await record(actor, person, f"job {job_id}, {rows} rows")
    return job_id


@dataclass(frozen=True)
class JobState:
    id: int
    status: str  # pending | ready
    expires_at: datetime | None


async def latest(actor: Principal, user_id: int) -> JobState | None:
    """The person's newest export still waiting or downloadable, for the Me page."""
    if user_id != actor.user_id or actor.agent_id is not None:
        await subject(actor, user_id)  # one's own Me page needs no look-up
    row = await ExportJob.select(ExportJob.id, ExportJob.status, ExportJob.expires_at).where(
        (ExportJob.user == user_id) & ExportJob.status.is_in(["pending", "ready"])
    ).order_by(ExportJob.id, ascending=False).first()
    if row is None:
        return None
    if row["status"] == "ready" and clock.aware(row["expires_at"]) <= clock.now():
        return None  # past its time; the timer removes the file
    return JobState(int(row["id"]), row["status"], row["expires_at"])


async def download(actor: Principal, job_id: int) -> tuple[Path, int]:
    """The ready file of export ``job_id`` and whose data it is, for the person it is
    about (or their staff, see ``subject``) only; NotFound for anyone else."""
    row = None
    if 0 < job_id <= MAX_ID:
        row = await ExportJob.select().where(ExportJob.id == job_id).first()
    if row is None:
        raise NotFound(_("This download does not exist."))
    await subject(actor, int(row["user"]))
    path = folder() / row["file_name"]
    if (row["status"] != "ready" or clock.aware(row["expires_at"]) <= clock.now()
            or not row["file_name"] or not path.is_file()):
        raise NotFound(_("This download is no longer available. Please ask for your data "
                         "again on your Me page."))
    return path, int(row["user"])


# --- the timer's side ------------------------------------------------------------------


async def claim_due(moment: datetime) -> list[dict[str, Any]]:
    """Waiting jobs this process now builds: each claimed by a conditional update, so two
    timers never build the same one (a claim older than ``STALE`` is taken over)."""
    stale = moment - STALE
    due = await ExportJob.select(ExportJob.id, ExportJob.user).where(
        (ExportJob.status == "pending")
        & (ExportJob.claimed_at.is_null() | (ExportJob.claimed_at < stale))
    ).order_by(ExportJob.id).limit(20)
    claimed = []
    for job in due:
        won = await ExportJob.update({ExportJob.claimed_at: moment}).where(
            (ExportJob.id == job["id"]) & (ExportJob.status == "pending")
            & (ExportJob.claimed_at.is_null() | (ExportJob.claimed_at < stale))
        ).returning(ExportJob.id)
        if won:
            claimed.append(job)
    return claimed


def new_file_name(user_id: int) -> str:
    # Random: a name seen in a log or a listing does not lead to anyone else's file.
    return f"data-{user_id}-{secrets.token_hex(12)}.zip"


async def finish(job_id: int, file_name: str, rows: int, moment: datetime) -> bool:
    """The file is written: the job is ready. False if another process finished it first
    (its file then stays the one served; the caller removes its own)."""
    keep = timedelta(days=settings.get().export_keep_days)
    done = await ExportJob.update({
        ExportJob.status: "ready", ExportJob.file_name: file_name, ExportJob.rows: rows,
        ExportJob.ready_at: moment, ExportJob.expires_at: moment + keep,
    }).where((ExportJob.id == job_id) & (ExportJob.status == "pending")).returning(
        ExportJob.id)
    return bool(done)


async def expire(moment: datetime) -> int:
    """Ready files past their time are deleted; their rows stay as "expired" (the audit
    line says it was handed out). Twice, or in two processes at once: deleted once."""
    due = await ExportJob.select(ExportJob.id).where(
        (ExportJob.status == "ready") & (ExportJob.expires_at <= moment))
    removed = 0
    for job in due:
        gone = await ExportJob.update({ExportJob.status: "expired"}).where(
            (ExportJob.id == job["id"]) & (ExportJob.status == "ready")
        ).returning(ExportJob.file_name)
        if gone and gone[0]["file_name"]:
            remove_files([gone[0]["file_name"]])
            removed += 1
    return removed


async def erase_person(user_id: int) -> list[str]:
    """Closing an account: no export of it is built or served any more. Returns the files
    to delete once the closing is committed."""
    live = (ExportJob.user == user_id) & (ExportJob.status != "expired")
    files = await ExportJob.select(ExportJob.file_name).where(live)  # RETURNING: new values
    await ExportJob.update({ExportJob.status: "expired", ExportJob.file_name: ""}).where(live)
    return [row["file_name"] for row in files if row["file_name"]]


def remove_files(names: list[str]) -> None:
    for name in names:
        (folder() / name).unlink(missing_ok=True)
