"""The ``discernment-check`` directive: one form of the discernment diagnostic in a page.

```{discernment-check} a
```

Renders the form's instructions and numbered passages (from ``data/diagnostic.yaml``) with the
command that writes and scores the answer file. The instructor edition adds, per passage, the key,
the techniques and a note; the student edition never creates those nodes.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList

from course.errors import CourseInputError
from course.sphinxext.base import CourseDirective
from course.sphinxext.pedagogy import is_instructor


class DiscernmentCheckDirective(CourseDirective):
    required_arguments = 1
    subtype = "diagnostic"

    def _parse(self, text: str, parent: nodes.Element) -> None:
        self.state.nested_parse(
            StringList(str(text).strip("\n").splitlines(), source="data/diagnostic.yaml"), 0, parent
        )

    def run(self):
        env = self.env
        fid = self.arguments[0].strip().lower()
        self.note_data(self.course.diagnostic_path)
        try:
            diag = self.course.diagnostic
        except CourseInputError as exc:
            return self.data_error(exc)
        if fid not in diag.forms:
            return self.usage_error(f"no form '{fid}'; forms: {', '.join(diag.forms)}.")
        form = diag.forms[fid]
        box = nodes.container(classes=["discernment-check"], ids=[f"discernment-{fid}"], form=fid)
        howto = nodes.admonition(classes=["exercise-howto"])
        howto += nodes.title("", f"{form.title}: {len(form.passages)} passages, never marked")
        self._parse(
            diag.instructions + f"\n\nOn your computer: `course diagnostic {fid}` writes "
            f"`answers/{form.answer_stem}.yaml`; answer each passage as `technique 3` or `none 2` "
            f"(label, then confidence 1–4), then run `course diagnostic` to see your discernment "
            "and your bias. On paper: write the passage number, the label and the confidence.",
            howto,
        )
        box += howto
        lst = nodes.enumerated_list(classes=["discernment-passages"])
        instructor = is_instructor(env.config)
        for p in form.passages:
            li = nodes.list_item(ids=[f"dc-{p.id}"], passage=p.id)
            head = nodes.paragraph()
            head += nodes.literal("", p.id)
            li += head
            quote = nodes.block_quote()
            quote += nodes.paragraph("", p.text)
            li += quote
            if instructor:
                key = nodes.paragraph(classes=["exercise-key", "instructor-only"])
                tech = f" ({', '.join(p.techniques)})" if p.techniques else ""
                pair = f"; minimal pair {p.pair}" if p.pair else ""
                key += nodes.strong("", f"Key: {p.key}{tech}")
                key += nodes.Text(f" · strand: {p.strand}{pair}. {p.note}")
                li += key
            lst += li
        box += lst
        return [box]
