"""Exercise sets (``exercises/<set>.yaml``): one pydantic model per item type, discriminated by ``type``,
and the loading and validation of set files with errors at the YAML line.

The YAML format is documented for authors in CONTRIBUTING.md ("Exercise sets"); this module is its
executable form, and ``course schema`` exports it as JSON Schema for editor autocompletion.

Optional fields beyond CONTRIBUTING.md (all backwards compatible):

- set: ``intro`` (MyST shown above the set);
- ``single`` / ``multiple``: ``feedback: {choice: text}``, shown when a learner picks that choice;
- ``short``: ``feedback: {wrong answer: text}``, shown when a learner gives that (normalised) answer;
- ``numeric``: ``accept: [940]``, other values accepted as right (within ``tolerance``);
- ``verdict``: ``evidence_min_citations`` (paragraph ids the evidence must cite, default 0),
  ``model_evidence`` (the reference evidence; defaults to the explanation), ``evidence_paragraphs``
  (the relevant paragraph ids, one of which the evidence must cite) and ``evidence_sources`` (the
  sources, one of which the evidence must name);
- ``open``: ``sources`` (secondary sources that count as citations);
- ``open``: ``model_answer`` (instructor edition only);
- any item: ``worked_example: mN-module/NN-lesson``, the lesson that works through the answer; such
  an item carries no marks (``points: 0``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from course.content.files import find_root
from course.content.yaml import MAX_DATA_BYTES, YamlDoc, _where, describe_kind, format_problems, load_yaml
from course.errors import CourseInputError

MAX_SET_BYTES = MAX_DATA_BYTES

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CHOICE_PATTERN = r"^[a-z0-9]+$"
READING_PATTERN = ID_PATTERN

ItemId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        max_length=80,
        description="Lower-case letters, digits and single hyphens; unique course-wide.",
    ),
]
ChoiceKey = Annotated[
    str,
    Field(
        pattern=CHOICE_PATTERN, max_length=12, description="A short key such as a, b, c (lower-case letters or digits)."
    ),
]
Text = Annotated[str, Field(min_length=1, description="Text (MyST).")]
Para = Annotated[int, Field(ge=1, description="A paragraph number of the reading.")]

VERDICTS = ("accurate", "inaccurate", "misleading", "unverifiable")
ITEM_TYPES = ("single", "multiple", "ordering", "matching", "numeric", "short", "locate", "annotate", "verdict", "open")
NONE_LABEL = "none"


class _Model(BaseModel):
    # defer_build: each model builds its validator when first used (ExerciseSet builds the item models
    # with it), not one per class at import; `course check` starts ~25 ms sooner (bench P3)
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, populate_by_name=True, defer_build=True)


class ItemBase(_Model):
    id: ItemId
    prompt: Text
    points: Annotated[
        float, Field(ge=0, le=1000, description="Points for a fully right answer (0 only for a worked example).")
    ]
    objective: Annotated[
        str, Field(pattern=ID_PATTERN, description="An objective id declared in the module's module.yaml.")
    ]
    difficulty: Annotated[int, Field(ge=1, le=3, description="1 (easy) to 3 (hard).")] | None = None
    minutes: Annotated[float, Field(gt=0, le=600)] | None = None
    hints: Annotated[list[Text], Field(min_length=1, description="Ordered, progressive hints; at least one.")]
    explanation: Annotated[Text, Field(description="Why the answer is right; at least one sentence; cite a source.")]
    worked_example: (
        Annotated[
            str,
            Field(
                pattern=r"^[a-z0-9-]+/[a-z0-9-]+$",
                description="The lesson (module/lesson doc) that works through this "
                "item's answer. A worked example carries no marks "
                "(points: 0) and is for practice.",
            ),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _worked_example_points(self):
        if self.worked_example and self.points != 0:
            raise ValueError(
                f"points must be 0 for a worked example (the lesson {self.worked_example} gives "
                "the answer, so the item carries no marks)"
            )
        if not self.worked_example and self.points == 0:
            raise ValueError("points must be greater than 0 (only a worked example carries no marks)")
        return self

    @field_validator("prompt", "explanation")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    @field_validator("hints")
    @classmethod
    def _hints_not_blank(cls, v: list[str]) -> list[str]:
        if any(not h.strip() for h in v):
            raise ValueError("a hint must not be blank")
        return v

    @property
    def auto_graded(self) -> bool:
        return True


def _check_keys(keys, allowed, what: str, field: str) -> None:
    unknown = [k for k in keys if k not in allowed]
    if unknown:
        raise ValueError(
            f"{field} names {', '.join(repr(k) for k in unknown)}, which "
            f"{'is' if len(unknown) == 1 else 'are'} not {what}. Allowed: {', '.join(allowed)}"
        )


class _ChoiceItem(ItemBase):
    choices: Annotated[dict[ChoiceKey, Text], Field(min_length=2, description="Choice key → text (MyST).")]


class SingleItem(_ChoiceItem):
    type: Literal["single"]
    answer: ChoiceKey
    feedback: dict[ChoiceKey, Text] = Field(
        default_factory=dict, description="Optional: choice → message shown when a learner picks it."
    )

    @model_validator(mode="after")
    def _answer_in_choices(self):
        _check_keys([self.answer], list(self.choices), "a choice", "answer")
        _check_keys(list(self.feedback), list(self.choices), "a choice", "feedback")
        return self


class MultipleItem(_ChoiceItem):
    type: Literal["multiple"]
    answer: Annotated[list[ChoiceKey], Field(min_length=1, description="Every right choice.")]
    feedback: dict[ChoiceKey, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _answer_in_choices(self):
        _check_keys(self.answer, list(self.choices), "a choice", "answer")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("answer lists a choice twice")
        _check_keys(list(self.feedback), list(self.choices), "a choice", "feedback")
        return self


class OrderingItem(_ChoiceItem):
    type: Literal["ordering"]
    answer: Annotated[list[ChoiceKey], Field(min_length=2, description="Every choice once, in the right order.")]

    @model_validator(mode="after")
    def _permutation(self):
        _check_keys(self.answer, list(self.choices), "a choice", "answer")
        if sorted(self.answer) != sorted(self.choices):
            missing = [k for k in self.choices if k not in self.answer]
            twice = sorted({k for k in self.answer if self.answer.count(k) > 1})
            parts = []
            if missing:
                parts.append(f"misses {', '.join(missing)}")
            if twice:
                parts.append(f"repeats {', '.join(twice)}")
            raise ValueError(f"answer must list every choice exactly once; it {' and '.join(parts)}")
        return self


class MatchingItem(ItemBase):
    type: Literal["matching"]
    left: Annotated[dict[ChoiceKey, Text], Field(min_length=1)]
    right: Annotated[dict[ChoiceKey, Text], Field(min_length=1)]
    answer: Annotated[
        dict[ChoiceKey, ChoiceKey], Field(min_length=1, description="left key → right key, for every left key.")
    ]

    @model_validator(mode="after")
    def _pairs(self):
        _check_keys(list(self.answer), list(self.left), "a key of left", "answer")
        _check_keys(list(self.answer.values()), list(self.right), "a key of right", "answer")
        missing = [k for k in self.left if k not in self.answer]
        if missing:
            raise ValueError(f"answer must pair every key of left; it misses {', '.join(missing)}")
        overlap = set(self.left) & set(self.right)
        if overlap:
            raise ValueError(
                f"left and right must use different keys (e.g. a, b, c and x, y, z); "
                f"both use {', '.join(sorted(overlap))}"
            )
        return self


class NumericItem(ItemBase):
    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] = 0
    unit: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    accept: list[float] = Field(
        default_factory=list,
        description="Optional: other values accepted as right (e.g. both years of a "
        "Hijri year that spans two Common Era years).",
    )

    @field_validator("answer", "tolerance")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


class ShortItem(ItemBase):
    type: Literal["short"]
    answer: Annotated[list[Text], Field(min_length=1, description="Accepted variants; the first is the reference.")]
    feedback: dict[str, Text] = Field(
        default_factory=dict, description="Optional: a common wrong answer → message shown when a learner gives it."
    )

    @field_validator("answer", mode="before")
    @classmethod
    def _one_or_many(cls, v):
        return [v] if isinstance(v, (str, int, float)) and not isinstance(v, bool) else v

    @model_validator(mode="after")
    def _variants_distinct_from_feedback(self):
        from course.content.normalize import match_keys, matches

        if any(not match_keys(a) for a in self.answer):
            raise ValueError("answer has a variant that is empty once normalised")
        clash = [k for k in self.feedback if matches(k, self.answer) is not None]
        if clash:
            raise ValueError(
                f"feedback is for wrong answers, but {', '.join(map(repr, clash))} matches an accepted answer"
            )
        return self


class LocateItem(ItemBase):
    type: Literal["locate"]
    reading: Annotated[str, Field(pattern=READING_PATTERN, description="A reading id, e.g. al-waie-472.")]
    required: Annotated[list[Para], Field(min_length=1)]
    optional: list[Para] = Field(
        default_factory=list, description="Paragraphs that are neither rewarded nor penalised."
    )

    @model_validator(mode="after")
    def _disjoint(self):
        both = sorted(set(self.required) & set(self.optional))
        if both:
            raise ValueError(f"paragraph(s) {', '.join(map(str, both))} are both required and optional")
        if len(set(self.required)) != len(self.required):
            raise ValueError("required lists a paragraph twice")
        return self


class AnnotateItem(ItemBase):
    type: Literal["annotate"]
    reading: Annotated[str, Field(pattern=READING_PATTERN)]
    taxonomy: Annotated[str, Field(pattern=ID_PATTERN, description="A taxonomy in data/taxonomies/, e.g. semeval2023.")]
    labels: Annotated[
        dict[Para, Annotated[str, Field(min_length=1)]],
        Field(min_length=1, description="Paragraph → reference label (a technique id, or none)."),
    ]
    accept: dict[Para, list[Annotated[str, Field(min_length=1)]]] = Field(
        default_factory=dict, description="Paragraph → further labels accepted as right."
    )
    justify: bool = Field(
        default=False,
        description="Collect a one-line justification per label "
        "(label | justification); its structure is checked and the "
        "instructor marks it with `course marking`.",
    )

    @model_validator(mode="after")
    def _accept_keys(self):
        extra = [k for k in self.accept if k not in self.labels]
        if extra:
            raise ValueError(f"accept names paragraph(s) {', '.join(map(str, extra))}, which labels does not list")
        return self


class VerdictItem(ItemBase):
    type: Literal["verdict"]
    claim: Text
    answer: Literal["accurate", "inaccurate", "misleading", "unverifiable"]
    evidence_min_words: Annotated[int, Field(ge=0, le=2000)] = 10
    evidence_min_citations: Annotated[int, Field(ge=0, le=50)] = 0
    model_evidence: Text | None = None
    evidence_paragraphs: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*:\d+$")]] | None = Field(
        default=None,
        description="Paragraph ids (reading:n) relevant to the claim; the evidence must cite one. "
        "Default: the {para} ids in the prompt, claim and explanation.",
    )
    evidence_sources: list[Annotated[str, Field(min_length=2, max_length=120)]] | None = Field(
        default=None,
        description="Accepted sources the evidence must name one of: bibliography keys, authors' "
        "surnames, institutions; the keys cited in the explanation and their authors' "
        "surnames are added. [] when the claim is about what a reading says, so the "
        "reading's paragraphs are the only source needed.",
    )


class RubricCriterion(_Model):
    criterion: Text
    points: Annotated[float, Field(gt=0)]
    levels: list[Text] | dict[str, Text] | None = None


class OpenItem(ItemBase):
    type: Literal["open"]
    min_words: Annotated[int, Field(ge=0)] | None = None
    max_words: Annotated[int, Field(gt=0)] | None = None
    min_citations: Annotated[int, Field(ge=0, le=50)] = 0
    sections: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default_factory=list)
    sources: list[Annotated[str, Field(min_length=2, max_length=120)]] = Field(
        default_factory=list,
        description="Secondary sources a response may cite instead of paragraph ids "
        "(surnames, bibliography keys, institutions); each one named counts "
        "as a citation towards min_citations.",
    )
    rubric: Annotated[list[RubricCriterion], Field(min_length=1)]
    model_answer: Text | None = None

    @model_validator(mode="after")
    def _ranges(self):
        if self.min_words is not None and self.max_words is not None and self.min_words > self.max_words:
            raise ValueError(f"min_words ({self.min_words}) is larger than max_words ({self.max_words})")
        total = sum(c.points for c in self.rubric)
        if not math.isclose(total, self.points):
            raise ValueError(f"points ({_fmt(self.points)}) must equal the sum of the rubric's points ({_fmt(total)})")
        return self

    @property
    def auto_graded(self) -> bool:
        return False


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


Item = Annotated[
    SingleItem
    | MultipleItem
    | OrderingItem
    | MatchingItem
    | NumericItem
    | ShortItem
    | LocateItem
    | AnnotateItem
    | VerdictItem
    | OpenItem,
    Field(discriminator="type"),
]

ITEM_MODELS: dict[str, type[ItemBase]] = {
    "single": SingleItem,
    "multiple": MultipleItem,
    "ordering": OrderingItem,
    "matching": MatchingItem,
    "numeric": NumericItem,
    "short": ShortItem,
    "locate": LocateItem,
    "annotate": AnnotateItem,
    "verdict": VerdictItem,
    "open": OpenItem,
}


class ExerciseSet(_Model):
    id: Annotated[
        str, Field(alias="set", pattern=ID_PATTERN, description="The set id; the file is exercises/<set>.yaml.")
    ]
    title: Text
    module: Annotated[
        str, Field(pattern=ID_PATTERN, description="The module whose module.yaml declares the objectives.")
    ]
    intro: Text | None = None
    self_check: Annotated[
        bool, Field(description="false: the HTML book shows this set's items without the in-page checker.")
    ] = True
    items: Annotated[list[Item], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_ids(self):
        seen: set[str] = set()
        for it in self.items:
            if it.id in seen:
                raise ValueError(f"item id '{it.id}' is used twice in this set; ids must be unique course-wide")
            seen.add(it.id)
        return self

    def item(self, item_id: str):
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    @property
    def max_points(self) -> float:
        return sum(it.points for it in self.items)


def json_schema() -> dict:
    """The JSON Schema of an exercise-set file (``course schema``)."""
    schema = ExerciseSet.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Reading the Caliphate exercise set"
    schema["description"] = (
        "An exercise set: exercises/<set>.yaml. See CONTRIBUTING.md, 'Exercise sets'. "
        "Item types: " + ", ".join(ITEM_TYPES) + "."
    )
    return schema


def words(text: str) -> int:
    """Words in a learner's text (whitespace-separated runs containing a letter or digit)."""
    return sum(1 for t in text.split() if re.search(r"\w", t))


