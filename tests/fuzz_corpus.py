"""Seeded generators of hostile inputs for the exercise engine (issue 16, "Measured").

Used by tests/test_reliability_fuzz.py (a few hundred inputs, bounded) and bench/bench_fuzz.py (the
bigger campaign and the R1/R2/R3 figures). Everything is deterministic for a given seed.

- :func:`answer_files` yields (name, bytes) malformed or hostile answer files for one set;
- :func:`hostile_submission` writes one hostile submission (folder or zip) into a class folder;
- :func:`valid_submission` writes one valid submission (the reference answers with random slips).
"""

from __future__ import annotations

import io
import os
import random
import unicodedata
import zipfile
from pathlib import Path

from ruamel.yaml import YAML

DATA = Path(__file__).parent / "data" / "reliability"

CONTROL = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffe",
    "\ud800",
]
ESCAPES = ["\x1b[1A\x1b[2K", "\x1b]0;owned\x07", "\x9b2J", "\u202eevil", "\x1b[31mred\x1b[0m"]


def dump(data) -> str:
    buf = io.StringIO()
    YAML(typ="safe").dump(data, buf)
    return buf.getvalue()


def _values(rng: random.Random) -> list:
    big = 10 ** rng.randint(300, 320)
    return [
        big,
        -big,
        float("inf") if rng.random() < 0.5 else "1e999",
        "1 y" + " " * rng.randint(1000, 50_000) + "z",
        " " * rng.randint(1000, 20_000) + "x",
        ["a"] * rng.randint(1000, 50_000),
        {"verdict": None},
        {"verdict": "true", "evidence": " ".join(f"fake-{i}:1" for i in range(rng.randint(100, 5000)))},
        rng.choice(ESCAPES),
        "x" * rng.randint(301, 100_000),
        [[[[["deep"]]]]],
        {"a": {"b": {"c": [1, 2]}}},
        True,
        None,
        0,
        -1,
        3.5,
        "",
        [None, "", []],
        {"": ""},
        "¶12",
        "al-waie-472:99999",
        "12-1",
        "1-100000",
        "٣",
        "①",
        "NaN",
        "0x1F",
        "1_000",
        "１２",
        "12\n13",
        "\t",
        [{"k": "v"}] * 50,
    ]


