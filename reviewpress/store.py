"""Files the build keeps between runs (.cache/) and puts into the site: written whole, checked when read.

One home for three rules every cache follows:
  - a file is written to a temporary name and renamed into place, so nobody ever reads half of one;
  - what is read back is checked against the SHA-256 it was stored with; a damaged entry is
    reported in one line and made again, never published and never fatal;
  - the site gets its own copy of each file (a reflink where the file system offers one, else a
    plain copy), so damaging the cache cannot damage the live site and an edit to site/ cannot
    survive into the next build.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.reviewpress")
_FICLONE = 0x40049409  # Linux ioctl: share the data blocks, copy-on-write (btrfs, XFS)


class DamagedCacheEntry(Exception):
    """A cached file no longer holds what was stored."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def report_damage(what: str, path: Path, why: str) -> None:
    """One line, and the entry is removed so it is made again. (INFO: mkdocs' strict mode would
    fail the build on a warning, and nothing is wrong with what is published.)"""
    log.info(f"The build cache was damaged ({what}: {path.name}, {why}); it is made again.")
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


def read_verified(path: Path, sha256: str, what: str) -> bytes | None:
    """The file's bytes if they still match their checksum; None (and one line) if not, or if it is gone."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if sha256_bytes(data) != sha256:
        report_damage(what, path, "its checksum does not match")
        return None
    return data


def copy_into_site(source: Path, destination: Path, sha256: str | None = None) -> None:
    """The site's own copy of a cached file, checked against its checksum when one is given."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    with open(source, "rb") as src, open(tmp, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
        except OSError:
            shutil.copyfileobj(src, dst, 1 << 20)
    if sha256 is not None and sha256_file(tmp) != sha256:
        tmp.unlink(missing_ok=True)
        raise DamagedCacheEntry(f"{source} no longer matches its checksum")
    os.replace(tmp, destination)
