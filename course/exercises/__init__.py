"""The exercise engine: exercises as data, checked for learners, graded in bulk.

One exercise definition (``exercises/<set>.yaml``, format in CONTRIBUTING.md) yields the rendered
question (the ``exercise-set`` directive), the learner's answer template (``course start``), the
automatic check with feedback (``course check``, ``pytest --answers answers/``), the instructor's
answer key (:func:`reference_answers`) and grades (``course grade``).

Public API
----------
Loading (pure, cached by path and modification time; errors are :class:`CourseInputError` with
file, line, what is wrong and what is allowed):

- :func:`load_set(path) <course.content.exercise_sets.load_set>` → :class:`ExerciseSet`
- :func:`load_all_sets(root=None) <course.content.exercise_sets.load_all_sets>` → every set in
  ``<root>/exercises/`` (root: the course root, or an exercises folder), ids unique course-wide
- :func:`load_answers(path, exercise_set) <course.exercises.answers.load_answers>` → :class:`AnswerFile`

Grading (never raises on a learner's answer):

- :func:`grade_item(item, answer, hint_level=0) <course.exercises.grading.grade_item>` → :class:`Result`
  (``status`` passed/partial/failed/not-attempted/needs-review, ``score`` 0..1, ``points``,
  ``max_points``, ``message`` for the learner)
- :func:`grade_set(exercise_set, answers) <course.exercises.grading.grade_set>` → :class:`SetResult`
- :func:`reference_answers(item) <course.exercises.grading.reference_answers>` → the answer (in
  answer-file form) that scores 100 %; ``open`` items: the model answer or None
- :func:`reference_answer_file(exercise_set)` → ``{item id: reference answer}``

Other:

- :func:`render_template(exercise_set)` / :func:`start(exercise_set, answers_dir)` (templates)
- :func:`results_document(pairs)` → Exercism results.json v3 with points
- :func:`json_schema()` → the JSON Schema of a set file
- :func:`validate_references(exercise_set, root=None)` → problems with objectives, readings,
  paragraph ids and taxonomy labels (cross-file checks the loader does not make)
- :func:`plain(myst)` → MyST as plain text
- :data:`ITEM_TYPES`, the item models (:class:`SingleItem` ... :class:`OpenItem`)
"""

import importlib

# The public names and the modules that define them. They are imported on first use (PEP 562), so
# ``import course.exercises.grading`` (what ``course check`` needs) does not also load the templates,
# the authors' validation and the results writer.
_EXPORTS = {
    "course.errors": ("CourseInputError",),
    "course.exercises.grading": (
        "FAILED",
        "NEEDS_REVIEW",
        "NOT_ATTEMPTED",
        "PARTIAL",
        "PASSED",
        "STATUSES",
        "Result",
        "SetResult",
        "grade_item",
        "grade_set",
        "is_blank",
        "reference_answer_file",
        "reference_answers",
    ),
    "course.content.exercise_sets": (
        "exercises_dir",
        "load_all_sets",
        "load_set",
        "set_paths",
        "ITEM_TYPES",
        "AnnotateItem",
        "ExerciseSet",
        "ItemBase",
        "LocateItem",
        "MatchingItem",
        "MultipleItem",
        "NumericItem",
        "OpenItem",
        "OrderingItem",
        "ShortItem",
        "SingleItem",
        "VerdictItem",
        "json_schema",
    ),
    "course.content.yaml": ("parse_yaml",),
    "course.exercises.answers": ("AnswerFile", "load_answers"),
    "course.exercises.results": ("results_document",),
    "course.content.text": ("plain",),
    "course.exercises.templates": ("render_template", "start"),
    "course.exercises.validate": ("validate_references",),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


__all__ = [
    "CourseInputError",
    "AnswerFile",
    "ExerciseSet",
    "ItemBase",
    "Result",
    "SetResult",
    "SingleItem",
    "MultipleItem",
    "OrderingItem",
    "MatchingItem",
    "NumericItem",
    "ShortItem",
    "LocateItem",
    "AnnotateItem",
    "VerdictItem",
    "OpenItem",
    "ITEM_TYPES",
    "STATUSES",
    "PASSED",
    "PARTIAL",
    "FAILED",
    "NOT_ATTEMPTED",
    "NEEDS_REVIEW",
    "load_set",
    "load_all_sets",
    "load_answers",
    "parse_yaml",
    "set_paths",
    "exercises_dir",
    "grade_item",
    "grade_set",
    "is_blank",
    "reference_answers",
    "reference_answer_file",
    "render_template",
    "start",
    "results_document",
    "json_schema",
    "validate_references",
    "plain",
]
