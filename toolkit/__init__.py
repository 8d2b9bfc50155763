"""claims toolkit: validate, merge, export and publish datasets of fact-checked public claims.

Every command of the `claims` CLI is a call here that a script can make too.
"""

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
from .records import Problem, Record
from .schema import load_schema
from .validation import ValidationResult, read_records, validate

# The heavier stages (Polars, the Hub) load on first use, so `claims validate` starts fast.
# (`build`, `publish` and `export` live in `building`, `publishing` and `exporting`.)
_LAZY = {"load": "publishing", "diff": "versions"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


__all__ = [
    "diff",
    "load",
    "AccessDenied",
    "ClaimsError",
    "ExportError",
    "HubUnavailable",
    "NotAReleaseStore",
    "OutputRefused",
    "SchemaError",
    "TagExists",
    "TargetNotFound",
    "TooManyRemovals",
    "Problem",
    "PublishConflict",
    "PublishError",
    "Record",
    "UsageError",
    "ValidationFailed",
    "ValidationResult",
    "VersionNotFound",
    "load_schema",
    "read_records",
    "validate",
]
