"""Training scenarios: an ordered set of scripted citizens, read from TOML.

A scenario file (the README's "Training scenarios" says it for trainers):

    title = "…"             # zh; title_en optional
    [[citizens]]            # in the order they take their tickets
    queue = "A"             # queue prefix of the demo hall
    kind = "walk_in"        # walk_in | green | appointment
    item = "GJ-001"         # a code of the demo catalog
    name = "王秀英"          # the applicant: a person has id_number;
                            # an enterprise has kind = "enterprise", uscc and contact
    id_number = "…"
    mobile = "…"
    says = "…"              # what the citizen says at the window (says_en optional)
    earlier_visits = 0      # one-time notices already given for this item (a returning citizen)
    documents = [{ material = "…", form = "复印件", note = "…" }]  # note_en optional
    [citizens.expected]
    decision = "notice"     # accept | tolerate | notice | refuse | escalate
    gaps = ["…"]            # a notice must list these as not received
    received = ["…"]        # these must be marked received
    tolerated = ["…"]       # 容缺受理: these must be 容缺 (with a date within the due date)
    refer_to = "法院"        # 不予受理: where to go must name this
    called_first = false    # a green-channel ticket: called before those waiting earlier
    points = ["…"]          # the key points the trainer talks through (shown in the report)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from client.toml_file import TomlFileError, read_toml
from counter.core.desk import DeskDocument

DECISIONS = ("accept", "tolerate", "notice", "refuse", "escalate")
KINDS = ("walk_in", "green", "appointment")


class ScenarioError(ValueError):
    """A scenario that cannot be run: one sentence saying which and why."""


@dataclass(frozen=True)
class Expected:
    decision: str
    gaps: tuple[str, ...] = ()
    received: tuple[str, ...] = ()
    tolerated: tuple[str, ...] = ()
    refer_to: str = ""
    called_first: bool = False
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citizen:
    queue: str
    item: str
    name: str
    expected: Expected
    kind: str = "walk_in"
    applicant: str = "person"  # person | enterprise
    id_number: str = ""
    uscc: str = ""
    contact: str = ""
    mobile: str = ""
    says: str = ""
    says_en: str = ""
    earlier_visits: int = 0
    documents: tuple[DeskDocument, ...] = ()

    @property
    def lookup_id(self) -> str:
        return self.id_number if self.applicant == "person" else self.uscc


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    title_en: str
    citizens: tuple[Citizen, ...] = field(default_factory=tuple)

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title


def shipped() -> dict[str, Path]:
    """name → file of every scenario shipped in the package, sorted by name."""
    folder = resources.files("counter.demo.scenarios")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = Path(str(entry))
    return dict(sorted(found.items()))


def find(name_or_file: str) -> Path:
    """A shipped scenario by name, else a trainer's own file."""
    known = shipped()
    if name_or_file in known:
        return known[name_or_file]
    path = Path(name_or_file).expanduser()
    if path.suffix == ".toml" or path.exists():
        return path
    raise ScenarioError(f"no scenario named {name_or_file!r} (known: {', '.join(known)})")


def load(name_or_file: str) -> Scenario:
    path = find(name_or_file)
    try:
        raw = read_toml(path)
    except TomlFileError as exc:
        raise ScenarioError(f"{path}: {exc.sentence('scenario file')}") from exc
    try:
        return parse(path.stem, raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScenarioError(f"{path}: {exc}") from exc


def _texts(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} must be a list of texts")
    return tuple(value)


def _expected(raw: dict[str, Any], where: str) -> Expected:
    decision = str(raw.get("decision", ""))
    if decision not in DECISIONS:
        raise ValueError(f"{where}: expected.decision must be one of {', '.join(DECISIONS)}")
    return Expected(
        decision=decision,
        gaps=_texts(raw, "gaps"),
        received=_texts(raw, "received"),
        tolerated=_texts(raw, "tolerated"),
        refer_to=str(raw.get("refer_to", "")),
        called_first=bool(raw.get("called_first", False)),
        points=_texts(raw, "points"),
    )


def _citizen(raw: dict[str, Any], index: int) -> Citizen:
    where = f"citizen {index}"
    for key in ("queue", "item", "name"):
        if not str(raw.get(key, "")).strip():
            raise ValueError(f"{where}: {key} is missing")
    kind = str(raw.get("kind", "walk_in"))
    applicant = "person"
    if kind == "enterprise":
        kind, applicant = "walk_in", "enterprise"
    if kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {', '.join((*KINDS, 'enterprise'))}")
    documents = tuple(
        DeskDocument(
            material=str(doc["material"]),
            form=str(doc.get("form", "原件")),
            note=str(doc.get("note", "")),
            note_en=str(doc.get("note_en", "")),
        )
        for doc in raw.get("documents", [])
    )
    return Citizen(
        queue=str(raw["queue"]),
        item=str(raw["item"]),
        name=str(raw["name"]),
        expected=_expected(dict(raw.get("expected", {})), where),
        kind=kind,
        applicant=applicant,
        id_number=str(raw.get("id_number", "")),
        uscc=str(raw.get("uscc", "")),
        contact=str(raw.get("contact", "")),
        mobile=str(raw.get("mobile", "")),
        says=str(raw.get("says", "")),
        says_en=str(raw.get("says_en", "")),
        earlier_visits=int(raw.get("earlier_visits", 0)),
        documents=documents,
    )


def parse(name: str, raw: dict[str, Any]) -> Scenario:
    citizens = raw.get("citizens", [])
    if not isinstance(citizens, list) or not citizens:
        raise ValueError("a scenario needs at least one [[citizens]]")
    return Scenario(
        name=name,
        title=str(raw.get("title", name)),
        title_en=str(raw.get("title_en", "")),
        citizens=tuple(_citizen(dict(c), i + 1) for i, c in enumerate(citizens)),
    )