# --------------------------------------------------------------------------------------------------
# Loading and validating set files


def _error_location(doc: YamlDoc, loc: tuple) -> tuple[int | None, str]:
    """Line and a readable description ("item 'x' (items[3]), field 'answer'") of a pydantic loc."""
    line = doc.line_of(loc, key=False)
    parts = []
    data = doc.data
    rest = list(loc)
    if len(rest) >= 2 and rest[0] == "items" and isinstance(rest[1], int):
        idx = rest[1]
        item_id = None
        if isinstance(data, dict) and isinstance(data.get("items"), list) and idx < len(data["items"]):
            entry = data["items"][idx]
            if isinstance(entry, dict):
                item_id = entry.get("id")
        parts.append(f"item '{item_id}' (items[{idx}])" if item_id else f"items[{idx}]")
        rest = rest[2:]
        if rest and rest[0] in ITEM_TYPES:
            rest = rest[1:]
    fields = ".".join(str(p) for p in rest if not (isinstance(p, str) and p.startswith("function-")))
    if fields:
        parts.append(f"field '{fields}'")
    return line, ", ".join(parts)


def _refine_loc(doc: YamlDoc, err: dict) -> tuple:
    """Point item-level errors at the field they are about (``answer``, ``type``, ...)."""
    loc = tuple(err.get("loc", ()))
    typ = err.get("type", "")
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = doc.data.get("items") if isinstance(doc.data, dict) else None
        entry = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        if not isinstance(entry, dict):
            return loc
        if typ in ("union_tag_invalid", "union_tag_not_found") and "type" in entry:
            return loc[:2] + ("type",)
        if typ == "value_error" and len(loc) <= 3:
            first = err.get("msg", "").removeprefix("Value error, ").split(" ", 1)[0]
            if first in entry:
                return loc[:2] + (first,)
    return loc


