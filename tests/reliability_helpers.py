"""Helpers shared by the reliability tests: run a call in a forked process with a time limit (so a
hang fails the test instead of stalling the suite), real course sets, and YAML dumping."""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def dump(data) -> str:
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()


def _child(conn, fn, args):
    try:
        t0 = time.perf_counter()
        value = fn(*args)
        conn.send(("ok", value, time.perf_counter() - t0))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        conn.send(("raised", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}", 0.0))
    finally:
        conn.close()


def bounded(fn, *args, limit: float = 5.0):
    """Run ``fn(*args)`` in a forked child; return (value, seconds). Fails (AssertionError) if it
    raises or takes longer than ``limit`` seconds (the child is killed)."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(child, fn, args))
    p.start()
    child.close()
    if not parent.poll(limit):
        p.kill()
        p.join()
        raise AssertionError(f"{getattr(fn, '__name__', fn)} did not finish within {limit} s (a hang)")
    kind, value, secs = parent.recv()
    p.join()
    assert kind == "ok", value
    return value, secs


def course(*args, cwd=None, timeout=60, env=None, input=None) -> subprocess.CompletedProcess:
    """Run the real ``course`` command in a fresh interpreter."""
    e = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    e.pop("COURSE_DEBUG", None)
    if env:
        e.update(env)
    return subprocess.run(
        [sys.executable, "-m", "course", *map(str, args)],
        cwd=cwd or ROOT,
        env=e,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )
