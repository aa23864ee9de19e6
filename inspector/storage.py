"""Where media bytes live. Keys are content addresses (the SHA-256 of the bytes), so identical
uploads are stored once, a stored file is never rewritten, and a key can never name a path outside
the store."""

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Protocol

KEY_PATTERN = re.compile(r"([0-9a-f]{2})/([0-9a-f]{2})/(\1\2[0-9a-f]{60})\.([a-z0-9]{1,8})")
_SUFFIX = re.compile(r"[a-z0-9]{1,8}")
# Originals carry the reporter's GPS: readable by the service account and its group, not others.
FILE_MODE = 0o640


class InvalidMediaKey(ValueError):
    """A key that is not one this store hands out (and so may be an attempt at path traversal)."""


class MediaStore(Protocol):
    def put(self, data: bytes, suffix: str) -> str:
        """Store `data` and return its key; storing the same bytes again returns the same key."""
        ...

    def get(self, key: str) -> bytes: ...

    def open(self, key: str) -> IO[bytes]: ...

    def path_for(self, key: str) -> Path | None:
        """A local path for `send_file`, or None when the store is not a local filesystem."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error (garbage collection)."""
        ...

    def iter_keys(self) -> Iterator[str]: ...


def content_key(data: bytes, suffix: str) -> str:
    """`ab/cd/abcd…<64 hex>.jpg`: two levels of 256 directories keep listings short."""
    suffix = suffix.removeprefix(".").lower()
    if not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"not a file suffix: {suffix!r}")
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}.{suffix}"


def validate_key(key: str) -> str:
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise InvalidMediaKey(f"not a media key: {key!r}")
    return key


class FilesystemStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes, suffix: str) -> str:
        key = content_key(data, suffix)
        path = self.root / key
        # Same key means same bytes; the size check catches a file damaged since it was written.
        if path.is_file() and path.stat().st_size == len(data):
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomically(path, data)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def path_for(self, key: str) -> Path | None:
        return self._path(key)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def iter_keys(self) -> Iterator[str]:
        """Every stored key, skipping anything else (such as a crashed write's temporary file)."""
        for first in _sorted_subdirectories(self.root):
            for second in _sorted_subdirectories(first):
                for entry in sorted(os.listdir(second)):
                    key = f"{first.name}/{second.name}/{entry}"
                    if KEY_PATTERN.fullmatch(key):
                        yield key

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers see the old state or the complete file, never a partial one, even after a crash:
    write a temporary file in the same directory, fsync it, rename it over, fsync the directory."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as file:
            os.fchmod(file.fileno(), FILE_MODE)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sorted_subdirectories(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(entry for entry in directory.iterdir() if entry.is_dir())


def store_from_config(config: Mapping[str, Any]) -> MediaStore:
    """The store the app is configured for (a filesystem today; S3 can join behind MediaStore)."""
    return FilesystemStore(Path(config["MEDIA_ROOT"]))
