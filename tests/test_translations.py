"""The built-in course in three languages: Turkmen complete, and every translation saying the same thing.

What a machine can compare, it compares: numbers (years, articles, parts, ages, sums), the letters of an
article's paragraphs, and the caveats on unofficial translations must be the same in English, Russian and
Turkmen, text by text. Keys are ids, shared by all languages. The meaning itself is checked by a second
reader (docs/translation.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import yaml

from course.content.coverage import language_coverage
from course.content.loader import load_content
from tests.conftest import PROJECT_ROOT
from tests.test_content_validation import edit, problems_of
from tests.test_shipped_content import bundle

LANGUAGES = ("en", "ru", "tk")
#: "Unofficial translation" and its kin; "not an official statistic" is another matter.
CAVEAT = {"en": re.compile(r"unofficial|not an official (?:text|translation|wording)", re.I),
          "ru": re.compile(r"неофициальн|не официальн", re.I), "tk": re.compile(r"resmi (?:\w+ )?däl", re.I)}


def numbers(text: str) -> set[str]:
    """Every number in a text: 'Article 129¹' counts as 129 and 1, '72,000' and '72 000' as 72000."""
    text = text.replace("¹", "-1")
    text = re.sub(r"(?<=\d)[,\u00a0\u202f ](?=\d{3}\b)", "", text)
    return set(re.findall(r"\d+", text))


#: Russian letters points in alphabetical order: Palermo's Article 3(a), (b), (c) are 3(а), (б), (в) in Russian.
CYRILLIC_POINTS = dict(zip("абвгдежз", "abcdefgh", strict=True))


def letters(text: str) -> set[str]:
    """The letters of paragraphs and points, as in 3(a), «б» or "a", each Cyrillic one read as the Latin letter
    of the same place in the alphabet; a quoted Russian «и» is the word 'and', not a point."""
    found = set(re.findall(r"[(«\"“]([a-zа-яё])[)»\"”]", text)) - {"и"}
    return {CYRILLIC_POINTS.get(letter, letter) for letter in found}


def _yaml_texts(node, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(node, dict):
        if all(isinstance(node.get(lang), str) for lang in ("en", "ru")):
            yield path, node
        for key, value in node.items():
            yield from _yaml_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _yaml_texts(value, f"{path}[{index}]")


@cache
def every_text() -> list[tuple[str, dict[str, str]]]:
    """Every text of the shipped course with its versions by language: YAML texts, module sections, notes."""
    texts = []
    modules, quizzes = PROJECT_ROOT / "modules", PROJECT_ROOT / "quizzes"
    files = [*sorted(modules.glob("*.yaml")), *sorted(modules.glob("*/module.yaml")), *sorted(quizzes.glob("*.yaml"))]
    for path in files:
        if path.name == "terminology.yaml":  # the terminology list is per term, not a text to translate
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        texts += [(f"{path.relative_to(PROJECT_ROOT)}:{where}", versions) for where, versions in _yaml_texts(data)]
    for module in bundle().modules.values():
        for index, section in enumerate(module.sections["en"]):
            versions = {lang: sections[index].title + "\n" + sections[index].body
                        for lang, sections in module.sections.items()}
            texts.append((f"modules/{module.folder}/<lang>.md#{section.key}", versions))
        texts.append((f"modules/{module.folder}/trainer-notes.<lang>.md", dict(module.trainer_notes)))
    return texts


def test_the_whole_course_is_in_turkmen():
    """`course validate --languages` reports Turkmen at 100%: nothing a Turkmen cohort reads falls back."""
    turkmen = next(report for report in language_coverage(bundle()) if report.language == "tk")
    assert turkmen.missing == [], f"{len(turkmen.missing)} texts lack Turkmen, first: {turkmen.missing[:5]}"
    assert turkmen.percent == 100


@pytest.mark.parametrize("lang", ["ru", "tk"])
def test_numbers_are_the_same_in_every_language(lang):
    differ = [f"{where}: {sorted(numbers(texts['en']) ^ numbers(texts[lang]))}"
              for where, texts in every_text() if lang in texts and numbers(texts["en"]) != numbers(texts[lang])]
    assert differ == [], "\n".join(differ)


@pytest.mark.parametrize("lang", ["ru", "tk"])
def test_article_letters_are_the_same_in_every_language(lang):
    differ = [f"{where}: {sorted(letters(texts['en']) ^ letters(texts[lang]))}"
              for where, texts in every_text() if lang in texts and letters(texts["en"]) != letters(texts[lang])]
    assert differ == [], "\n".join(differ)


@pytest.mark.parametrize("lang", ["ru", "tk"])
def test_a_caveat_on_an_unofficial_translation_is_kept_in_every_language(lang):
    """Where the English says a text is an unofficial translation, so does each translation of it (the review
    found three Turkmen texts that had dropped it)."""
    dropped = [where for where, texts in every_text()
               if lang in texts and CAVEAT["en"].search(texts["en"]) and not CAVEAT[lang].search(texts[lang])]
    assert dropped == [], "\n".join(dropped)


def test_the_counting_rules_see_what_they_must():
    assert numbers("Article 129¹, part 2, 72,000 victims in 2016") == {"129", "1", "2", "72000", "2016"}
    assert numbers("129-1-nji madda, 72 000 pida, 2016-njy ýyl") == {"129", "1", "72000", "2016"}
    assert letters("Article 3(a) and (b), point «б»") == letters("статья 3(а) и (б), пункт «б»") == {"a", "b"}
    assert letters('слова «и» и "shall"') == set()


def test_the_terminology_list_gives_every_term_in_three_languages_with_its_source():
    data = yaml.safe_load((PROJECT_ROOT / "modules/terminology.yaml").read_text(encoding="utf-8"))
    assert len(data["terms"]) >= 20
    for term in data["terms"]:
        assert all(term.get(lang) for lang in LANGUAGES), term["id"]
        assert term["source"] in data["sources"], term["id"]
    law_terms = {term["tk"] for term in data["terms"] if term["source"] == "2016-law-art1-2"}
    assert {"adam söwdasy", "yrmak", "daşamak", "geçirmek", "gizläp saklamak", "almak"} <= law_terms


@pytest.fixture
def with_terminology(editable_content) -> Path:
    (editable_content / "modules/terminology.yaml").write_text(
        (PROJECT_ROOT / "modules/terminology.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return editable_content


def test_a_turkmen_text_using_a_forbidden_rendering_is_refused_with_file_and_line(with_terminology):
    assert problems_of(with_terminology) == []
    edit(with_terminology / "modules/01-alpha/tk.md", "Alfa, birinji tekst.", "Alfa, sömürü barada tekst.")
    edit(with_terminology / "modules/01-alpha/module.yaml", "tk: Alfa moduly", "tk: Alfa moduly we kurban")
    problems = problems_of(with_terminology)
    assert len(problems) == 2, problems
    markdown = next(p for p in problems if p.startswith("modules/01-alpha/tk.md:"))
    assert re.match(r"modules/01-alpha/tk\.md:\d+: ", markdown)
    assert "'sömür'" in markdown and "'ezmek (ekspluatirlemek)" in markdown
    yaml_problem = next(p for p in problems if p.startswith("modules/01-alpha/module.yaml:3: title.tk:"))
    assert "'kurban'" in yaml_problem and "pida" in yaml_problem


def test_a_forbidden_rendering_is_only_a_problem_in_turkmen_and_at_the_start_of_a_word(with_terminology):
    # 'kurban' inside the English text, and 'polisiýa' (the right word, which begins like the Turkish 'polis ')
    edit(with_terminology / "modules/01-alpha/module.yaml", "title: {en: Alpha module",
         "title: {en: Alpha module kurban")
    edit(with_terminology / "modules/01-alpha/tk.md", "Alfa, birinji tekst.", "Alfa, polisiýa we prokuror.")
    assert problems_of(with_terminology) == []


def test_a_terminology_list_with_a_term_of_unknown_source_is_refused(with_terminology):
    edit(with_terminology / "modules/terminology.yaml", "    source: course\n", "    source: nowhere\n")
    problems = problems_of(with_terminology)
    assert any(p.startswith("modules/terminology.yaml:") and "'nowhere'" in p for p in problems), problems


def test_the_shipped_turkmen_keeps_to_the_terminology():
    result = load_content(PROJECT_ROOT)
    assert not [problem for problem in result.problems if "terminology list forbids" in problem.message]