def _extra_field(doc: YamlDoc, loc: tuple) -> str:
    owner = _owner_type(doc, loc)
    model = ITEM_MODELS.get(owner) if owner else None
    if model is None and len(loc) == 1:
        allowed = [f.alias or n for n, f in ExerciseSet.model_fields.items()]
    elif model is not None:
        allowed = list(model.model_fields)
    else:
        allowed = []
    tail = f" Allowed fields: {', '.join(allowed)}." if allowed else ""
    kind = f" of a {owner} item" if owner else ""
    return f"'{loc[-1]}' is not a field{kind}.{tail}".rstrip(".")


def _bad_pattern(loc: tuple, inp: Any) -> str:
    if loc and loc[-1] in ("id", "set", "module", "objective", "reading", "taxonomy"):
        return f"'{inp}' is not a valid id: use lower-case letters, digits and single hyphens, e.g. m1-rashidun-order"
    return f"'{inp}' is not a valid key: use short lower-case letters or digits, e.g. a, b, c"


def _too_short(ctx: dict) -> str:
    n = ctx.get("min_length")
    return f"needs at least {n} entr{'y' if n == 1 else 'ies'}"


_NUMBER_ERRORS = ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float")
_MAPPING_ERRORS = ("dict_type", "model_type", "model_attributes_type")

