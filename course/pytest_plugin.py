"""``pytest --answers answers/``: check a learner's exercise answers with pytest.

One test per exercise item, in set order:

- right → passes;
- wrong or partly right → fails with a learner-facing message (what is off, the partial credit,
  the next hint) and no traceback;
- blank → skipped, "not attempted";
- open responses → skipped, "needs instructor review", with the structure checks;
- an answer file that cannot be read, or answers to unknown items → one failing test per file,
  with the one-paragraph error (file and line).

Results are written as Exercism ``results.json`` v3 extended with points (see
:mod:`course.exercises.results`) to ``--results-json PATH`` (default ``<answers>/.results.json``).
A points summary is printed at the end of the run.

Options: ``--answers DIR`` (switches the plugin on), ``--exercises DIR`` (default: the course's
``exercises/``), ``--exercise-set SET`` (repeatable; default: every set), ``--results-json PATH``.

Without ``--answers`` the plugin does nothing, so the project's own test suite is unaffected.

Learner code is never run: with ``--answers``, the plugin switches on ``--noconftest`` before pytest
loads any ``conftest.py`` (so neither ``answers/conftest.py`` nor one in the learner's repository is
imported), never collects a ``.py`` file inside the answers folder, and reports any it finds as a
failing test. Marks for a class come from ``course grade``, which never runs Python from a
submission; this plugin is for learners checking their own work.
Registered through the ``pytest11`` entry point ``course = "course.pytest_plugin"``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from course.errors import CourseInputError

_KEY = pytest.StashKey["_CourseSession"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course", "Reading the Caliphate: exercise answers")
    group.addoption(
        "--answers",
        dest="course_answers",
        default=None,
        metavar="DIR",
        help="Check the exercise answers in DIR (one <set>.yaml per set), one test per item.",
    )
    group.addoption(
        "--exercises",
        dest="course_exercises",
        default=None,
        metavar="DIR",
        help="Folder of exercise sets (default: the course's exercises/).",
    )
    group.addoption(
        "--exercise-set",
        dest="course_sets",
        action="append",
        default=[],
        metavar="SET",
        help="Only this exercise set (repeatable).",
    )
    group.addoption(
        "--results-json",
        dest="course_results_json",
        default=None,
        metavar="PATH",
        help="Where to write results.json (default: <answers>/.results.json).",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """With --answers, behave as if --noconftest was given: a conftest.py in the learner's folder
    (answers/conftest.py, or one in the repository) is learner code and is never imported."""
    ns = getattr(early_config, "known_args_namespace", None)
    if ns is not None and getattr(ns, "course_answers", None):
        ns.noconftest = True
        early_config.option.noconftest = True


class _CourseSession:
    def __init__(self, answers: Path, sets, results_json: Path):
        self.answers = answers
        self.sets = sets
        self.results_json = results_json
        self.entries: dict[str, dict] = {}  # nodeid → results.json test entry
        self.order: list[str] = []
        self.errors: list[str] = []


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    answers = config.getoption("course_answers", default=None)
    if not answers:
        return
    from course.content.exercise_sets import load_all_sets

    answers_dir = Path(answers).resolve()
    if not answers_dir.is_dir():
        raise pytest.UsageError(
            f"--answers {answers}: no such folder. Run 'course start' to create it "
            "with an answer template for every exercise set."
        )
    try:
        sets = load_all_sets(config.getoption("course_exercises") or None)
    except CourseInputError as exc:
        raise pytest.UsageError(str(exc)) from None
    wanted = config.getoption("course_sets") or []
    if wanted:
        known = {s.id for s in sets}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            raise pytest.UsageError(
                f"--exercise-set {', '.join(unknown)}: no such exercise set. Sets: {', '.join(sorted(known))}."
            )
        sets = [s for s in sets if s.id in wanted]
    if not sets:
        raise pytest.UsageError("no exercise sets found; pass --exercises FOLDER.")
    rj = config.getoption("course_results_json")
    results_json = Path(rj) if rj else answers_dir / ".results.json"
    config.stash[_KEY] = _CourseSession(answers_dir, sets, results_json)
    config.addinivalue_line("markers", "exercise(set, item): an exercise item checked by the course plugin")
    # Collect the answers folder only (unless the user named test paths explicitly).
    if config.args_source != pytest.Config.ArgsSource.ARGS:
        config.args = [str(answers_dir)]
    elif str(answers_dir) not in config.args:
        config.args = list(config.args) + [str(answers_dir)]


def pytest_collect_directory(path: Path, parent):
    sess = parent.config.stash.get(_KEY, None)
    if sess is None or Path(path).resolve() != sess.answers:
        return None
    return AnswersDir.from_parent(parent, path=Path(path))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config):
    sess = config.stash.get(_KEY, None)
    if sess is None:
        return None
    # Inside the answers folder only our collector works; never import *.py found there.
    p = Path(collection_path).resolve()
    if p != sess.answers and sess.answers in p.parents:
        return True
    return None


def _python_files(folder: Path, limit: int = 20) -> list[str]:
    found = []
    for p in sorted(folder.rglob("*")):
        if p.suffix.lower() in (".py", ".pyc", ".pyw", ".pth", ".so") and not p.is_dir():
            found.append(str(p.relative_to(folder)))
            if len(found) >= limit:
                break
    return found


class AnswersDir(pytest.Directory):
    def collect(self):
        sess = self.config.stash[_KEY]
        code = _python_files(sess.answers)
        if code:
            yield AnswerFileProblem.from_parent(
                self,
                name="answers folder: Python files",
                path=sess.answers / code[0],
                messages=[
                    f"{sess.answers}: Python files are not allowed in the answers folder and were not run: "
                    f"{', '.join(code)}. Answers are YAML files only; delete these files."
                ],
            )
        for s in sess.sets:
            yield AnswerSetFile.from_parent(self, path=sess.answers / f"{s.id}.yaml", exercise_set=s)


class AnswerSetFile(pytest.File):
    def __init__(self, *, exercise_set, **kw):
        super().__init__(**kw)
        self.exercise_set = exercise_set

    def collect(self):
        from course.exercises.answers import load_answers
        from course.exercises.state import load_state

        s = self.exercise_set
        answers, problems, fatal = {}, [], None
        af = None
        try:
            af = load_answers(self.path, s, recover=True)
            answers, problems = af.answers, af.problems
        except CourseInputError as exc:
            fatal = str(exc)
        if fatal or problems:
            yield AnswerFileProblem.from_parent(
                self, name=f"{s.id}: answer file", messages=[fatal] if fatal else problems
            )
        levels = load_state(self.config.stash[_KEY].answers).hint_levels()
        for number, it in enumerate(s.items, 1):
            line = af.line_of(it.id) if (af is not None and it.id in answers) else None
            yield ExerciseItem.from_parent(
                self,
                name=it.id,
                item=it,
                number=number,
                answer=answers.get(it.id),
                hint_level=levels.get(it.id, 0),
                line=line,
                unreadable=fatal is not None or (af.unread.get(it.id) if af else None),
            )


def _skip(reason: str):
    """Skip, reported at the item's location (not this file's)."""
    try:
        from _pytest.outcomes import Skipped

        raise Skipped(msg=reason, _use_item_location=True)
    except (ImportError, TypeError):
        pytest.skip(reason)


class ExerciseNotRight(Exception):
    """The learner's answer is wrong or partly right (message is learner-facing)."""


