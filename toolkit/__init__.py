"""claims toolkit: validate, merge, export and publish datasets of fact-checked public claims.

Every command of the `claims` CLI is a call here that a script can make too, reading a desk's
settings (claims.yaml, its schema, speakers.yaml) exactly as the command does:

    >>> import toolkit
    >>> toolkit.validate(["fixtures/"]).valid
    True
    >>> toolkit.build(["fixtures/"]).table.height
    14

Each call takes a `Dataset` (resolved once: `toolkit.Dataset.open(paths, schema=..., ...)`) or the
paths and options to open one. The heavier stages (Polars, the Hub) load on first use, so
`import toolkit` and `claims validate` start fast.
"""

from .commands import Settings, build, diff, export, import_claims, load, publish, pull, stats, validate
from .dataset import Dataset
from .errors import (
    AccessDenied,
    ClaimsError,
    ExportError,
    HubUnavailable,
    NotAReleaseStore,
    OutputRefused,
    PublishConflict,
    PublishError,
    SchemaError,
    TagExists,
    TargetNotFound,
    TooManyRemovals,
    UsageError,
    ValidationFailed,
    VersionNotFound,
)
from .records import Problem, Record, ValidationResult
from .schema import load_schema
from .validation import read_records

__all__ = [
    "AccessDenied",
    "ClaimsError",
    "Dataset",
    "ExportError",
    "HubUnavailable",
    "NotAReleaseStore",
    "OutputRefused",
    "Problem",
    "PublishConflict",
    "PublishError",
    "Record",
    "SchemaError",
    "Settings",
    "TagExists",
    "TargetNotFound",
    "TooManyRemovals",
    "UsageError",
    "ValidationFailed",
    "ValidationResult",
    "VersionNotFound",
    "build",
    "diff",
    "export",
    "import_claims",
    "load",
    "load_schema",
    "publish",
    "pull",
    "read_records",
    "stats",
    "validate",
]
