"""A hall's set-up from a TOML file: departments, queues, windows and accounts.

`load_hall("demo")` reads the packaged demo hall (central/seed/demo/hall.toml); any other value
is a path to a hall's own file in the same format. Importing this module is cheap (no database
libraries), so the terminal's demo login screen can call `demo_accounts()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from client.toml_file import TomlFileError, read_toml

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy import Connection

DEMO_HALL = Path(__file__).with_name("seed") / "demo" / "hall.toml"
ROLES = ("clerk", "supervisor", "device", "admin")
DEVICE_KINDS = ("kiosk", "pad", "display")


class HallFileError(ValueError):
    """A hall file that cannot be used; the message names the file and the entry."""


@dataclass
class SeedQueue:
    prefix: str
    name: str
    daily_cap: int
    department: str | None = None
    bring: str | None = None  # the kiosk slip's what-to-bring line


@dataclass
class SeedWindow:
    no: int
    name: str
    queues: list[tuple[str, int]]
    general: bool = False
    department: str | None = None


@dataclass
class SeedStaff:
    staff_no: str
    name: str
    role: str
    department: str | None = None
    title: str | None = None
    device: str | None = None
    window: int | None = None
    # A rating pad: the windows whose services it rates (`window = 3` or `windows = [3, 4]`).
    pad_windows: list[int] | None = None
    password: str | None = None
    password_hash: str | None = None


@dataclass
class HallSeed:
    code: str
    name: str
    departments: dict[str, str] = field(default_factory=dict)
    queues: list[SeedQueue] = field(default_factory=list)
    windows: list[SeedWindow] = field(default_factory=list)
    staff: list[SeedStaff] = field(default_factory=list)


def hall_path(seed: str) -> Path:
    return DEMO_HALL if seed == "demo" else Path(seed)


def load_hall(seed: str) -> HallSeed:
    path = hall_path(seed)
    try:
        data = read_toml(path)
    except TomlFileError as exc:
        raise HallFileError(f"{path}: {exc.sentence('hall file')}.") from None
    try:
        return _parse(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise HallFileError(f"{path}: {exc}") from None


def _parse(data: dict[str, Any]) -> HallSeed:
    hall = data["hall"]
    seed = HallSeed(code=str(hall["code"]), name=str(hall["name"]))
    for d in data.get("departments", []):
        seed.departments[str(d["code"])] = str(d["name"])
    for q in data.get("queues", []):
        queue = SeedQueue(
            prefix=str(q["prefix"]).upper(),
            name=str(q["name"]),
            daily_cap=int(q["daily_cap"]),
            department=q.get("department"),
            bring=str(q["bring"]) if "bring" in q else None,
        )
        if not (1 <= len(queue.prefix) <= 4 and queue.prefix.isalpha()):
            raise ValueError(f"queue prefix {queue.prefix!r} must be 1–4 letters")
        _known(seed, queue.department, f"queue {queue.prefix}")
        seed.queues.append(queue)
    prefixes = {q.prefix for q in seed.queues}
    for w in data.get("windows", []):
        window = SeedWindow(
            no=int(w["no"]),
            name=str(w["name"]),
            general=bool(w.get("general", False)),
            department=w.get("department"),
            queues=[(str(p).upper(), int(prio)) for p, prio in w.get("queues", [])],
        )
        for prefix, _ in window.queues:
            if prefix not in prefixes:
                raise ValueError(f"window {window.no} serves unknown queue {prefix!r}")
        _known(seed, window.department, f"window {window.no}")
        seed.windows.append(window)
    for s in data.get("staff", []):
        person = SeedStaff(
            staff_no=str(s["staff_no"]),
            name=str(s["name"]),
            role=str(s["role"]),
            department=s.get("department"),
            title=s.get("title"),
            device=s.get("device"),
            window=s.get("window"),
            password=s.get("password"),
            password_hash=s.get("password_hash"),
        )
        if person.role not in ROLES:
            raise ValueError(f"staff {person.staff_no}: role must be one of {', '.join(ROLES)}")
        if person.role == "device" and person.device not in DEVICE_KINDS:
            raise ValueError(
                f"staff {person.staff_no}: device must be one of {', '.join(DEVICE_KINDS)}"
            )
        if not (person.password or person.password_hash):
            raise ValueError(f"staff {person.staff_no}: give password_hash (or password)")
        if person.device == "pad":
            person.pad_windows = _pad_windows(seed, person.staff_no, s)
        _known(seed, person.department, f"staff {person.staff_no}")
        seed.staff.append(person)
    return seed


def _pad_windows(seed: HallSeed, staff_no: str, entry: dict[str, Any]) -> list[int] | None:
    """The windows a rating pad rates: `windows = [..]`, else its `window`; None: unbound."""
    given = entry.get("windows", [entry["window"]] if "window" in entry else None)
    if given is None:
        return None
    known = {w.no for w in seed.windows}
    if not isinstance(given, list) or not given or not all(isinstance(n, int) for n in given):
        raise ValueError(f"staff {staff_no}: windows must be a list of window numbers")
    unknown = sorted(set(given) - known)
    if unknown:
        raise ValueError(f"staff {staff_no}: unknown window {unknown[0]}")
    return sorted(set(given))


def _known(seed: HallSeed, department: str | None, where: str) -> None:
    if department is not None and department not in seed.departments:
        raise ValueError(f"{where}: unknown department {department!r}")


def demo_accounts(seed: str = "demo") -> list[dict[str, Any]]:
    """The accounts a demo login screen lists: staff_no, name, role, device (kind, for
    role device), title, department (name), password, window (usual window, or None)."""
    hall = load_hall(seed)
    return [
        {
            "staff_no": s.staff_no,
            "name": s.name,
            "role": s.role,
            "device": s.device,
            "title": s.title,
            "department": hall.departments.get(s.department or ""),
            "password": s.password,
            "window": s.window if s.role != "device" else None,
        }
        for s in hall.staff
    ]


def apply_hall(
    conn: Connection, seed: HallSeed, hash_password: Callable[[str], str], now: datetime
) -> None:
    """Write a hall into an empty database (the caller's transaction)."""
    from sqlalchemy import insert

    from central.schema import departments, hall, queues, staff, window_queues, windows

    conn.execute(insert(hall).values(code=seed.code, name=seed.name, seeded_at=now))
    # Plain passwords exist only in demo files, where every account shares one: hash each
    # distinct password once (argon2 at full cost takes a while per hash).
    hashed: dict[str, str] = {}

    def hash_once(password: str) -> str:
        if password not in hashed:
            hashed[password] = hash_password(password)
        return hashed[password]

    if seed.departments:
        conn.execute(
            insert(departments), [{"code": c, "name": n} for c, n in seed.departments.items()]
        )
    if seed.queues:
        conn.execute(
            insert(queues),
            [
                {
                    "prefix": q.prefix,
                    "name": q.name,
                    "department_code": q.department,
                    "daily_cap": q.daily_cap,
                    "bring": q.bring,
                }
                for q in seed.queues
            ],
        )
    if seed.staff:
        conn.execute(
            insert(staff),
            [
                {
                    "staff_no": s.staff_no,
                    "name": s.name,
                    "role": s.role,
                    "department_code": s.department,
                    "title": s.title,
                    "device_kind": s.device,
                    "usual_window": s.window,
                    "pad_windows": s.pad_windows,
                    "password_hash": s.password_hash or hash_once(s.password or ""),
                    "active": True,
                }
                for s in seed.staff
            ],
        )
    if seed.windows:
        conn.execute(
            insert(windows),
            [
                {"no": w.no, "name": w.name, "general": w.general, "department_code": w.department}
                for w in seed.windows
            ],
        )
        links = [
            {"window_no": w.no, "queue_prefix": p, "priority": prio}
            for w in seed.windows
            for p, prio in w.queues
        ]
        if links:
            conn.execute(insert(window_queues), links)