class AnswerFileProblem(pytest.Item):
    def __init__(self, *, messages, **kw):
        super().__init__(**kw)
        self.messages = messages

    def runtest(self):
        from course.exercises.safe import safe_text

        raise ExerciseNotRight("\n".join(safe_text(m, newlines=False) for m in self.messages))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExerciseNotRight):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, self.name


class ExerciseItem(pytest.Item):
    def __init__(self, *, item, number, answer, hint_level=0, line=None, unreadable=False, **kw):
        super().__init__(**kw)
        self.item = item
        self.number = number
        self.answer = answer
        self.hint_level = hint_level
        self.line = line
        self.unreadable = unreadable
        self.result = None
        self.add_marker(pytest.mark.exercise(self.parent.exercise_set.id, item.id))

    def runtest(self):
        from course.exercises.grading import NEEDS_REVIEW, NOT_ATTEMPTED, PASSED, grade_item

        res = grade_item(self.item, self.answer, hint_level=self.hint_level)
        self.result = res
        sess = self.config.stash[_KEY]
        from course.exercises.results import test_entry

        sess.entries[self.nodeid] = test_entry(res, self.item, self.parent.exercise_set.id, self.number)
        sess.order.append(self.nodeid)
        if res.status == PASSED:
            return
        if res.status == NOT_ATTEMPTED:
            why = (
                self.unreadable
                if isinstance(self.unreadable, str)
                else ("answer file unreadable" if self.unreadable else "not attempted")
            )
            _skip(f"{self.item.id}: {why} ({res.max_points:g} points)")
        if res.status == NEEDS_REVIEW:
            _skip(f"{self.item.id}: needs instructor review. {res.feedback}")
        raise ExerciseNotRight(res.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ExerciseNotRight):
            res = self.result
            head = f"{self.parent.exercise_set.id} #{self.number} {self.item.id} ({self.item.type}): "
            pts = f"{res.points:g} of {res.max_points:g} points" if res else ""
            return f"{head}{pts}\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, (self.line - 1) if self.line else 0, f"{self.parent.exercise_set.id}: {self.item.id}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    sess = config.stash.get(_KEY, None)
    if sess is None or not sess.entries:
        return
    tw = terminalreporter
    tw.write_sep("=", "exercise points")
    by_set: dict[str, list[dict]] = {}
    for nid in sess.order:
        e = sess.entries[nid]
        by_set.setdefault(e["set"], []).append(e)
    total = maxp = 0.0
    for set_id, entries in by_set.items():
        pts = sum(e["points"] for e in entries)
        mx = sum(e["max_points"] for e in entries)
        total, maxp = total + pts, maxp + mx
        counts = {}
        for e in entries:
            counts[e["outcome"]] = counts.get(e["outcome"], 0) + 1
        detail = ", ".join(f"{v} {k}" for k, v in counts.items())
        pct = 100 * pts / mx if mx else 0
        tw.write_line(f"{set_id}: {round(pts, 2):g} / {mx:g} points ({pct:.0f} %) — {detail}")
    pct = 100 * total / maxp if maxp else 0
    tw.write_line(f"total: {round(total, 2):g} / {maxp:g} points ({pct:.0f} %); results in {sess.results_json}")


def pytest_sessionfinish(session, exitstatus):
    sess = session.config.stash.get(_KEY, None)
    if sess is None:
        return
    from course.exercises.results import document_from_entries, write_json

    doc = document_from_entries([sess.entries[n] for n in sess.order])
    try:
        sess.results_json.parent.mkdir(parents=True, exist_ok=True)
        write_json(sess.results_json, doc)
    except OSError as exc:
        session.config.get_terminal_writer().line(f"could not write {sess.results_json}: {exc}")