#: pydantic error type → a plain-words explanation (loc, input, ctx, msg → text).
_EXPLAIN: dict[str, Callable[[tuple, Any, dict, str], str]] = {
    "missing": lambda loc, inp, ctx, msg: f"the required field '{loc[-1]}' is missing",
    "union_tag_invalid": lambda loc, inp, ctx, msg: (
        f"unknown item type '{ctx.get('tag', inp)}'. Allowed types: {', '.join(ITEM_TYPES)}"
    ),
    "union_tag_not_found": lambda loc, inp, ctx, msg: (
        f"the field 'type' is missing. Allowed types: {', '.join(ITEM_TYPES)}"
    ),
    "string_pattern_mismatch": lambda loc, inp, ctx, msg: _bad_pattern(loc, inp),
    "string_type": lambda loc, inp, ctx, msg: f"expected text, got {_kind(inp)}",
    "list_type": lambda loc, inp, ctx, msg: f"expected a list such as [a, b], got {_kind(inp)}",
    "too_short": lambda loc, inp, ctx, msg: _too_short(ctx),
    "string_too_short": lambda loc, inp, ctx, msg: "must not be empty",
    "literal_error": lambda loc, inp, ctx, msg: f"'{inp}' is not allowed; allowed: {ctx.get('expected')}",
    "value_error": lambda loc, inp, ctx, msg: msg.removeprefix("Value error, "),
    **{
        t: (
            lambda loc, inp, ctx, msg, t=t: (
                f"expected a {'whole ' if t.startswith('int') else ''}number, got {_kind(inp)} {_short(inp)}"
            )
        )
        for t in _NUMBER_ERRORS
    },
    **{
        t: (lambda loc, inp, ctx, msg: f"expected a mapping (key: value lines), got {_kind(inp)}")
        for t in _MAPPING_ERRORS
    },
}


