"""Write a confidential file safely: private, whole or not at all, never through a link.

`write_private(path, text)` creates an unpredictable temporary name in the target's own
directory with `tempfile.mkstemp` (O_CREAT | O_EXCL, mode 0600: a planted symlink or a
planted world-writable file is never opened), writes, fsyncs, then renames it over `path`
(`os.replace`, which replaces a symlink at `path` itself rather than following it). On any
failure (a full disk, an interruption) the temporary file is removed and `path` is left as
it was. With `exclusive=True` an existing `path` is never replaced (hard link, then unlink).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a directory; the data itself is synced
    finally:
        os.close(fd)


def write_private(path: str | os.PathLike[str], data: str | bytes, *, exclusive: bool = False) -> Path:
    """Write `data` (text as UTF-8) to `path`, mode 0600, atomically; returns the path.

    Raises FileExistsError when `exclusive` and `path` exists, and OSError when the file
    cannot be written; in both cases nothing is left behind.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    directory = path.parent if str(path.parent) else Path(".")
    if exclusive and os.path.lexists(path):
        raise FileExistsError(errno.EEXIST, "file exists", str(path))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            view = memoryview(payload)
            while view:
                written = fh.write(view)
                view = view[written:]
            fh.flush()
            os.fsync(fh.fileno())
        if exclusive:
            try:
                os.link(tmp, path)  # fails if path appeared meanwhile: never overwritten
            except FileExistsError:
                raise
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                    raise
                if os.path.lexists(path):  # no hard links here: check, then rename
                    raise FileExistsError(errno.EEXIST, "file exists", str(path)) from None
                os.replace(tmp, path)
            else:
                tmp.unlink()
        else:
            os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(directory)
    return path
