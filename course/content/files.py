"""Where the course is, and writing files safely: small helpers every layer may use.

:func:`find_root` locates the course (``$COURSE_ROOT``, else the nearest folder above the start folder
holding conf.py, pyproject.toml and readings/); :class:`course.content.Course` is built on it.

Every file the course writes (answer templates, reports, exports, figures) is written atomically by
:func:`atomic_replace` (:func:`atomic_write` for text, :func:`atomic_write_bytes` for bytes): a
temporary file in the same folder, then ``os.replace``, so an interrupted run leaves either the old
file or the new one. A failed write is a one-paragraph :class:`WriteError`. A write that must not
undo someone else's save (``expect``: a learner's answer file, which an editor may be saving) swaps
the files atomically and checks what it swapped out, so no save is lost between check and rename.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from course.errors import CourseInputError

_MARKERS = ("conf.py", "pyproject.toml")


def find_root(start: Path | str | None = None) -> Path:
    """$COURSE_ROOT, else the nearest folder above ``start`` (default: the current folder, then this
    package) holding conf.py, pyproject.toml and readings/."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    package = Path(__file__).resolve().parent.parent
    for base in (Path(start) if start else Path.cwd(), package):
        for d in [base, *base.resolve().parents]:
            if all((d / m).exists() for m in _MARKERS) and (d / "readings").is_dir():
                return d
    return package.parent


# --------------------------------------------------------------------------------------------------
# Writing files atomically


class WriteError(CourseInputError, OSError):
    """A file could not be written. Both a :class:`CourseInputError` (commands print it as one paragraph
    and exit 1) and an :class:`OSError` (callers that tolerate write failures keep doing so)."""

    def __init__(self, message: str, code: int = 0):
        OSError.__init__(self, code, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


_ADVICE = {
    errno.ENOSPC: "The disk is full: free some space (or write somewhere else) and run the command again.",
    errno.EDQUOT: "Your disk quota is used up: free some space (or write somewhere else) and run the command again.",
    errno.EROFS: "That disk is read-only: write to a folder on a writable disk instead.",
    errno.EACCES: "You do not have permission to write there: choose another folder, or check its permissions.",
    errno.EPERM: "You do not have permission to write there: choose another folder, or check its permissions.",
    errno.EFBIG: "The file would be larger than this system allows: write somewhere else.",
}


def write_error(path: Path | str, exc: OSError, *, what: str = "write") -> WriteError:
    """The one-paragraph error for a failed write of ``path``."""
    if isinstance(exc, WriteError):
        return exc
    reason = exc.strerror or str(exc) or type(exc).__name__
    advice = _ADVICE.get(exc.errno or 0, "Check that the folder exists and is writable, then run the command again.")
    return WriteError(
        f"{path}: could not {what} the file ({reason}). Nothing was changed: any earlier version "
        f"of the file is intact. {advice}",
        exc.errno or 0,
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def clean_stale_temps(folder: Path | str, *, older_than: float = 3600.0) -> list[Path]:
    """Remove temporary files of :func:`atomic_write` left in ``folder`` by a run that was killed:
    those whose process is gone, and any older than ``older_than`` seconds. Never raises."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        m = re.match(r"^\..+\.(\d+)\.[^.]+\.tmp$", name) or re.match(r"^\..+\.tmp$", name)
        if not m:
            continue
        p = Path(folder) / name
        try:
            st = p.lstat()
            pid = int(m.group(1)) if m.groups() else None
            stale = (pid is not None and pid != os.getpid() and not _pid_alive(pid)) or now - st.st_mtime > older_than
            if stale and not os.path.islink(p):
                p.unlink()
                removed.append(p)
        except (OSError, ValueError):
            continue
    return removed


def atomic_write(path: Path | str, text, *, expect: os.stat_result | None = None) -> None:
    """Write ``text`` to ``path`` atomically; the old file (if any) keeps its permissions. With
    ``expect``, the file must still be the one ``expect`` describes (size, modification time, inode)
    just before the rename, or :class:`FileChanged` is raised and nothing is changed. A failed write
    raises :class:`WriteError`."""
    path = Path(path)
    try:
        atomic_replace(path, _text_writer(text), expect=expect)
    except (FileChanged, WriteError):
        raise
    except OSError as exc:
        raise write_error(path, exc) from None


class FileChanged(Exception):
    """The file changed on disk between reading it and replacing it."""


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_ino, a.st_dev, a.st_size, a.st_mtime_ns) == (b.st_ino, b.st_dev, b.st_size, b.st_mtime_ns)


_RENAME_EXCHANGE = 2  # renameat2 flag (Linux 3.15+): swap two paths atomically
_AT_FDCWD = -100
_renameat2: Any = None  # the libc function; False once known to be unavailable


def _exchange(a: Path | str, b: Path | str) -> bool:
    """Swap the files at ``a`` and ``b`` in one step; False where the system cannot (not Linux, an old
    kernel or C library, a file system without it)."""
    global _renameat2
    if _renameat2 is None:
        try:
            import ctypes

            _renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", False)
        except (OSError, AttributeError):
            _renameat2 = False
    if _renameat2 is False:
        return False
    import ctypes

    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _replace_if_unchanged(tmp: str, path: Path, expect: os.stat_result) -> None:
    """``os.replace(tmp, path)`` if ``path`` is still the file ``expect`` describes, else
    :class:`FileChanged` with ``path`` untouched. With an atomic swap, the check is made on the file
    actually swapped out, so a save between the check and the rename is put back, not overwritten."""
    try:
        now = os.stat(path)
    except FileNotFoundError:
        raise FileChanged(str(path)) from None
    if not _same_file(now, expect):
        raise FileChanged(str(path))
    ours = os.stat(tmp)
    if not _exchange(tmp, path):
        os.replace(tmp, path)  # no atomic swap here: checked as late as possible, then renamed
        return
    if _same_file(os.stat(tmp), expect):
        os.unlink(tmp)  # the old file, swapped out
        return
    # a save landed between the check and the swap: put it back (tmp gets ours again, then removed)
    _exchange(tmp, path)
    if not os.path.samestat(os.stat(tmp), ours):
        _exchange(tmp, path)  # and a newer save replaced ours meanwhile: that one is the file to keep
    raise FileChanged(str(path))


def atomic_replace(
    path: Path | str, write: Callable[[Path], None], *, mode: int | None = None, expect: os.stat_result | None = None
) -> None:
    """Replace ``path`` atomically with what ``write(tmp)`` writes to a temporary file in the same folder
    (named ``.<name>.<pid>.<random>.tmp``, so :func:`clean_stale_temps` can find one left by a killed run).
    The new file gets ``mode``, else the old file's permissions, else the default ones. With ``expect``,
    the file must still be the one ``expect`` describes just before the rename, or :class:`FileChanged`
    is raised and nothing is changed. On any failure the temporary file is removed."""
    path = Path(path)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, mode)
        if expect is not None:
            _replace_if_unchanged(tmp, path, expect)
        else:
            os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _text_writer(text: str | Iterable[str]) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:  # an iterable of pieces, written as they come (large reports)
                for piece in text:
                    fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())

    return write


def atomic_write_bytes(path: Path | str, data: bytes, *, mode: int | None = 0o644) -> Path:
    """Write ``data`` to ``path`` atomically (the folder is created if needed); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())

    atomic_replace(path, write, mode=mode)
    return path
