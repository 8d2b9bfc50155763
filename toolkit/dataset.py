"""A desk's inputs, resolved once: claims.yaml and what it says, the schema in use, the speaker
registry, the claim files and what discovery passed over (and why).

Every command and every library call takes a `Dataset`; nothing else searches for claims.yaml or
speakers.yaml. `Dataset.open` makes the one upward search (`find_settings`), from the folder of the
inputs up to the root of the git repository that holds them (as git finds its own root); outside a
repository only the inputs' own folder is searched, so a stray file in a parent folder is never
taken. What costs work (the schema, the registry, the walk over the files) is done on first use,
once, and kept.

    >>> dataset = Dataset.open(["fixtures/"])
    >>> dataset.config_file.name, dataset.schema_origin, len(dataset.sources), dataset.config.license
    ('claims.yaml', 'packaged', 4, 'cc-by-4.0')
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from . import readers
from .config import CONFIG_NAMES, DatasetConfig, load_config
from .errors import UsageError, ValidationFailed
from .paths import confine, repository
from .records import Problem, ValidationResult
from .schema import ClaimSchema, default_schema_path, load_schema
from .scope import Rules
from .speakers import REGISTRY_NAMES, SpeakerRegistry, check_registry

Paths = Iterable[str | os.PathLike] | str | os.PathLike


@dataclass(frozen=True)
class Settings:
    """What the one upward search found: the files, as people read paths (relative to the
    working folder where they are below it), and the git work tree of each input that has one."""

    config_file: Path | None = None
    speakers_file: Path | None = None
    roots: tuple[str | None, ...] = ()  # the real path of each input's work tree (None: not in one)


def find_settings(paths: Iterable[str | os.PathLike]) -> Settings:
    """claims.yaml and speakers.yaml of the inputs: for each name, the first file found in the
    folder of an input or above it, up to the root of the git repository holding it (the inputs
    in order; the nearest folder wins). One walk up per input finds both, and the repositories."""
    config: Path | None = None
    registry: Path | None = None
    roots: list[str | None] = []
    for given in paths:
        start = Path(given).resolve()
        folder = start if start.is_dir() else start.parent
        above = [folder, *folder.parents]
        root = next((k for k, candidate in enumerate(above) if (candidate / ".git").exists()), None)
        roots.append(None if root is None else os.fspath(above[root]))
        for candidate in above[: (root or 0) + 1]:
            if config is not None and registry is not None:
                break
            config = config or _first(candidate, CONFIG_NAMES)
            registry = registry or _first(candidate, REGISTRY_NAMES)
    return Settings(config, registry, tuple(roots))


def _first(folder: Path, names: tuple[str, ...]) -> Path | None:
    """The first of `names` in `folder`; refused when it is a link leading out of the repository
    (settings are untrusted: see `paths`)."""
    for name in names:
        if (folder / name).is_file():
            found = _as_given(folder / name)
            confine(found, repository(folder), what=f"{found}")
            return found
    return None


def _as_given(path: Path) -> Path:
    """Relative to the working folder where it is below it, as people read paths."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


