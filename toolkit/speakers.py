"""The speaker registry: one canonical name per person or body, whatever name a record used.

A small YAML file at the root of the data repository (`speakers.yaml`), checked against
`schema/speakers.schema.json` with located problems, as claims are:

    - name: Donald Trump
      wikidata: Q22686
      aliases: [President Trump, Donald J. Trump]
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import rules
from .paths import SPEAKERS_LIMIT, check_file
from .records import Problem, Record
from .text import claim_key, tidy


@dataclass(frozen=True)
class Speaker:
    name: str
    wikidata: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpeakerRegistry:
    speakers: tuple[Speaker, ...] = ()
    _by_key: dict[str, Speaker] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        for speaker in self.speakers:
            for name in (speaker.name, *speaker.aliases):
                self._by_key[claim_key(name)] = speaker

    def canonical(self, name: str) -> Speaker | None:
        """The registry's entry for a name or alias (case and punctuation do not matter)."""
        return self._by_key.get(claim_key(name))


SCHEMA_NAME = "speakers.schema.json"


def check_registry(path: str | os.PathLike) -> tuple[SpeakerRegistry, list[Problem]]:
    """The registry in `path`, and every problem it has, located as claim problems are: against
    `schema/speakers.schema.json` (unknown keys, a text where a list is due, a name that is not
    text), the text rules, keys written twice, and a name or alias that two speakers claim."""
    from .explain import problems_for
    from .readers import yaml as yaml_reader
    from .readers.source import FileProblem, Source
    from .readers.split import duplicate_problems

    source = Source(Path(path), os.fspath(path))
    problems: list[Problem] = []
    try:
        check_file(path, what="the speaker registry", limit=SPEAKERS_LIMIT)
        documents = [document for document in yaml_reader.read_documents(source) if document[0] is not None]
    except FileProblem as error:
        if error.problem.rule == "empty":
            return SpeakerRegistry(), []  # no speaker yet
        return SpeakerRegistry(), [error.problem]
    except OSError as error:
        return SpeakerRegistry(), [
            source.problem(f"cannot read the speaker registry: {error.strerror or error}", rule="io")
        ]
    if not documents:
        return SpeakerRegistry(), []
    if len(documents) > 1:
        problems.append(
            source.problem(
                "the speaker registry is one YAML document: one list of speakers", documents[1][1].of(""), rule="syntax"
            )
        )
    entries, positions, duplicates = documents[0]
    problems.extend(duplicate_problems(source, duplicates, ""))
    record = Record(entries, source.display, positions.of("")[0], positions)
    for violation in _validator().iter_errors(entries):
        problems.extend(problems_for(record, violation))
    problems.extend(rules.problems(record))
    if problems:
        return SpeakerRegistry(), sorted(problems, key=lambda p: (p.line, p.column, p.rule))
    speakers = tuple(
        Speaker(tidy(entry["name"]), entry.get("wikidata"), tuple(tidy(a) for a in entry.get("aliases", ())))
        for entry in entries
    )
    return SpeakerRegistry(speakers), _claimed_twice(record)


def _claimed_twice(record: Record) -> list[Problem]:
    """A name or alias that two speakers claim: the table could map it to either."""
    owners: dict[str, tuple[int, str]] = {}
    problems = []
    for number, entry in enumerate(record.data):
        names = [("name", entry["name"])] + [
            (f"aliases/{k}", alias) for k, alias in enumerate(entry.get("aliases", ()))
        ]
        for step, name in names:
            owner = owners.setdefault(claim_key(name), (number, entry["name"]))
            if owner[0] != number:
                first = record.position(f"/{owner[0]}")
                problems.append(
                    record.problem(
                        f"/{number}/{step}",
                        "speaker-twice",
                        f"{name!r} is already a name of {owner[1]!r} (entry at line {first[0]}); "
                        "a name belongs to one speaker",
                    )
                )
    return problems


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(_schema_path().read_text(encoding="utf-8")))


def _schema_path() -> Path:
    """The packaged registry schema, beside the claim schema."""
    from .schema import default_schema_path

    return default_schema_path().with_name(SCHEMA_NAME)


def load_speakers(path: str | os.PathLike | None) -> SpeakerRegistry:
    """The registry in `path` (none: an empty registry); ValidationFailed, with every located
    problem, if it has any."""
    if path is None:
        return SpeakerRegistry()
    registry, problems = check_registry(path)
    if problems:
        from .errors import ValidationFailed
        from .records import ValidationResult

        raise ValidationFailed(ValidationResult(1, 0, tuple(problems)))
    return registry


REGISTRY_NAMES = ("speakers.yaml", "speakers.yml")
