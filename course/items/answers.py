"""Reading a learner's answer: blanks, choice keys, lists, and how to show a value in a message.

Shared by the item types' :meth:`~course.items.base.ItemType.grade` hooks. Nothing here raises on
any value except :class:`~course.items.base.AnswerError`, whose message tells the learner how to
write the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from course.content import normalize
from course.content.yaml import describe_kind
from course.items.base import AnswerError

kind = describe_kind  # one wording for value kinds, shared with the loader


def is_blank(answer: Any) -> bool:
    """True for an unanswered item: nothing, empty text, or a list/mapping of blanks."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, (list, tuple)):
        return all(is_blank(a) for a in answer)
    if isinstance(answer, dict):
        return all(is_blank(v) for v in answer.values())
    return False


def show(value: Any, limit: int = 60) -> str:
    if isinstance(value, str):
        s = value.strip()
    elif isinstance(value, bool):
        s = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        s = "[" + ", ".join(show(v, 20) for v in value) + "]"
    elif isinstance(value, dict):
        s = "{" + ", ".join(f"{show(k, 20)}: {show(v, 20)}" for k, v in value.items()) + "}"
    else:
        s = str(value)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def choice_key(v: Any) -> str:
    if isinstance(v, bool) or v is None or isinstance(v, (list, dict, tuple)):
        raise AnswerError(f"{show(v)} is not a choice key")
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip().lower()
    s = re.sub(r"^[\(\[]?([a-z0-9]+)[\)\].:]?$", r"\1", s)
    return s


def as_list(answer: Any) -> list:
    if isinstance(answer, (list, tuple)):
        return list(answer)
    if isinstance(answer, str) and ("," in answer or re.search(r"\s", answer.strip())):
        return [p for p in re.split(r"[,\s]+", answer.strip().strip("[]")) if p]
    return [answer]


def choice_keys(answer: Any, choices: dict[str, str], example: str) -> tuple[list[str], list[str]]:
    """Keys of a list answer, and the entries that are not choices."""
    keys, unknown = [], []
    for raw in as_list(answer):
        if len(unknown) >= 5:  # enough to say what is wrong; the rest is not looked at (linear time)
            unknown.append("…")
            break
        if is_blank(raw):
            continue
        try:
            k = choice_key(raw)
        except AnswerError:
            unknown.append(show(raw))
            continue
        if k in choices:
            keys.append(k)
        else:
            by_text = choice_by_text(raw, choices)
            if by_text:
                keys.append(by_text)
            else:
                unknown.append(show(raw))
    return keys, unknown


def choice_by_text(raw: Any, choices: dict[str, str]) -> str | None:
    if not isinstance(raw, str) or len(raw.strip()) < 3:
        return None
    keys = normalize.match_keys(raw)
    for k, text in choices.items():
        if keys & _normal_choice(text):
            return k
    return None


@lru_cache(maxsize=4096)
def _normal_choice(text: str) -> frozenset[str]:
    """The match keys of a choice's text (computed once per text, not once per answer entry)."""
    return normalize.match_keys(text)


def keys_list(keys: Iterable[str]) -> str:
    return ", ".join(keys)


def known_choice_keys(answer: Any, choices: dict[str, str]) -> list[str]:
    """The choice keys of a list answer; :class:`AnswerError` when an entry is not a choice."""
    keys, unknown = choice_keys(answer, choices, "")
    if unknown:
        raise AnswerError(
            f"{', '.join(repr(u) for u in unknown)} {'is' if len(unknown) == 1 else 'are'} not among "
            f"the choices. Allowed: {keys_list(choices)}"
        )
    return keys
