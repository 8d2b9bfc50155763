"""claims toolkit: validate, merge, export and publish datasets of fact-checked public claims.

Every command of the `claims` CLI is a call here that a script can make too.
"""

from .errors import ClaimsError, PublishConflict, PublishError, UsageError, ValidationFailed, VersionNotFound
from .records import Problem, Record
from .schema import load_schema
from .validate import ValidationResult, read_records, validate

__all__ = [
    "ClaimsError",
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
