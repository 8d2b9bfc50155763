"""The toolkit's errors: specific classes a caller can catch, each turned into a message and an
exit code in one place (the CLI)."""

from __future__ import annotations

from .text import plural


class ClaimsError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 1


class UsageError(ClaimsError):
    """The request itself is wrong: a missing path, a broken schema file, a bad option."""

    exit_code = 2


class SchemaError(UsageError):
    """The schema file given is not a valid JSON Schema."""


class ChartUnavailable(UsageError):
    """The chart needs matplotlib (the `plot` extra), which is not installed."""


class ValidationFailed(ClaimsError):
    """The records have errors; carries the validation result so it can be reported."""

    def __init__(self, result):
        self.result = result
        super().__init__(f"{plural(result.errors, 'error')} in {plural(result.files, 'file')}")


class ExportError(ClaimsError):
    """An output could not be written; the previous file, if any, is untouched."""


class PublishError(ClaimsError):
    """A publish did not happen; the previous version is intact."""


class PublishConflict(PublishError):
    """Someone else published since we looked: refusing to mix two versions."""


class StaleClaims(PublishConflict):
    """The claims would remove what a version they never held added: they are older than it."""


class TagExists(PublishError):
    """The version's tag is already taken; tags are never moved."""


class VersionNotFound(ClaimsError):
    """The requested version was never published; names the versions that were."""

    def __init__(self, revision: str, available: list[str]):
        self.revision = revision
        self.available = available
        names = ", ".join(available) if available else "none"
        super().__init__(f"version {revision!r} does not exist; published versions: {names}")


class TargetNotFound(UsageError):
    """No release store or Hub repository goes by that name (nothing was published there yet)."""


class NotAReleaseStore(UsageError):
    """The folder is not one `claims publish` created (someone's own repository, other files):
    refused, and nothing in it touched."""


class AccessDenied(PublishError):
    """The Hub rejected the token, or the token may not do this."""


class HubUnavailable(PublishError):
    """The Hub could not be reached or kept failing; nothing was changed by the failed call."""


class TooManyRemovals(PublishError):
    """The publish would remove every claim or more than a tenth of them: refused unless allowed."""


class PlaceholdersFound(PublishError):
    """The version would carry what `claims init` left for the desk to replace (an ORG/ repository,
    an example address, the example claim): refused, nothing published. See `toolkit.placeholders`."""


class OutputRefused(UsageError):
    """An output would replace or delete a file the command did not write (or one of its own
    inputs): nothing was written. See `toolkit.outputs`."""


class PathRefused(UsageError):
    """A path from the settings or the options leads where the toolkit never reads or writes:
    outside the repository (a setting), into git's own folder, a device or a system file, or a
    file larger than such a file ever is. See `toolkit.paths`."""
