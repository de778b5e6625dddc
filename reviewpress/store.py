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
import json
import logging
import os
import shutil
import tempfile
import time
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


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _temporary(path: Path) -> Path:
    """A temporary name of this writer's own beside path (serve writes from two threads of one process),
    with the permissions an ordinary new file gets (mkstemp makes it readable by its owner only, and
    the site's files must be readable by the web server)."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)
    os.close(fd)
    return Path(name)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(path)
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


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


def write_with_info(path: Path, data: bytes, **info) -> dict:
    """A cached file, and beside it (<name>.json) its size, checksum and what else the caller keeps."""
    write_atomic(path, data)
    info = {**info, "size": len(data), "sha256": sha256_bytes(data), "checked": None}
    write_atomic(path.with_suffix(".json"), json.dumps(info).encode())
    return info


def read_info(path: Path, what: str) -> dict | None:
    """The info kept beside a cached file (write_with_info), if the file is there and intact.

    A file whose size or time changed since it was last checked is checked against its checksum;
    a damaged one is reported in one line and counts as missing. An entry of an older version (no
    checksum) counts as missing, and the file is never opened."""
    try:
        info = json.loads(path.with_suffix(".json").read_text())
        size, sha = int(info["size"]), str(info["sha256"])
        status = path.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    stamp = [status.st_size, status.st_mtime_ns]
    if info.get("checked") != stamp:
        data = read_verified(path, sha, what)
        if data is None or len(data) != size:
            return None
        # Remembered only once the file is older than the file system's timestamp resolution (as git
        # does for its index): a change made within the same tick would keep the same size and time.
        if time.time_ns() - status.st_mtime_ns > 2_000_000_000:
            info["checked"] = stamp
            write_atomic(path.with_suffix(".json"), json.dumps(info).encode())
    return info


def copy_into_site(source: Path, destination: Path, sha256: str | None = None) -> None:
    """The site's own copy of a cached file, checked against its checksum when one is given."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(destination)
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            try:
                fcntl.ioctl(dst.fileno(), _FICLONE, src.fileno())
            except OSError:
                shutil.copyfileobj(src, dst, 1 << 20)
        if sha256 is not None and sha256_file(tmp) != sha256:
            raise DamagedCacheEntry(f"{source} no longer matches its checksum")
        os.replace(tmp, destination)
    finally:
        tmp.unlink(missing_ok=True)