def _explain(err: dict, doc: YamlDoc) -> str:
    typ = err.get("type", "")
    msg = err.get("msg", "invalid value")
    loc = tuple(err.get("loc", ()))
    if typ == "extra_forbidden":
        return _extra_field(doc, loc)
    explain = _EXPLAIN.get(typ)
    if explain is not None:
        return explain(loc, err.get("input"), err.get("ctx") or {}, msg)
    return msg[0].lower() + msg[1:] if msg else "invalid value"


def _owner_type(doc: YamlDoc, loc: tuple) -> str | None:
    if len(loc) >= 3 and loc[0] == "items" and isinstance(loc[1], int):
        items = doc.data.get("items") if isinstance(doc.data, dict) else None
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            t = items[loc[1]].get("type")
            return t if t in ITEM_TYPES else None
    return None


_kind = describe_kind


def _short(v: Any) -> str:
    s = repr(v)
    return f"({s[:40]}…)" if len(s) > 41 else f"({s})"


def validate_set_data(doc: YamlDoc, *, expected_id: str | None = None, root: Path | str | None = None) -> ExerciseSet:
    """Validate a loaded set file; annotate labels are checked against the taxonomies under ``root``
    (default: the course the file is in)."""
    data = doc.data
    if data is None:
        raise CourseInputError(
            f"{doc.where}: the file is empty. An exercise set is a mapping with "
            "set, title, module and items; see CONTRIBUTING.md, 'Exercise sets'."
        )
    if not isinstance(data, dict):
        raise CourseInputError(
            f"{_where(doc.where, doc.line_of(()))}: the top level is {_kind(data)}, but an exercise set must be a "
            "mapping with the keys set, title, module and items; see CONTRIBUTING.md, 'Exercise sets'."
        )
    try:
        model = ExerciseSet.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            line, desc = _error_location(doc, _refine_loc(doc, err))
            what = _explain(err, doc)
            problems.append((line, f"{desc}: {what}" if desc else what))
        raise CourseInputError(format_problems(doc.where, problems)) from None
    if expected_id and model.id != expected_id:
        raise CourseInputError(
            f"{_where(doc.where, doc.line_of(('set',)))}: the set id is '{model.id}' but the file is named "
            f"'{expected_id}.yaml'. They must agree (learners' answers go to answers/<set>.yaml); rename the "
            "file or change 'set'."
        )
    _check_taxonomy_labels(model, doc, root)
    return model


