"""`claims new`: one new claim file, written only once it passes validation with the whole dataset.

The id is derived from the speaker and the first words of the claim (readable, and unique among the
ids already in the dataset); the file is YAML in `fmt`'s canonical form and starts with the
`yaml-language-server` line that lets editors check it against the schema in use as it is typed
(a path relative to the file; the desk's copy of the schema that `claims init` writes).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .dataset import Dataset
from .errors import ValidationFailed
from .files import write_text
from .fmt import to_yaml
from .paths import check_output, portable_name
from .records import Problem, ValidationResult
from .schema import ClaimSchema, default_schema_path
from .validation import read_records, validate

ID_WORDS = 6
ID_LENGTH = 60


@dataclass(frozen=True)
class NewRecord:
    """A record written by `new_record`: where it went and what it holds."""

    path: Path
    id: str
    data: dict[str, Any]


def new_record(
    folder: str | os.PathLike,
    *,
    speaker: str,
    claim: str,
    date: str,
    status: str,
    source: str,
    dataset: Dataset | list[str | os.PathLike] | None = None,
    schema: str | os.PathLike | ClaimSchema | None = None,
) -> NewRecord:
    """Write `folder/ID.yaml` for one claim, checked against the schema in use and against every
    record of `dataset` (a `Dataset`, or its paths; default: `folder`); nothing is written when a
    check fails (ValidationFailed).

    >>> new_record("claims/", speaker="John Bolton", claim="They have not lived up to it.",
    ...            date="2018-12-04", status="true", source="https://example.org/a").id
    'john-bolton-they-have-not-lived-up-to'
    """
    folder = Path(folder)
    check_output(folder, what="--folder", folder=True)
    if isinstance(dataset, Dataset):
        paths = [path for path in Dataset.of(dataset, schema=schema).paths if os.path.exists(path)]
    else:
        paths = [os.fspath(p) for p in (dataset or ([folder] if folder.is_dir() else []))]
        dataset = Dataset.open(paths or ["."], schema=schema)  # the settings of the paths, else of here
    schema = dataset.schema
    # The readable id is tried first: the validation that must run anyway says whether the dataset
    # has it. Only then are all its ids read, once, so that the next try is free (one read of the
    # dataset in the usual case, three when the id is taken, however many variants it has).
    taken: set[str] = set()
    learnt = False
    while True:
        identifier = unique_id(speaker, claim, taken)
        target = folder / f"{identifier}.yaml"
        if target.exists():  # a file of that name, whatever id it holds
            taken.add(identifier)
            continue
        data = {
            "id": identifier,
            "speaker": speaker,
            "claim": claim,
            "date": date,
            "status": status,
            "sources": [{"url": source}],
        }
        reference = schema_reference(schema, folder)
        text = (f"# yaml-language-server: $schema={reference}\n" if reference else "") + to_yaml(data, schema)
        own = _checked(text, target, dataset, paths)
        if any(p.rule == "duplicate-id" for p in own) and not learnt:
            taken |= {identifier} | _ids(dataset, paths)
            learnt = True
            continue
        if any(p.severity == "error" for p in own):
            raise ValidationFailed(ValidationResult(1, 1, own))
        write_text(target, text)
        return NewRecord(target, identifier, data)


# The fields `claims new` asks for, by the record field a problem points at.
ASKED = {"speaker": "speaker", "claim": "claim", "date": "date", "status": "status", "sources": "source"}


def fields_at_fault(problems: Iterable[Problem]) -> list[str]:
    """The asked fields the problems are about, in the order they are asked (`claims new` asks
    for each again instead of throwing every answer away); empty when a problem is about none.

    >>> fields_at_fault([Problem("x.yaml", 5, 7, "/status", "enum", "error", "not a status")])
    ['status']
    """
    problems = [p for p in problems if p.severity == "error"]
    wrong = {ASKED.get(p.pointer.split("/")[1]) if p.pointer.count("/") else None for p in problems}
    if None in wrong or not problems:
        return []
    return [name for name in ASKED.values() if name in wrong]


def _checked(text: str, target: Path, dataset: Dataset, paths: list[str]) -> tuple[Problem, ...]:
    """The problems of the draft `text` (to be written at `target`), validated with the whole
    dataset, as they would be reported once it is written."""
    with tempfile.TemporaryDirectory(prefix="claims-new-") as scratch:
        draft = Path(scratch) / target.name
        draft.write_text(text, encoding="utf-8")
        checked = validate(dataset.reading([*paths, draft]))
    return tuple(replace(p, file=str(target)) for p in checked.problems if p.file == str(draft))


def unique_id(speaker: str, claim: str, taken: set[str]) -> str:
    """A readable id from the speaker and the claim's first words, not in `taken` (a number is
    added when it is); text with no Latin letters gives `claim-` and a hash of the words, and a
    name some file system refuses for `ID.yaml` (`aux`, `nul`, `com1`) gets `-claim`.

    >>> unique_id("John Bolton", "They have not lived up to the commitments so far.", set())
    'john-bolton-they-have-not-lived-up-to'
    >>> unique_id("Moon Jae-in", "Peace.", {"moon-jae-in-peace"})
    'moon-jae-in-peace-2'
    >>> unique_id("Aux", "中文", set())
    'aux-claim'
    """
    words = slug(" ".join([speaker, *claim.split()[:ID_WORDS]]))
    base = words[:ID_LENGTH].rsplit("-", 1)[0] if len(words) > ID_LENGTH else words
    if len(base) < 3:
        digest = hashlib.sha256("\n".join((speaker, claim)).encode()).hexdigest()
        base = f"claim-{digest[:8]}"
    if not portable_name(f"{base}.yaml"):  # `aux`, `nul`, `com1`: device names on Windows
        base = f"{base}-claim"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def slug(text: str) -> str:
    """Lowercase ASCII words joined by hyphens (accents dropped; other scripts give nothing)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _ids(dataset: Dataset, paths: list[str]) -> set[str]:
    if not paths:
        return set()
    _, records = read_records(dataset.reading(paths))
    return {r.data["id"] for r in records if isinstance(r.data, dict) and isinstance(r.data.get("id"), str)}


def schema_reference(schema: ClaimSchema, folder: Path) -> str | None:
    """The schema in use as an editor finds it from a file in `folder`: its path relative to the
    file (the desk's copy that `claims init` writes, or a schema of its own). None for the
    packaged schema, which lives inside an installation: nothing serves it at its `$id`."""
    if schema.path.resolve() == default_schema_path().resolve():
        return None
    try:
        return Path(os.path.relpath(schema.path.resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive
        return schema.path.resolve().as_uri()
