"""Download my data (PIPL Art. 45; Network Data Security Management Regulations Art. 25).

One ZIP: ``data.json`` (every section, machine-readable), one CSV per section (through
``csvfile``: the same escaping and encoding as every other download), and the photos of
the person's own wishes. Up to ``EXPORT_INLINE_ROWS`` rows it is made during the request;
above, a job row is written and the timer builds the file (``run_jobs``), which the person
downloads from Me until it expires. Nothing is kept in a process's memory between
requests, so any number of app processes may serve it.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from marketplace import clock, csvfile, settings
from marketplace.mydata import sections
from marketplace.principal import Principal
from marketplace.privacy import exports
from marketplace.wishes.uploads import NAME as PHOTO_NAME

FORMAT = 1  # raised when the file's layout changes


@dataclass(frozen=True)
class Made:
    """A small export's bytes, or the job that will make a large one."""

    body: bytes | None = None
    job_id: int | None = None


async def collect(user_id: int) -> dict[str, sections.Rows]:
    return {name: await read(user_id) for name, read in sections.SECTIONS.items()}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.aware(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _photos(data: dict[str, sections.Rows]) -> list[str]:
    names = [row[col] for row in data["wishes"] for col in ("photo", "fulfil_photo")]
    return sorted({n for n in names if n and PHOTO_NAME.match(n)})


def write_zip(out: IO[bytes], user_id: int, data: dict[str, sections.Rows]) -> int:
    """The ZIP into ``out``; returns the rows written."""
    document = {"format": FORMAT, "person_id": user_id,
                "exported_at": clock.now().isoformat(), "sections": data}
    rows = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=1,
                                                 default=_json_value))
        for name, found in data.items():
            header = sections.COLUMNS[name]
            archive.writestr(f"{name}.csv", csvfile.document(
                header, ([row[col] for col in header] for row in found)))
            rows += len(found)
        uploads = settings.get().upload_dir
        for photo in _photos(data):
            if (uploads / photo).is_file():
                archive.write(uploads / photo, f"photos/{photo}")
    return rows


async def make(actor: Principal, user_id: int) -> Made:
    """The person's data for ``actor`` (``exports.subject`` says who may): at once when
    small, else a background job. Audited either way."""
    person = await exports.subject(actor, user_id)
    rows = await sections.size(user_id)
    if rows > settings.get().export_inline_rows:
        return Made(job_id=await exports.request_job(actor, user_id, rows))
    buffer = io.BytesIO()
    write_zip(buffer, user_id, await collect(user_id))
    await exports.record(actor, person, f"at once, {rows} rows")
    return Made(body=buffer.getvalue())


def file_name(user_id: int, moment: datetime | None = None) -> str:
    """The download's name: ASCII only, it goes in a header."""
    day = clock.local_date(moment or clock.now())
    return f"my-data-{user_id}-{day:%Y%m%d}.zip"


def _write_file(folder: Path, name: str, user_id: int, data: dict[str, sections.Rows]) -> int:
    part = folder / (name + ".part")
    with part.open("wb") as out:
        rows = write_zip(out, user_id, data)
    os.chmod(part, 0o600)
    os.replace(part, folder / name)  # whole or absent: never a half file to download
    return rows


async def _build(job: dict[str, Any], moment: datetime) -> None:
    user_id = int(job["user"])
    folder = exports.folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = exports.new_file_name(user_id)
    data = await collect(user_id)
    # Compressing a large file takes a while: off the event loop, so pages keep coming.
    rows = await asyncio.to_thread(_write_file, folder, name, user_id, data)
    if not await exports.finish(int(job["id"]), name, rows, moment):
        (folder / name).unlink(missing_ok=True)


async def run_jobs(moment: datetime) -> int:
    """Timer job: build the waiting exports, delete the expired ones. Each job is claimed
    by a conditional update, so a second run (or process) does each once."""
    done = await exports.expire(moment)
    for job in await exports.claim_due(moment):
        await _build(job, moment)
        done += 1
    return done
