"""The speaker registry: one canonical name per person or body, whatever name a record used.

A small YAML file in the data repository (`speakers.yaml`):

    - name: Donald Trump
      wikidata: Q22686
      aliases: [President Trump, Donald J. Trump]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import UsageError
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


def load_speakers(path: str | os.PathLike | None) -> SpeakerRegistry:
    if path is None:
        return SpeakerRegistry()
    try:
        entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"{path}: cannot read the speaker registry: {error}") from None
    speakers = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [None], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise UsageError(f"{path}: entry {number} needs a `name` (and optional `aliases`, `wikidata`)")
        aliases = entry.get("aliases") or []
        speakers.append(Speaker(tidy(entry["name"]), entry.get("wikidata"), tuple(tidy(str(a)) for a in aliases)))
    return SpeakerRegistry(tuple(speakers))


def find_registry(paths: list[str]) -> Path | None:
    """`speakers.yaml` next to the inputs: in a folder given, or the folder of a file given."""
    for given in paths:
        folder = Path(given) if Path(given).is_dir() else Path(given).parent
        for name in ("speakers.yaml", "speakers.yml"):
            if (folder / name).is_file():
                return folder / name
    return None