def answer_files(set_id: str, item_ids: list[str], template: str, reference: dict, n: int, seed: int = 16):
    """``n`` hostile answer files for the set ``set_id``: (name, bytes), deterministic for ``seed``."""
    rng = random.Random(seed)
    ref_text = dump(reference)
    makers = []

    def m(fn):
        makers.append(fn)
        return fn

    @m
    def value_swap():
        data = dict(reference)
        for _ in range(rng.randint(1, 4)):
            data[rng.choice(item_ids)] = rng.choice(_values(rng))
        try:
            return dump(data).encode("utf-8", "surrogatepass")
        except Exception:  # noqa: BLE001 - the dumper refuses some values: write it by hand
            return f"{rng.choice(item_ids)}: {rng.choice(['[', '{', '&a x', '*a', '!!python/object:os.system x'])}\n".encode()

    @m
    def byte_flip():
        raw = bytearray((ref_text if rng.random() < 0.5 else template).encode())
        for _ in range(rng.randint(1, 20)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        return bytes(raw)

    @m
    def truncate():
        raw = (ref_text if rng.random() < 0.5 else template).encode()
        return raw[: rng.randrange(len(raw))]

    @m
    def control_char():
        text = ref_text
        i = rng.randrange(len(text))
        return (text[:i] + rng.choice(CONTROL) + text[i:]).encode("utf-8", "surrogatepass")

    @m
    def encodings():
        text = ref_text
        codec = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"])
        return text.encode(codec, "replace")

    @m
    def yaml_features():
        k = rng.choice(item_ids)
        return rng.choice(
            [
                f"{k}: &a [1, 2]\nother: *a\n",
                f"{k}: !!python/object/apply:os.system ['echo hi']\n",
                f"{k}: !custom x\n",
                f"{k}: a\n{k}: b\n",
                "[" * 200 + "]" * 200,
                "{" * 100 + "}" * 100,
                f"{k}:\n\t- a\n",
                f"{k}: 2024-02-30\n",
                f"{k}: {'9' * 5000}\n",
                f"{k}: 1e999999\n",
                "--- a\n--- b\n",
                f"%YAML 1.1\n---\n{k}: a\n",
                "? [a, b]\n: c\n",
                f"{k}: 'unterminated\n",
                f'{k}: "\\x00\\e[2J"\n',
                "- a\n- b\n",
                "just text\n",
                "12\n",
                "~\n",
                "",
                "\n\n\n",
                "# only comments\n",
                f"{k}: |\n  " + "long line " * 20_000 + "\n",
                f"{k}: [" + ", ".join(["a"] * 30_000) + "]\n",
                "".join(f"{i}: x\n" for i in range(rng.randint(100, 8000))),
                "".join(f"unknown-{i}: x\n" for i in range(rng.randint(100, 8000))),
                f"{k}: " + "{a: " * 39 + "1" + "}" * 39 + "\n",
            ]
        ).encode("utf-8", "surrogatepass")

    @m
    def binary():
        return rng.choice(
            [
                os.urandom(rng.randint(1, 4000)),
                b"\x89PNG\r\n\x1a\n" + os.urandom(100),
                b"PK\x03\x04" + os.urandom(200),
                b"\xff\xd8\xff" + os.urandom(50),
            ]
        )

    for i in range(n):
        fn = makers[i % len(makers)]
        state = rng.getstate()
        try:
            raw = fn()
        finally:
            rng.setstate(state)
            rng.random()
        yield f"{fn.__name__}-{i:04d}", raw


# --------------------------------------------------------------------------------------------------
# Class folders


def _zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def perturb(ref: dict, rng: random.Random) -> dict:
    out = {}
    for k, v in ref.items():
        r = rng.random()
        if r < 0.15:
            out[k] = None
        elif r < 0.35:
            # a readable slip: wrong order, a number off by one, or left blank
            out[k] = (
                list(reversed(v))
                if isinstance(v, list)
                else v + 1
                if isinstance(v, int) and not isinstance(v, bool)
                else None
            )
        else:
            out[k] = v
    return out


def valid_submission(folder: Path, name: str, refs: dict[str, dict], rng: random.Random) -> dict[str, dict]:
    """A well-formed submission (a folder, or a zip one time in five); returns its answers per set."""
    answers = {sid: perturb(ref, rng) for sid, ref in refs.items()}
    files = {f"answers/{sid}.yaml": dump(a).encode() for sid, a in answers.items()}
    if rng.random() < 0.2:
        _zip(folder / f"{name}.zip", {f"{name}-main/{rel}": data for rel, data in files.items()})
    else:
        for rel, data in files.items():
            p = folder / name / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
    return answers


HOSTILE_KINDS = [
    "overflow",
    "fifo-zip",
    "bzip2-bomb",
    "lzma-bomb",
    "csv-injection",
    "escape-name",
    "escape-answers",
    "zip-in-zip",
    "misnamed-case",
    "misnamed-txt",
    "empty-zip",
    "too-deep",
    "answers-symlink",
    "hidden-file",
    "slow-numeric",
    "slow-sections",
    "slow-ordering",
    "many-keys",
    "fake-citations",
    "not-yaml",
    "utf16",
    "binary",
    "huge-file",
    "zip-slip",
    "encrypted-flag",
    "not-a-zip",
    "duplicate",
    "nfd-duplicate",
    "deep-nesting",
    "alias-bomb",
    "python-tag",
    "conftest",
]


def hostile_submission(folder: Path, i: int, refs: dict[str, dict], rng: random.Random) -> tuple[str, str]:
    """Write hostile submission number ``i`` into ``folder``; return (entry name, kind)."""
    kind = HOSTILE_KINDS[i % len(HOSTILE_KINDS)]
    name = f"hostile-{i:03d}-{kind}"
    sid = "m0-orientation" if "m0-orientation" in refs else next(iter(refs))
    sid1 = "m1-history" if "m1-history" in refs else sid
    good = dump(refs[sid]).encode()

    def put(rel: str, data: bytes, base: str | None = None) -> None:
        p = folder / (base or name) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    def answer(text: str, set_id: str = sid) -> None:
        put(f"answers/{set_id}.yaml", text.encode("utf-8", "surrogatepass"))

    if kind == "overflow":
        answer("m0-byline-paragraph: 1" + "0" * 310 + "\n")
    elif kind == "fifo-zip":
        os.mkfifo(folder / f"{name}.zip")
        return f"{name}.zip", kind
    elif kind in ("bzip2-bomb", "lzma-bomb"):
        src = DATA / ("bomb-bzip2.zip" if kind == "bzip2-bomb" else "bomb-lzma.zip")
        (folder / f"{name}.zip").write_bytes(src.read_bytes())
        return f"{name}.zip", kind
    elif kind == "csv-injection":
        name = f"hostile-{i:03d}\r=cmd|' -C calc'!A0"
        put(f"answers/{sid}.yaml", good, base=name)
    elif kind == "escape-name":
        name = f"hostile-{i:03d}\x1b[1A\x1b[2K\u202eeman"
        put(f"answers/{sid}.yaml", good + b"not-an-item: 1\n", base=name)
    elif kind == "escape-answers":
        answer('m0-which-command-checks: "\\e[1A\\e[2K\\x9b2J\u202e"\nm0-letter-name: "\\e]0;owned\\a"\n')
    elif kind == "zip-in-zip":
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as zf:
            zf.writestr(f"answers/{sid}.yaml", good)
        _zip(folder / f"{name}.zip", {"answers.zip": inner.getvalue()})
        return f"{name}.zip", kind
    elif kind == "misnamed-case":
        put(f"answers/{sid.upper()}.yaml", good)
    elif kind == "misnamed-txt":
        put(f"answers/{sid}.yaml.txt", good)
    elif kind == "empty-zip":
        _zip(folder / f"{name}.zip", {})
        return f"{name}.zip", kind
    elif kind == "too-deep":
        put("a/b/c/d/e/f/g/h/i/answers/" + f"{sid}.yaml", good)
    elif kind == "answers-symlink":
        real = folder.parent / f"outside-{i}"
        real.mkdir(parents=True, exist_ok=True)
        (real / f"{sid}.yaml").write_bytes(good)
        (folder / name).mkdir()
        (folder / name / "answers").symlink_to(real)
    elif kind == "hidden-file":
        put(f"answers/.{sid}.yaml", good)
    elif kind == "slow-numeric":
        answer("m0-byline-paragraph: '1 y" + " " * 200_000 + "z'\n")
    elif kind == "slow-sections":
        answer("m1-open-memory: '" + " " * 20_000 + "x'\n", sid1)
    elif kind == "slow-ordering":
        answer("m0-self-study-order: [" + ", ".join(["a"] * 200_000) + "]\n")
    elif kind == "many-keys":
        answer("".join(f"{k}: x\n" for k in range(8000)))
    elif kind == "fake-citations":
        answer(
            "m0-reading-c-verdict:\n  verdict: true\n  evidence: "
            + " ".join(f"fake-{k}:1" for k in range(32_000))
            + "\n"
        )
    elif kind == "not-yaml":
        answer("this: is: not: yaml: [\n")
    elif kind == "utf16":
        put(f"answers/{sid}.yaml", dump(refs[sid]).encode("utf-16"))
    elif kind == "binary":
        put(f"answers/{sid}.yaml", b"\x00\x01\x02" + bytes(rng.randrange(256) for _ in range(500)))
    elif kind == "huge-file":
        put(f"answers/{sid}.yaml", b"# " + b"x" * (1024 * 1024 + 10) + b"\n")
    elif kind == "zip-slip":
        _zip(folder / f"{name}.zip", {"../../evil.yaml": b"x: 1", f"answers/{sid}.yaml": good})
        return f"{name}.zip", kind
    elif kind == "encrypted-flag":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"answers/{sid}.yaml", good)
        raw = bytearray(buf.getvalue())
        raw[raw.find(b"PK\x03\x04") + 6] |= 0x1  # the "encrypted" flag, in the local header
        raw[raw.find(b"PK\x01\x02") + 8] |= 0x1  # and in the central directory
        (folder / f"{name}.zip").write_bytes(bytes(raw))
        return f"{name}.zip", kind
    elif kind == "not-a-zip":
        (folder / f"{name}.zip").write_bytes(b"definitely not a zip")
        return f"{name}.zip", kind
    elif kind == "duplicate":
        put(f"answers/{sid}.yaml", good)
        _zip(folder / f"{name}.ZIP", {f"answers/{sid}.yaml": good})
    elif kind == "nfd-duplicate":
        base = f"hostile-{i:03d}-zoë"
        put(f"answers/{sid}.yaml", good, base=unicodedata.normalize("NFC", base))
        put(f"answers/{sid}.yaml", good, base=unicodedata.normalize("NFD", base))
        name = unicodedata.normalize("NFC", base)
    elif kind == "deep-nesting":
        answer("m0-commands-match: " + "[" * 100 + "]" * 100 + "\n")
    elif kind == "alias-bomb":
        answer("a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n")
    elif kind == "python-tag":
        answer("m0-which-command-checks: !!python/object/apply:os.system ['touch /tmp/pwned-by-learner']\n")
    elif kind == "conftest":
        put("answers/conftest.py", b"raise SystemExit('learner code ran')\n")
        put(f"answers/{sid}.yaml", good)
        put(f"answers/{sid}.yaml.bak", good)
        put("answers/m0-orientaton.yaml", good)  # a typo: reported as a near miss
    return name, kind
