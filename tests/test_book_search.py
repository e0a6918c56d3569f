"""Search and sort ignore transliteration marks: "Nabhani" finds what "Nabhānī" finds, in the built
search index and through the search box's own JavaScript; the glossary and the PDF index sort
ʿulamāʾ with the U's and ḥizb with the H's."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from conftest import IN_CI, built

from course.sphinxext.folding import _search_language, fold

PAIRS = [("Nabhani", "Nabhānī"), ("nusra", "nuṣra"), ("baya", "bayʿa"), ("ulama", "ʿulamāʾ")]


def test_fold():
    assert fold("Nabhānī") == "nabhani"
    assert fold("ʿulamāʾ") == "ulama"
    assert fold("bayʿa") == fold("bay'a") == fold("bay’a") == "baya"
    assert fold("Ḥizb al-Taḥrīr") == "hizb al-tahrir"


def _index(html_dir):
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def _docs(index, lang, word):
    stem = lang.stem(word.lower())
    found = set()
    for table in ("terms", "titleterms"):
        hit = index[table].get(stem)
        if hit is not None:
            found |= {hit} if isinstance(hit, int) else set(hit)
    return found


@pytest.mark.parametrize("plain,marked", PAIRS)
def test_plain_and_marked_spellings_find_the_same_pages(html_student, plain, marked):
    index = _index(html_student.output.parent)
    lang = _search_language()({})
    a, b = _docs(index, lang, plain), _docs(index, lang, marked)
    assert a and a == b, f"{plain}: {len(a)} pages, {marked}: {len(b)} pages"


def test_the_search_box_folds_queries_like_the_index(html_student):
    """Run the built language_data.js in node: its Stemmer must give the index's keys."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        if IN_CI:
            pytest.fail("CI must not skip: node is not installed (sudo apt-get install -y nodejs)")
        pytest.skip("node is not installed; install it with: sudo apt-get install -y nodejs")
    js = (html_student.output.parent / "_static" / "language_data.js").read_text(encoding="utf-8")
    words = [w for pair in PAIRS for w in pair]
    script = (
        "var window = globalThis;\n" + js + "\nconst s = new Stemmer();\n"
        f"console.log(JSON.stringify({json.dumps(words)}.map(w => s.stemWord(w.toLowerCase()))));"
    )
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout
    stems = json.loads(out)
    lang = _search_language()({})
    assert stems == [lang.stem(w.lower()) for w in words]
    assert stems[0::2] == stems[1::2]


def test_glossary_sorts_by_the_folded_form(html_student):
    page = (html_student.output.parent / "glossary.html").read_text(encoding="utf-8")
    terms = [re.sub(r"<[^>]+>.*", "", t) for t in re.findall(r'<dt id="term-[^"]+">(.*?)</dt>', page, re.S)]
    assert len(terms) > 20
    keys = [fold(t) for t in terms]
    assert keys == sorted(keys), [t for t, k, n in zip(terms, keys, keys[1:]) if k > n][:5]
    marked = [t for t in terms if t[:1] in "ʿʾḤḥ"]
    assert marked, "no glossary term starts with a transliteration mark"
    last = terms[-1]
    assert not last.startswith("ʿ")


def test_pdf_index_sorts_by_the_folded_form():
    res = built("pdf", "student")
    ind = res.output.parent.parent / "latex" / "reading-the-caliphate.ind"
    text = ind.read_text(encoding="utf-8")
    assert "Non-alphabetical" not in text and "lettergroup{Q}" not in text.split("ʿulam")[0][-400:]
    groups = re.split(r"\\lettergroup\{([^}]*)\}", text)
    where = {}
    for letter, body in zip(groups[1::2], groups[2::2]):
        for word in ("ʿulamāʾ", "ʿaṣabiyya", "ḥizb"):
            if word in body:
                where[word] = letter
    assert where.get("ʿulamāʾ") == "U" and where.get("ʿaṣabiyya") == "A", where
    assert where.get("ḥizb", "H") == "H", where
