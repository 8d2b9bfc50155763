"""The toolkit's errors: specific classes a caller can catch, each turned into a message and an
exit code in one place (the CLI)."""

from __future__ import annotations


class ClaimsError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 1


class UsageError(ClaimsError):
    """The request itself is wrong: a missing path, a broken schema file, a bad option."""

    exit_code = 2


class SchemaError(UsageError):
    """The schema file given is not a valid JSON Schema."""


class ValidationFailed(ClaimsError):
    """The records have errors; carries the validation result so it can be reported."""

    def __init__(self, result):
        self.result = result
        super().__init__(f"{result.errors} error(s) in {result.files} file(s)")


class ExportError(ClaimsError):
    """An output could not be written; the previous file, if any, is untouched."""


class PublishError(ClaimsError):
    """A publish did not happen; the previous version is intact."""


class PublishConflict(PublishError):
    """Someone else published since we looked: refusing to mix two versions."""


class TagExists(PublishError):
    """The version's tag is already taken; tags are never moved."""


class VersionNotFound(ClaimsError):
    """The requested version was never published; names the versions that were."""

    def __init__(self, revision: str, available: list[str]):
        self.revision = revision
        self.available = available
        names = ", ".join(available) if available else "none"
        super().__init__(f"version {revision!r} does not exist; published versions: {names}")


class OutputRefused(UsageError):
    """An output would replace or delete a file the command did not write (or one of its own
    inputs): nothing was written. See `toolkit.outputs`."""
