"""Data for the in-page self-check (``course/static/selfcheck*.js``), and its conformance corpus.

The browser checker is a port of :mod:`course.exercises.grading` and
:mod:`course.content.normalize`. It never sees a key in plain text:

- **Element keys are salted hashes.** Every answer element that the grader compares for equality
  (a choice key, a ``left=right`` pair, an ``a<b`` pair of an order, a paragraph number, a
  ``paragraph=label`` pair, a verdict, a normalised short answer) is stored as the first 3 bytes of
  ``SHA-256(salt | item id | element)`` ("tag"), one per element, so partial credit can be computed.
- **The explanation unlocks only with the right answer.** Each element *slot* (a right choice, a
  pair, a paragraph...) has a 6-byte share; an accepted element of that slot carries the share
  XOR-ed with bytes 16..22 of its own hash. A learner who has every slot right can rebuild every
  share; the key is ``SHA-256(shares)`` and the explanation is encrypted under it (SHA-256 in
  counter mode, with an 8-byte SHA-256 tag that tells the page when the key is right).
- **Feedback written for a wrong answer** (a wrong choice, a known wrong short answer) is encrypted
  under the hash of that answer, so it shows when that answer is given. Like the explanation, it
  is deflated before it is encrypted (a tenth less to send).
- **Masked, not hashed**: the hints (the page gives them on request, as ``course hint`` does), the
  numeric answer and tolerance (the grader says "too high"/"too low", which reveals it anyway) and
  the normalised accepted short answers (needed for "close, but check the spelling"). They are
  XOR-ed with a key stream derived from the item id: not readable in the page's source, search index
  or a text scan, but anyone who runs the script can recover them.

So a self-check key in the page is **obscured, not secret**: marks come from ``course grade`` or
the LMS. Hashes and streams use SHA-256 only (the page carries its own small SHA-256, so it also
works over plain http and from file://, where Web Crypto may be unavailable).

:func:`corpus` builds the conformance corpus: thousands of (item, answer) cases graded by the
Python grader; ``tests/test_selfcheck_conformance.py`` runs them through the JavaScript checker.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import zlib
from typing import Any

from course.content import Course, normalize
from course.content.exercise_sets import ExerciseSet, ItemBase
from course.exercises import grading
from course.items import for_item

SEP = "\x1f"
TAG_BYTES = 3
SHARE_BYTES = 6


# ------------------------------------------------------------------------------------------------
# Primitives (mirrored in selfcheck-grade.js)


def _h(*parts: str) -> bytes:
    return hashlib.sha256(SEP.join(parts).encode("utf-8")).digest()


def salt_for(set_id: str, version: str) -> str:
    return _h("course-selfcheck", version, set_id).hex()[:16]


def stream(key: bytes, n: int) -> bytes:
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(key + i.to_bytes(4, "big")).digest()
        i += 1
    return bytes(out[:n])


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def _deflate(raw: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(raw) + c.flush()


def mask(salt: str, item_id: str, value: Any) -> str:
    """JSON ``value``, deflated, XOR-ed with the item's public key stream (obscured, not secret)."""
    raw = _deflate(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    ks = stream(_h(salt, item_id, "mask"), len(raw))
    return _b64(bytes(a ^ b for a, b in zip(raw, ks)))


def encrypt(key: bytes, text: str, *, deflate: bool = True) -> str:
    """``text`` (deflated) XOR-ed with SHA-256(key | "enc" | counter); an 8-byte tag in front
    (SHA-256(key | "mac" | ciphertext)) tells whether a key is the right one."""
    raw = text.encode("utf-8")
    raw = _deflate(raw) if deflate else raw
    ct = bytes(a ^ b for a, b in zip(raw, stream(key + b"enc", len(raw))))
    mac = hashlib.sha256(key + b"mac" + ct).digest()[:8]
    return _b64(mac + ct)


class _Keys:
    """Tags and slot shares of one item."""

    def __init__(self, salt: str, item_id: str):
        self.salt, self.item_id = salt, item_id
        self.slots: list[bytes] = []
        self.values: dict[bytes, str] = {}
        self.entries: list[bytes] = []  # tag (3) | slot + 1 (1, 0 = no slot) | masked share (6)

    def slot(self, first_value: str) -> int:
        self.slots.append(_h("share", self.salt, self.item_id, str(len(self.slots)), first_value)[:SHARE_BYTES])
        return len(self.slots) - 1

    def accept(self, slot: int, value: str) -> None:
        h = _h(self.salt, self.item_id, value)
        seen = self.values.setdefault(h[:TAG_BYTES], value)
        if seen == value and any(e[:TAG_BYTES] == h[:TAG_BYTES] for e in self.entries):
            return  # the same element twice (two spellings with one normal form)
        if seen != value:  # two elements, one tag: 1 in millions, and never silent
            raise ValueError(f"{self.item_id}: two answer elements share a self-check tag; change the salt")
        share = self.slots[slot] if slot >= 0 else bytes(SHARE_BYTES)
        self.entries.append(
            h[:TAG_BYTES] + bytes([slot + 1]) + bytes(a ^ b for a, b in zip(share, h[16 : 16 + SHARE_BYTES]))
        )

    @property
    def tags(self) -> str:
        return _b64(b"".join(self.entries))

    def key(self) -> bytes:
        return hashlib.sha256(b"".join(self.slots)).digest()


def _fb(salt: str, item_id: str, value: str, text: str, index: int = 0) -> tuple[str, list]:
    """Feedback for one wrong answer, under that answer's hash; ``index`` keeps the file's order."""
    h = _h(salt, item_id, "fb", value)
    return _b64(h[:TAG_BYTES]), [index, encrypt(h, text)]


def _text_tags(salt: str, item_id: str, texts: dict) -> str:
    """Two tags per choice, in key order: of the two match keys of its text (a learner may write a
    choice's text; :func:`course.content.normalize.same`). A missing key is zero bytes."""
    out = b""
    for t in texts.values():
        keys = sorted(normalize.match_keys(t))[:2]
        tags = [_h(salt, item_id, "text", k)[:TAG_BYTES] for k in keys]
        tags += [bytes(TAG_BYTES)] * (2 - len(tags))
        out += b"".join(tags)
    return _b64(out)


def _cut(s: str, n: int = 90) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _plain(text: str) -> str:
    from course.content.text import plain

    return re.sub(r"\s+", " ", plain(str(text))).strip()


# ------------------------------------------------------------------------------------------------
# Item data for the page


class _ItemKit:
    """The salted primitives an item type's :meth:`~course.items.base.ItemType.selfcheck_data` uses."""

    plain = staticmethod(_plain)
    cut = staticmethod(_cut)
    encrypt = staticmethod(encrypt)

    def __init__(self, salt: str, item_id: str, taxonomies: dict | None, openings: set | None = None):
        self.salt, self.item_id, self.taxonomies, self.openings = salt, item_id, taxonomies, openings

    def h(self, *parts: str) -> bytes:
        return _h(self.salt, self.item_id, *parts)

    def mask(self, value: Any) -> str:
        return mask(self.salt, self.item_id, value)

    def fb(self, value: str, text: str, index: int = 0) -> tuple[str, list]:
        return _fb(self.salt, self.item_id, value, text, index)

    def text_tags(self, texts: dict) -> str:
        return _text_tags(self.salt, self.item_id, texts)

    def note_taxonomy(self, name: str, taxo) -> None:
        if self.taxonomies is not None:
            self.taxonomies.setdefault(name, taxonomy_data(taxo))

    def note_openings(self, reading_id: str) -> None:
        """The item's controls list this reading's paragraphs (number and first words)."""
        if self.openings is not None:
            self.openings.add(reading_id)


def item_data(item: ItemBase, salt: str, *, taxonomies: dict | None = None, openings: set | None = None) -> dict:
    """What the page needs to check ``item``: public parts in plain text, keys hashed or masked
    (the type's part: :meth:`course.items.base.ItemType.selfcheck_data`)."""
    d: dict[str, Any] = {
        "id": item.id,
        "type": item.type,
        "points": item.points,
        "nh": len(item.hints),
        "hints": mask(salt, item.id, [_plain(h) for h in item.hints]),
    }
    k = _Keys(salt, item.id)
    fb: dict[str, str] = {}
    for_item(item).selfcheck_data(item, d, k, fb, _ItemKit(salt, item.id, taxonomies, openings))
    if item.auto_graded:
        d["tags"] = k.tags
        d["slots"] = len(k.slots)
        d["explanation"] = encrypt(k.key(), _plain(item.explanation))
        if fb:
            d["fb"] = fb
    return d


def taxonomy_data(taxo) -> dict:
    """Public taxonomy data the annotate checker needs: the labels (id, name), in the taxonomy's
    order, and the spellings the page cannot derive from them (``extra``: label key → id)."""
    labels = [[x.id, x.name] for c in taxo.categories for x in [c, *c.techniques]]
    derived: dict[str, str] = {}
    for lid, name in labels:  # what selfcheck-grade.js rebuilds, in the same order
        derived[normalize.label_key(lid)] = lid
        derived[normalize.label_key(name)] = lid
    lookup = dict(getattr(taxo, "_lookup", {}))
    extra = {k: v for k, v in lookup.items() if derived.get(k) != v}
    return {
        "id": taxo.id,
        "none": taxo.none_label,
        "first": taxo.techniques[0].id,
        "extra": extra,
        "labels": [[taxo.none_label, "none (no technique)"], *labels],
    }


def reading_lengths() -> dict[str, int]:
    course = Course.current()
    out = {}
    for rid in course.reading_ids:
        try:
            out[rid] = len(course.reading(rid))
        except Exception:  # noqa: BLE001 - an unreadable reading is reported elsewhere
            continue
    return out


_URLISH = re.compile(r"(?i)https?:|www\.|\b[\w-]+\.(?:com|org|net|info|io|tv|me|uk|de)\b")


def reading_openings(reading_id: str, words: int = 7) -> list[list]:
    """[[n, first words], ...] of a reading, for the locate control (web addresses left out)."""
    from course.content.readings import ARABIC_RE

    out = []
    for p in Course.current().reading(reading_id).paragraphs:
        toks = [t for t in p.text.replace("**", "").split() if not _URLISH.search(t)]
        head = toks[:words]
        arabic = next((i for i, t in enumerate(head) if ARABIC_RE.search(t)), None)
        if arabic is not None:  # never cut Arabic (often a verse) mid-way: name it instead
            out.append([p.n, " ".join(head[:arabic] + ["[Arabic text] …"])])
            continue
        out.append([p.n, " ".join(head) + ("…" if len(toks) > words else "")])
    return out


LATER = ("explanation", "hints", "paraTokens")  # item fields the page loads when first needed


def set_data(
    exset: ExerciseSet, version: str, *, split: bool = False, only: set[str] | None = None, part: str | None = None
) -> dict | tuple[dict, dict]:
    """Everything the page needs to check one set (without the answer-file template). With
    ``split``, (data needed to check, data needed later: the encrypted explanations and masked
    hints), so a page loads the second part only after a right answer or a Hint.

    ``only``: the ids of the items one page holds (a lesson holds its practice items, the set's page
    the others), with ``part`` the name of that page's data file; the taxonomies and paragraph
    lists are then only those these items need."""
    salt = salt_for(exset.id, version)
    taxonomies: dict = {}
    openings: set = set()
    items = [
        item_data(it, salt, taxonomies=taxonomies, openings=openings)
        for it in exset.items
        if only is None or it.id in only
    ]
    data = {
        "id": exset.id,
        "salt": salt,
        "items": items,
        "taxonomies": taxonomies,
        "readings": {r: reading_openings(r) for r in sorted(openings)},
    }
    if part:
        data["part"] = part
    if not split:
        return data
    later = {"id": part or exset.id, "items": {it["id"]: {k: it.pop(k) for k in LATER if k in it} for it in items}}
    data["later"] = f"{later['id']}.later.js"  # named, so a packager (SCORM) sees the page needs it
    return data, later


def template_data(exset: ExerciseSet) -> dict:
    """The ``course start`` template, cut so the page can fill answers in: the header and, per item,
    the comment block before ``<id>:`` and the empty answer after it (kept byte for byte)."""
    from course.exercises.templates import header, item_block

    items = []
    for n, it in enumerate(exset.items, 1):
        block = item_block(it, n)
        pre, sep, tail = block.partition(f"\n{it.id}:")
        items.append([it.id, pre + "\n", tail])
    return {"id": exset.id, "header": header(exset), "items": items}


# ------------------------------------------------------------------------------------------------
# Conformance corpus

_MALFORMED: list[Any] = [
    None,
    "",
    True,
    False,
    [],
    {},
    0,
    -3,
    2.5,
    "zzz",
    "???",
    ["zz"],
    {"x": "y"},
    [[1, 2]],
    "<script>alert(1)</script>",
    "مرحبا",
    "\u202eabc",
    "a" * 400,
]


def _json_safe(v: Any) -> Any:
    """The value as JSON gives it back (mapping keys become text), so both graders see the same."""
    if isinstance(v, dict):
        return {str(k): _json_safe(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_safe(x) for x in v]
    if isinstance(v, float) and v.is_integer():
        return int(v)  # JSON (and JavaScript) cannot tell 2.0 from 2
    return v


def _encode(v: Any) -> Any:
    """JSON form for the corpus: mappings as {"$map": [[k, v], ...]} (order and key kinds kept)."""
    if isinstance(v, dict):
        return {"$map": [[_encode(k), _encode(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    return v


def _cases_for(item: ItemBase, rng: random.Random) -> list[tuple[Any, int]]:
    """(answer, hint level) cases for one item (the type's part:
    :meth:`course.items.base.ItemType.conformance_cases`)."""
    ref = grading.reference_answers(item)
    cases: list[Any] = [ref] + for_item(item).conformance_cases(item, ref, rng)
    out = [(c, 0) for c in cases + _MALFORMED]
    out += [(ref, 2), (_MALFORMED[5 if not isinstance(ref, dict) else 6], 1), ("zzz", 3), ("zzz", 9)]
    return out


def corpus(sets: list[ExerciseSet], version: str, seed: int = 13) -> dict:
    """The conformance corpus: set data (as the page gets it) and cases graded by Python."""
    rng = random.Random(seed)
    data = {s.id: set_data(s, version) for s in sets}
    cases = []
    for s in sets:
        for it in s.items:
            if not it.auto_graded:
                continue
            for answer, level in _cases_for(it, rng):
                value = _json_safe(answer)
                r = grading.grade_item(it, value, hint_level=level)
                cases.append(
                    {
                        "set": s.id,
                        "item": it.id,
                        "answer": _encode(value),
                        "hint_level": level,
                        "status": r.status,
                        "points": r.points,
                        "score": round(r.score, 4),
                        "feedback": r.feedback,
                        "answer_error": r.answer_error,
                        "hint": _plain(r.hint) if r.hint else None,
                        "hint_number": r.hint_number,
                    }
                )
    return {
        "sets": data,
        "readings": reading_lengths(),
        "letters": dict(grading._reading_letters()),
        "cases": cases,
        "normalize": normalizer_cases(sets, rng),
    }


def normalizer_cases(sets: list[ExerciseSet], rng: random.Random) -> list[list[str]]:
    """[text, normalize_text(text), label_key(text)] over names, terms and odd input."""
    texts: list[str] = [
        "Hizb-ut-Tahrir",
        "Hizb ut Tahrir",
        "al-Nabhānī",
        "an-Nabhani",
        "Bayʿa",
        "Bay'a",
        "baya",
        "The Caliphate",
        "the",
        "ʿAbd al-Raḥmān",
        "ash-Shāfiʿī",
        "Ibn Khaldūn",
        "ul-Mulk",
        "el-Banna",
        "Al Azhar",
        "Straße",
        "ǅemal",
        "ﬁqh",
        "Œuvre & Æther",
        "İstanbul",
        "ıłøđħ",
        "a\u00a0b",
        "a\u2003b",
        "x\u200by",
        "«guillemets»",
        "(bracketed) gloss",
        "1,924",
        "Mu'awiya",
        "Muʿāwiya",
        "Muʼawiya",
        "Mu`awiya",
        "Mu´awiya",
        "Mu′awiya",
        "Sulṭān",
        "SULTAN",
        "—dash—",
        "under_score",
        "slash/ed",
        "dot.ted",
        "semi;colon",
        "مرحبا",
        "<script>x</script>",
        "\u202eRTL",
        "  ",
        "",
        "a--b",
        "ad-Din",
        "ad-din",
        "az-Zarqawi",
        "adh-Dhahabi",
        "ath-Thawri",
        "zh-x",
        "as-",
        "il-x",
        "ar-Rashid",
        "Abū Bakr al-Ṣiddīq",
        "Hārūn al-Rashīd",
        "‘Umar’",
        "“quoted”",
        "x·y",
        "l'islam",
        "O'Brien",
        "1st",
        "caf\u0065\u0301",
        "ΣΊΣΥΦΟΣ",
        "ﬅ",
        "Ⅻ",
        "①",
        "x\tq",
        "x\x1cq",
        "\x85lead",
        "x\ufeffy",
    ]
    for s in sets:
        for it in s.items:
            texts += for_item(it).normalizer_texts(it)
    texts += [t.upper() for t in texts[:40]] + [t.replace(" ", "-") for t in texts[:40]]
    seen, out = set(), []
    for t in texts:
        if t in seen:
            continue
        seen.add(t)
        out.append([t, normalize.normalize_text(t), normalize.label_key(t)])
    return out