@dataclass(frozen=True)
class Dataset:
    """The inputs of a run and the settings that apply to them. Make one with `Dataset.open`."""

    paths: tuple[str, ...] = (".",)  # the inputs as given (the current folder when none)
    config_file: Path | None = None  # claims.yaml (None: the defaults)
    config: DatasetConfig = field(default_factory=DatasetConfig)
    schema_file: Path | None = None  # the schema in use (None: the packaged one)
    schema_origin: str = "packaged"  # "--schema", "claims.yaml" or "packaged"
    speakers_file: Path | None = None  # the speaker registry (None: speakers are not merged)
    speakers_origin: str = "none"  # "--speakers", "found" or "none"
    folder: str = "."  # the whole dataset: claims.yaml's folder, else the repository root, else here
    in_repository: bool = False  # whether an input is inside a git work tree (where the search went)
    exclude: tuple[str, ...] = ()  # --exclude globs, relative to the current folder

    @classmethod
    def open(
        cls,
        paths: Paths | None = None,
        *,
        schema: str | os.PathLike | ClaimSchema | None = None,
        speakers: str | os.PathLike | None = None,
        exclude: Iterable[str] = (),
    ) -> Dataset:
        """The dataset of `paths` (default: the current folder), with the options a command was
        given: `schema` over `schema:` of claims.yaml over the packaged schema, `speakers` over the
        speakers.yaml found, `exclude` globs besides those of claims.yaml."""
        given = tuple(readers.as_paths(paths)) if paths is not None else ()
        given = given or (".",)
        found = find_settings(given)
        config = load_config(found.config_file)
        if isinstance(schema, ClaimSchema):
            schema_file, origin = schema.path, "--schema"
        elif schema is not None:
            schema_file, origin = Path(schema), "--schema"
        elif config.schema is not None:
            schema_file, origin = Path(config.schema), "claims.yaml"
        else:
            schema_file, origin = None, "packaged"
        if found.config_file is not None:
            folder = os.path.relpath(Path(found.config_file).resolve().parent)
        else:
            folder = os.path.relpath(found.roots[0]) if found.roots[0] is not None else "."
        dataset = cls(
            paths=given,
            config_file=found.config_file,
            config=config,
            schema_file=schema_file,
            schema_origin=origin,
            speakers_file=Path(speakers) if speakers is not None else found.speakers_file,
            speakers_origin="--speakers" if speakers is not None else ("found" if found.speakers_file else "none"),
            folder=folder,
            in_repository=any(root is not None for root in found.roots),
            exclude=tuple(exclude),
        )
        if isinstance(schema, ClaimSchema):
            dataset.__dict__["schema"] = schema  # read already: kept, as `schema` would keep it
        return dataset

    @classmethod
    def of(cls, given: Dataset | Paths | None, **options) -> Dataset:
        """`given` itself when it is a Dataset (then no option may be given: they are its own),
        else `Dataset.open(given, **options)`: what every library call does with its first argument."""
        if not isinstance(given, Dataset):
            return cls.open(given, **options)
        passed = [name for name, value in options.items() if value is not None and value != ()]
        if passed:
            raise UsageError(f"{', '.join(passed)}: options of Dataset.open, not of a call given a Dataset")
        return given

    @cached_property
    def schema(self) -> ClaimSchema:
        """The schema in use, read and checked (a SchemaError names what is wrong with it)."""
        return load_schema(self.schema_file)

    @property
    def schema_path(self) -> Path:
        """Where the schema in use is, the packaged one included."""
        return self.schema_file if self.schema_file is not None else default_schema_path()

    @property
    def rules(self) -> Rules:
        """What claims.yaml says of which files are claims (see `scope`)."""
        base = Path(self.config_file).resolve().parent if self.config_file is not None else Path(".").resolve()
        return Rules(
            os.fspath(base),
            self.config.include,
            self.config.exclude,
            None if self.config_file is None else os.fspath(self.config_file),
        )

    @cached_property
    def found(self) -> readers.Found:
        """The claim files, what is wrong with the paths themselves, what was passed over and why."""
        return readers.find(self.paths, exclude=self.exclude, rules=self.rules)

    @property
    def sources(self) -> tuple[readers.Source, ...]:
        return self.found.sources

    @cached_property
    def registry(self) -> tuple[SpeakerRegistry, tuple[Problem, ...]]:
        """The speaker registry and every problem it has (none: an empty registry)."""
        if self.speakers_file is None:
            return SpeakerRegistry(), ()
        registry, problems = check_registry(self.speakers_file)
        return registry, tuple(problems)

    @property
    def speakers(self) -> SpeakerRegistry:
        """The speaker registry; ValidationFailed, with every located problem, if it has any."""
        registry, problems = self.registry
        if problems:
            raise ValidationFailed(ValidationResult(1, 0, problems))
        return registry

    def reading(self, paths: Paths) -> Dataset:
        """The same settings over other inputs (the whole dataset, a draft beside it): nothing is
        searched again, and the schema already read is kept."""
        other = replace(self, paths=tuple(readers.as_paths(paths)) or (".",))
        if "schema" in self.__dict__:
            other.__dict__["schema"] = self.schema
        if "registry" in self.__dict__:
            other.__dict__["registry"] = self.registry
        return other

    def whole(self) -> Dataset:
        """Every claim file of the dataset (its folder), with these settings."""
        return self.reading([self.folder])

    def settings_files(self) -> list[Path]:
        """The files whose content decides every record's verdict: claims.yaml, the schema in use
        (not the packaged one) and the speaker registry."""
        return [p for p in (self.config_file, self.schema_file, self.speakers_file) if p is not None]
