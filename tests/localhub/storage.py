"""What a Hub repository holds, in memory: blobs, commits, branches, tags and LFS objects.

It exists apart from the HTTP side so that the ids the clients check are computed in one place,
the way git computes them: blob and tree ids, commit hashes and LFS pointers. The clients compare
them (`oid` in preupload answers, ETags on downloads), so made-up ids would hide real bugs.
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

# The Hub stores files above this size with LFS whatever their name.
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024

# What the Hub puts in a new repo's first commit (abridged from its default file).
DEFAULT_GITATTRIBUTES = "".join(
    f"{pattern} filter=lfs diff=lfs merge=lfs -text\n"
    for pattern in (
        "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gz", "*.h5", "*.joblib",
        "*.lfs.*", "*.lz4", "*.mds", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz",
        "*.onnx", "*.ot", "*.parquet", "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar",
        "*.safetensors", "saved_model/**/*", "*.tar.*", "*.tar", "*.tflite", "*.tgz", "*.wasm",
        "*.xz", "*.zip", "*.zst", "*tfevents*", "*.mp3", "*.ogg", "*.wav", "*.flac",
        "*.jpg", "*.jpeg", "*.png", "*.webp", "*.gif", "*.mp4", "*.webm",
    )
)


def git_blob_oid(data: bytes) -> str:
    """Git object id of a blob, as the Hub reports it in `oid` / `blobId`."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The git-lfs pointer file that git stores in place of an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def iso(moment: datetime) -> str:
    """A date the way the Hub's JSON spells it."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Blob:
    """File content at a commit; LFS files also carry their sha256."""

    data: bytes
    oid: str
    lfs_sha256: str | None = None

    @classmethod
    def regular(cls, data: bytes) -> Blob:
        return cls(data=data, oid=git_blob_oid(data))

    @classmethod
    def lfs(cls, data: bytes, sha256: str) -> Blob:
        return cls(data=data, oid=git_blob_oid(lfs_pointer(sha256, len(data))), lfs_sha256=sha256)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def etag(self) -> str:
        """What the Hub sends as (linked) ETag: sha256 for LFS files, the blob oid otherwise."""
        return self.lfs_sha256 or self.oid

    def lfs_info(self) -> dict | None:
        if self.lfs_sha256 is None:
            return None
        return {"oid": self.lfs_sha256, "size": self.size, "pointerSize": len(lfs_pointer(self.lfs_sha256, self.size))}


def _parent_dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _tree_oids(files: dict[str, Blob]) -> dict[str, str]:
    """Git tree ids of every directory ("" is the root), computed like git does."""
    children: dict[str, dict[str, tuple[bytes, str]]] = {"": {}}
    for path, blob in files.items():
        parts = path.split("/")
        for depth in range(1, len(parts)):
            children.setdefault("/".join(parts[:depth]), {})
        children["/".join(parts[:-1])][parts[-1]] = (b"100644", blob.oid)
    oids: dict[str, str] = {}
    for directory in sorted(children, key=lambda d: d.count("/") + bool(d), reverse=True):
        entries = dict(children[directory])
        for sub, sub_oid in oids.items():
            if sub and _parent_dir(sub) == directory:
                entries[sub.rsplit("/", 1)[-1]] = (b"40000", sub_oid)
        # git orders tree entries by name, directories compared as "name/"
        ordered = sorted(entries.items(), key=lambda kv: kv[0] + ("/" if kv[1][0] == b"40000" else ""))
        body = b"".join(mode + b" " + name.encode() + b"\0" + bytes.fromhex(oid) for name, (mode, oid) in ordered)
        oids[directory] = hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()
    return oids


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    description: str
    author: str
    date: datetime
    files: dict[str, Blob]
    tree: dict[str, str]  # directory -> git tree id

    @classmethod
    def create(
        cls, *, parent: Commit | None, files: dict[str, Blob], title: str, description: str, author: str
    ) -> Commit:
        """Build a commit whose oid is the real git commit hash of its content."""
        tree = _tree_oids(files)
        date = datetime.now(timezone.utc)
        stamp = f"{author} <{author}@users.noreply.localhub> {int(date.timestamp())} +0000"
        lines = [f"tree {tree['']}"] + ([f"parent {parent.oid}"] if parent else [])
        lines += [f"author {stamp}", f"committer {stamp}", "", title + (f"\n\n{description}" if description else "")]
        body = ("\n".join(lines) + "\n").encode()
        oid = hashlib.sha1(b"commit %d\0" % len(body) + body).hexdigest()
        return cls(oid, parent.oid if parent else None, title, description, author, date, files, tree)

    def directories(self) -> set[str]:
        """Every directory holding files ("" excluded)."""
        return {d for d in self.tree if d}


@dataclass
class Repo:
    """A dataset repository (the only kind the toolkit publishes)."""

    repo_id: str
    private: bool
    created_at: datetime
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    lfs_objects: dict[str, bytes] = field(default_factory=dict)  # sha256 -> content

    @classmethod
    def create(cls, repo_id: str, *, private: bool, author: str) -> Repo:
        """A new repo holds the Hub's initial commit with its default `.gitattributes`, so
        `main` always exists (as on the Hub)."""
        repo = cls(repo_id, private, datetime.now(timezone.utc))
        initial = Commit.create(
            parent=None,
            files={".gitattributes": Blob.regular(DEFAULT_GITATTRIBUTES.encode())},
            title="initial commit",
            description="",
            author=author,
        )
        repo.commits[initial.oid] = initial
        repo.branches["main"] = initial.oid
        return repo

    def url(self, endpoint: str) -> str:
        return f"{endpoint}/datasets/{self.repo_id}"

    def resolve(self, revision: str) -> Commit | None:
        """Branch, tag, `refs/heads/x`, `refs/tags/x` or full commit sha, like the Hub."""
        if revision.startswith("refs/heads/"):
            revision = self.branches.get(revision[len("refs/heads/") :], "")
        elif revision.startswith("refs/tags/"):
            revision = self.tags.get(revision[len("refs/tags/") :], "")
        oid = self.branches.get(revision) or self.tags.get(revision) or revision
        return self.commits.get(oid)

    def history(self, commit: Commit) -> list[Commit]:
        """Commits reachable from `commit`, newest first."""
        out = [commit]
        while out[-1].parent is not None:
            out.append(self.commits[out[-1].parent])
        return out


def lfs_patterns(gitattributes: Blob | None) -> list[str]:
    """The path patterns `.gitattributes` sends to LFS."""
    if gitattributes is None:
        return []
    patterns = []
    for line in gitattributes.data.decode("utf-8", "replace").splitlines():
        fields = line.split()
        if fields and not fields[0].startswith("#") and "filter=lfs" in fields[1:]:
            patterns.append(fields[0])
    return patterns


def matches(path: str, patterns: list[str]) -> bool:
    """gitattributes-style match: patterns without '/' match the file name."""
    name = path.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if "/" in pattern.strip("/"):
            if fnmatch.fnmatchcase(path, pattern.lstrip("/")) or path.startswith(pattern.lstrip("/") + "/"):
                return True
        elif fnmatch.fnmatchcase(name, pattern) or any(fnmatch.fnmatchcase(p, pattern) for p in path.split("/")[:-1]):
            return True
    return False