def _check_taxonomy_labels(model: ExerciseSet, doc: YamlDoc, root: Path | str | None) -> None:
    from course.content.taxonomy import load_taxonomy

    problems = []
    for i, it in enumerate(model.items):
        if it.type != "annotate":
            continue
        taxo = load_taxonomy(it.taxonomy, root if root is not None else _root_for(doc.where))
        for para, label in list(it.labels.items()) + [(p, lab) for p, labs in it.accept.items() for lab in labs]:
            if taxo.resolve(label) is None:
                field_name = "labels" if it.labels.get(para) == label else "accept"
                line = doc.line_of(("items", i, field_name, para))
                problems.append(
                    (
                        line,
                        f"item '{it.id}', {field_name} for paragraph {para}: '{label}' is not a "
                        f"label of the taxonomy '{it.taxonomy}'. Allowed: a technique id "
                        f"(e.g. {taxo.techniques[0].id}), a category id (e.g. {taxo.categories[0].id}) "
                        f"or {taxo.none_label}",
                    )
                )
    if problems:
        raise CourseInputError(format_problems(doc.where, problems))


def _root_for(where: str) -> Path:
    try:
        return find_root(Path(where).resolve().parent)
    except OSError:
        return find_root()


def load_set(path: Path | str, root: Path | str | None = None) -> ExerciseSet:
    """Load and validate one exercise set (cached by path, size and modification time); ``root``: the
    course whose taxonomies annotate items use (default: the course the file is in)."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        raise CourseInputError(f"{p}: no such exercise set file.") from None
    return _load_set_cached(str(p), st.st_mtime_ns, st.st_size, str(root) if root is not None else None)


@lru_cache(maxsize=256)
def _load_set_cached(path: str, _mtime: int, _size: int, root: str | None) -> ExerciseSet:
    doc = load_yaml(path, max_bytes=MAX_SET_BYTES, what="exercise set")
    return validate_set_data(doc, expected_id=Path(path).stem, root=root)


def item_line(path: Path | str, item_id: str) -> int | None:
    """The line of item ``item_id`` in the set file ``path`` (None if it is not there), for a message
    about a set that loaded (lines are found only when asked: a problem is rare, loading is not)."""
    doc = load_yaml(path, max_bytes=MAX_SET_BYTES, what="exercise set")
    items = doc.data.get("items") if isinstance(doc.data, dict) else None
    for i, it in enumerate(items if isinstance(items, list) else ()):
        if isinstance(it, dict) and it.get("id") == item_id:
            return doc.line_of(("items", i))
    return None


def set_paths(root: Path | str | None = None) -> list[Path]:
    """The exercise-set files: ``<root>/exercises/*.yaml`` (root: the course root)."""
    d = exercises_dir(root)
    return sorted(p for p in d.glob("*.yaml") if p.is_file() and not p.name.startswith("."))


def exercises_dir(root: Path | str | None = None) -> Path:
    if root is None:
        root = find_root()
    root = Path(root)
    return root if root.name == "exercises" and not (root / "exercises").is_dir() else root / "exercises"


def load_all_sets(root: Path | str | None = None) -> list[ExerciseSet]:
    """Every exercise set in ``root`` (a course root or an exercises folder), in file-name order.
    Item ids must be unique across all of them. A course's sets: :attr:`Course.exercise_sets`."""
    sets = [load_set(p) for p in set_paths(root)]
    check_unique_item_ids(sets, exercises_dir(root))
    return sets


def check_unique_item_ids(sets: list[ExerciseSet], where: Path) -> None:
    seen: dict[str, str] = {}
    problems = []
    for s in sets:
        for it in s.items:
            if it.id in seen and seen[it.id] != s.id:
                problems.append(f"item id '{it.id}' is used in both set '{seen[it.id]}' and set '{s.id}'")
            seen.setdefault(it.id, s.id)
    if problems:
        raise CourseInputError(
            f"{where}: {'; '.join(problems)}. Item ids must be unique course-wide; rename one of each pair."
        )
