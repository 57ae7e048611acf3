"""Read and check everything under ``modules/`` and ``quizzes/``.

The loader never stops at the first problem: it reads every file it can,
checks every reference, and returns all problems together, each with file,
line and field, so an author fixes a whole batch in one pass.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from course.config import LANGUAGES
from course.content.markdown import RawSection, SectionSplitError, level_one_headings, split_sections
from course.content.problems import Problem, display_path, field_name
from course.content.schema import (
    CourseFile,
    EvaluationFile,
    FollowUpFile,
    GlossaryFile,
    ModuleFile,
    ProvisionsFile,
    QuizFile,
    RubricFile,
    SourceHostsFile,
    SourcesFile,
    VocabularyFile,
)
from course.content.terminology import (
    TERMINOLOGY_FILE,
    TerminologyFile,
    misuses_in_text,
    misuses_in_yaml,
    text_language,
)
from course.content.yaml_source import LineMap, YamlError, read_yaml
from course.quiz.registry import load_question_types
from course.quiz.types.base import QuestionSpec
from course.quiz.types.case_qualification import CaseQualificationSpec

M = TypeVar("M", bound=BaseModel)

COURSE_FILE = "course.yaml"
SOURCES_FILE = "sources.yaml"
VOCABULARY_FILE = "vocabulary.yaml"
RUBRIC_FILE = "teaching-practice.yaml"
EVALUATION_FILE = "evaluation.yaml"
FOLLOW_UP_FILE = "follow-up.yaml"
GLOSSARY_FILE = "glossary.yaml"
PROVISIONS_FILE = "provisions.yaml"
SOURCE_HOSTS_FILE = "source-hosts.yaml"
MODULE_FILE = "module.yaml"
TRAINER_NOTES_PREFIX = "trainer-notes."


@dataclass(frozen=True)
class ModuleContent:
    """A module as read from its folder: metadata, text per language, trainer notes."""

    meta: ModuleFile
    folder: str
    sections: dict[str, list[RawSection]]
    trainer_notes: dict[str, str]


@dataclass(frozen=True)
class QuizContent:
    meta: QuizFile
    questions: list[QuestionSpec]


@dataclass(frozen=True)
class ContentBundle:
    """All content, valid and cross-checked; modules in course order."""

    course: CourseFile
    sources: SourcesFile
    modules: dict[str, ModuleContent]
    quizzes: dict[str, QuizContent]
    vocabulary: VocabularyFile | None = None
    #: The teaching-practice rubric and the participant evaluation form, when the course has them.
    rubric: RubricFile | None = None
    evaluation: EvaluationFile | None = None
    #: The questionnaire of the months after the training, when the course has one.
    follow_up: FollowUpFile | None = None
    #: The key legal terms, when the course has a glossary.
    glossary: GlossaryFile | None = None
    #: The law the content cites, as provisions with editions.
    provisions: ProvisionsFile | None = None


@dataclass
class LoadResult:
    problems: list[Problem]
    bundle: ContentBundle | None = None
    #: Not errors, but things an author should act on (content citing a superseded edition).
    warnings: list[Problem] = field(default_factory=list)


_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]*$": "must be lower-case Latin letters, digits and hyphens, for example 'module-2'",
    r"^https?://\S+$": "must be a web address starting with http:// or https://",
    "^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9-]*$": "must name a provision edition as provision@edition, for example "
                                              "'tm-cc-129-1@2010'",
}


def _friendly_message(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field; check its spelling"
    if kind == "dict_type":
        return "expected a block of 'key: value' lines (text needs one line per language, e.g. en: / ru:)"
    if kind == "string_pattern_mismatch":
        return _PATTERN_HINTS.get(ctx.get("pattern", ""), error["msg"])
    if kind == "too_short" and "min_length" in ctx:
        return f"needs at least {ctx['min_length']} item(s)"
    return error["msg"].replace("Input should be", "should be").replace("Value error, ", "")


def _clean_loc(loc: Iterable[Any]) -> tuple[str | int, ...]:
    return tuple(part for part in loc if isinstance(part, int) or not str(part).startswith(("[", "function-")))


@dataclass
class _Loader:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: Ids named in files that failed to load: references to them are not reported again.
    broken_ids: set[str] = field(default_factory=set)
    #: Every YAML document and Markdown text read, for the checks that span all files (terminology).
    documents: list[tuple[Path, Any, LineMap]] = field(default_factory=list)
    texts: list[tuple[Path, str]] = field(default_factory=list)
    context: dict[str, Any] = field(
        default_factory=lambda: {"languages": LANGUAGES, "required_languages": ("en",), "default_language": "en"}
    )

    # -- helpers -------------------------------------------------------------

    def problem(self, path: Path, line: int | None, field_: str, message: str) -> None:
        self.problems.append(Problem(display_path(path, self.root), line, field_, message))

    def read_text(self, path: Path) -> str | None:
        """A Markdown file's text, or None with the problem reported."""
        try:
            text = path.read_text(encoding="utf-8")
            self.texts.append((path, text))
            return text
        except UnicodeDecodeError:
            self.problem(path, None, "", "the file is not UTF-8 text; save it as UTF-8")
        except OSError as exc:
            self.problem(path, None, "", f"cannot be read: {exc.strerror}")
        return None

    def read(self, path: Path) -> tuple[Any, LineMap] | None:
        try:
            data, lines = read_yaml(path)
        except YamlError as exc:
            self.problem(path, exc.line, exc.field, exc.message)
            return None
        except OSError as exc:
            self.problem(path, None, "", f"cannot be read: {exc.strerror}")
            return None
        if not isinstance(data, dict):
            self.problem(path, 1, "", "expected a block of 'key: value' lines at the top of the file")
            return None
        self.documents.append((path, data, lines))
        return data, lines

    def validate(
        self, model: type[M], data: Any, lines: LineMap, path: Path, prefix: tuple = ()
    ) -> M | None:
        try:
            return model.model_validate(data, context=self.context)
        except ValidationError as exc:
            for error in exc.errors():
                loc = (*prefix, *_clean_loc(error["loc"]))
                self.problem(path, lines.line_for(loc), field_name(loc), _friendly_message(error))
            return None

    # -- files ---------------------------------------------------------------

    def load_course(self, modules_dir: Path) -> tuple[CourseFile | None, LineMap]:
        path = modules_dir / COURSE_FILE
        if not path.exists():
            self.problem(path, None, "", "is missing; every content folder needs modules/course.yaml")
            return None, LineMap()
        read = self.read(path)
        if read is None:
            return None, LineMap()
        data, lines = read
        # The course decides which languages every other file must have.
        languages = data.get("languages")
        required = data.get("required_languages")
        if isinstance(languages, list) and all(code in LANGUAGES for code in languages):
            self.context["languages"] = tuple(languages)
        if isinstance(required, list) and all(code in LANGUAGES for code in required):
            self.context["required_languages"] = tuple(required)
        if data.get("default_language") in LANGUAGES:
            self.context["default_language"] = data["default_language"]
        return self.validate(CourseFile, data, lines, path), lines

    def load_sources(self, modules_dir: Path) -> SourcesFile | None:
        """``sources.yaml``, plus any ``sources-<topic>.yaml`` beside it; ids are unique across all."""
        path = modules_dir / SOURCES_FILE
        if not path.exists():
            self.problem(path, None, "", "is missing; citations need modules/sources.yaml")
            return None
        merged: list = []
        seen: dict[str, Path] = {}
        complete = True
        for source_path in [path, *sorted(modules_dir.glob("sources-*.yaml"))]:
            read = self.read(source_path)
            sources = self.validate(SourcesFile, *read, source_path) if read else None
            if sources is None:
                complete = False
                continue
            for index, source in enumerate(sources.sources):
                if source.id in seen:
                    loc = ("sources", index, "id")
                    where = "this file" if seen[source.id] == source_path else display_path(seen[source.id], self.root)
                    self.problem(source_path, read[1].line_for(loc), field_name(loc),
                                 f"source id '{source.id}' is used twice (also in {where})")
                    complete = False
                seen[source.id] = source_path
            merged += sources.sources
        return SourcesFile(schema_version=1, sources=merged) if complete else None

    def load_vocabulary(self, modules_dir: Path) -> VocabularyFile | None:
        """Optional; needed once a quiz has case-qualification questions."""
        path = modules_dir / VOCABULARY_FILE
        self.context["vocabulary"] = {}
        if not path.exists():
            return None
        read = self.read(path)
        if read is None:
            return None
        data, lines = read
        vocabulary = self.validate(VocabularyFile, data, lines, path)
        if vocabulary:
            self.context["vocabulary"] = vocabulary.as_context()
        return vocabulary

    def load_optional(self, path: Path, model: type[M]) -> tuple[M | None, LineMap | None]:
        """A file the course may go without (the rubric, the evaluation form, the glossary), checked when present,
        with its line numbers for later messages."""
        if not path.exists():
            return None, None
        read = self.read(path)
        return (self.validate(model, read[0], read[1], path), read[1]) if read else (None, None)

    def load_module(self, folder: Path) -> tuple[ModuleContent, LineMap] | None:
        path = folder / MODULE_FILE
        read = self.read(path)
        if read is None:
            return None
        data, lines = read
        meta = self.validate(ModuleFile, data, lines, path)
        sections = self._load_texts(folder)
        notes = self._load_trainer_notes(folder)
        if meta is None or sections is None:
            self.broken_ids.add(f"module:{data.get('id')}")
            return None
        return ModuleContent(meta=meta, folder=folder.name, sections=sections, trainer_notes=notes), lines

    def _load_texts(self, folder: Path) -> dict[str, list[RawSection]] | None:
        languages = self.context["languages"]
        default = self.context["default_language"]
        for extra in sorted(folder.glob("*.md")):
            stem = extra.name.removesuffix(".md")
            if stem not in languages and not extra.name.startswith(TRAINER_NOTES_PREFIX):
                self.problem(
                    extra, None, "", f"unexpected file; module text files are named after a language: "
                    f"{', '.join(code + '.md' for code in languages)}"
                )
        texts: dict[str, list[RawSection]] = {}
        ok = True
        for code in languages:
            path = folder / f"{code}.md"
            if not path.exists():
                if code in self.context["required_languages"]:
                    self.problem(path, None, "", f"is missing: the {code} text is required")
                    ok = False
                continue
            text = self.read_text(path)
            if text is None:
                ok = False
                continue
            try:
                sections = split_sections(text, require_keys=code == default)
            except SectionSplitError as exc:
                self.problem(path, exc.line, "", str(exc))
                ok = False
                continue
            if not sections:
                self.problem(path, 1, "", "has no sections; start each section with a '## ' heading")
                ok = False
                continue
            ok = self._check_headings(path, text) and ok
            texts[code] = sections
        if default in texts:
            ok = self._pair_sections(folder, default, texts) and ok
        return texts if ok else None

    def _pair_sections(self, folder: Path, default: str, texts: dict[str, list[RawSection]]) -> bool:
        """Translations pair with the default text by position; explicit keys must agree."""
        ok = True
        reference = texts[default]
        keys = [section.key for section in reference]
        for section in reference:
            if keys.count(section.key) > 1:
                self.problem(folder / f"{default}.md", section.line, "", f"two sections have the key "
                             f"'{section.key}'; give one a different heading or an explicit {{#key}}")
                ok = False
                break
        for code, sections in texts.items():
            if code == default:
                continue
            path = folder / f"{code}.md"
            if len(sections) != len(reference):
                self.problem(path, None, "", f"has {len(sections)} sections but {default}.md has "
                             f"{len(reference)}; translations must have the same '## ' sections in the same order")
                ok = False
                continue
            for mine, theirs in zip(sections, reference, strict=True):
                if mine.key and mine.key != theirs.key:
                    self.problem(path, mine.line, "", f"section key '{mine.key}' does not match '{theirs.key}' "
                                 f"at the same position in {default}.md")
                    ok = False
            texts[code] = [
                RawSection(key=theirs.key, title=mine.title, body=mine.body, line=mine.line)
                for mine, theirs in zip(sections, reference, strict=True)
            ]
        return ok

    def _check_headings(self, path: Path, text: str) -> bool:
        """A level-one heading would reach the page as bare text: the page's title is its only one."""
        lines = level_one_headings(text)
        for line in lines:
            self.problem(path, line, "", "a level-one heading ('# ') is not shown as a heading: the page's title is "
                                         "its only one; use '## ' or a deeper level")
        return not lines

    def _load_trainer_notes(self, folder: Path) -> dict[str, str]:
        notes = {}
        for code in self.context["languages"]:
            path = folder / f"{TRAINER_NOTES_PREFIX}{code}.md"
            if path.exists() and (text := self.read_text(path)) is not None:
                notes[code] = text
                self._check_headings(path, text)
        for path in folder.glob(f"{TRAINER_NOTES_PREFIX}*.md"):
            if path.name.removeprefix(TRAINER_NOTES_PREFIX).removesuffix(".md") not in self.context["languages"]:
                self.problem(path, None, "", "trainer notes must be named trainer-notes.<language>.md")
        if notes:
            for code in self.context["required_languages"]:
                if code not in notes:
                    self.problem(folder / f"{TRAINER_NOTES_PREFIX}{code}.md", None, "",
                                 f"is missing: trainer notes exist, and the {code} version is required")
        return notes

    def load_quiz(self, path: Path) -> tuple[QuizContent, LineMap] | None:
        read = self.read(path)
        if read is None:
            return None
        data, lines = read
        meta = self.validate(QuizFile, data, lines, path)
        raw_questions = data.get("questions") if isinstance(data.get("questions"), list) else []
        questions = self._load_questions(raw_questions, lines, path)
        if meta is not None and questions is not None:
            self._check_draw_rules(meta, questions, lines, path)
        if meta is None or questions is None:
            self.broken_ids.add(f"quiz:{data.get('id')}")
            return None
        return QuizContent(meta=meta, questions=questions), lines

    def _load_questions(self, raw_questions: list, lines: LineMap, path: Path) -> list[QuestionSpec] | None:
        registry = load_question_types()
        questions: list[QuestionSpec] = []
        ok = True
        for index, raw in enumerate(raw_questions):
            loc = ("questions", index)
            if not isinstance(raw, dict):
                self.problem(path, lines.line_for(loc), field_name(loc), "each question must be a block of fields")
                ok = False
                continue
            type_name = raw.get("type")
            if type_name not in registry:
                self.problem(path, lines.line_for((*loc, "type")), field_name((*loc, "type")),
                             f"unknown question type '{type_name}'; known types: {', '.join(registry.names())}")
                ok = False
                continue
            spec = self.validate(registry.get(type_name).spec_model, raw, lines, path, prefix=loc)
            if spec is None:
                ok = False
            else:
                questions.append(self._with_vocabulary(spec))
        if ok:
            ids = [question.id for question in questions]
            ok = self._report_duplicates(ids, path, lines, ("questions",), "question id")
        return questions if ok else None

    def _check_draw_rules(self, meta: QuizFile, questions: list[QuestionSpec], lines: LineMap, path: Path) -> None:
        for index, rule in enumerate(meta.draw):
            tagged = sum(1 for question in questions if rule.tag in question.tags)
            if tagged < rule.count:
                loc = ("draw", index, "count")
                self.problem(path, lines.line_for(loc), field_name(loc),
                             f"draws {rule.count} question(s) tagged '{rule.tag}' but only {tagged} have that tag")

    def _with_vocabulary(self, spec: QuestionSpec) -> QuestionSpec:
        """Case questions carry their own copy of the vocabulary options they offer."""
        if isinstance(spec, CaseQualificationSpec):
            return spec.with_options(self.context.get("vocabulary") or {})
        return spec

    def _report_duplicates(self, ids: list[str], path: Path, lines: LineMap, loc: tuple, what: str) -> bool:
        seen: set[str] = set()
        clean = True
        for index, value in enumerate(ids):
            if value in seen:
                where = (*loc, index, "id")
                self.problem(path, lines.line_for(where), field_name(where), f"{what} '{value}' is used twice")
                clean = False
            seen.add(value)
        return clean


def load_vocabulary(content_dir: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Problem]]:
    """The case questions' shared vocabulary alone, by part, checked as ``load_content`` checks it; empty, with the
    file's problems, when it is missing or broken (the question importer names a read case's options by it)."""
    loader = _Loader(root=content_dir)
    vocabulary = loader.load_vocabulary(content_dir / "modules")
    return (vocabulary.as_context() if vocabulary else {}), loader.problems


def load_content(content_dir: Path) -> LoadResult:
    """Load and check all content under ``content_dir``; see the module docstring."""
    loader = _Loader(root=content_dir)
    modules_dir = content_dir / "modules"
    quizzes_dir = content_dir / "quizzes"
    for required in (modules_dir, quizzes_dir):
        if not required.is_dir():
            loader.problem(required, None, "", "folder is missing")
    if loader.problems:
        return LoadResult(loader.problems)

    course, course_lines = loader.load_course(modules_dir)
    sources = loader.load_sources(modules_dir)
    vocabulary = loader.load_vocabulary(modules_dir)
    rubric, _lines = loader.load_optional(modules_dir / RUBRIC_FILE, RubricFile)
    evaluation, _lines = loader.load_optional(modules_dir / EVALUATION_FILE, EvaluationFile)
    follow_up, _lines = loader.load_optional(modules_dir / FOLLOW_UP_FILE, FollowUpFile)
    glossary, glossary_lines = loader.load_optional(modules_dir / GLOSSARY_FILE, GlossaryFile)
    provisions, provisions_lines = loader.load_optional(modules_dir / PROVISIONS_FILE, ProvisionsFile)
    hosts, _lines = loader.load_optional(modules_dir / SOURCE_HOSTS_FILE, SourceHostsFile)
    if course is not None and rubric is None and not (modules_dir / RUBRIC_FILE).exists():
        for index, track in enumerate(course.tracks):
            if track.completion.teaching_practice:
                loc = ("tracks", index, "completion", "teaching_practice")
                loader.problem(modules_dir / COURSE_FILE, course_lines.line_for(loc), field_name(loc),
                               f"needs the rubric in modules/{RUBRIC_FILE}")

    modules: dict[str, tuple[ModuleContent, LineMap]] = {}
    for folder in sorted(p for p in modules_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if not (folder / MODULE_FILE).exists():
            loader.problem(folder / MODULE_FILE, None, "", "is missing; every module folder needs one")
            continue
        loaded = loader.load_module(folder)
        if loaded is None:
            continue
        module, lines = loaded
        if module.meta.id in modules:
            other = modules[module.meta.id][0].folder
            loader.problem(folder / MODULE_FILE, lines.line_for(("id",)), "id",
                           f"module id '{module.meta.id}' is also used by modules/{other}")
            continue
        modules[module.meta.id] = loaded

    quizzes: dict[str, tuple[QuizContent, LineMap, Path]] = {}
    for path in sorted([*quizzes_dir.glob("*.yaml"), *quizzes_dir.glob("*.yml")]):
        loaded_quiz = loader.load_quiz(path)
        if loaded_quiz is None:
            continue
        quiz, lines = loaded_quiz
        if quiz.meta.id in quizzes:
            other = display_path(quizzes[quiz.meta.id][2], content_dir)
            loader.problem(path, lines.line_for(("id",)), "id", f"quiz id '{quiz.meta.id}' is also used by {other}")
            continue
        quizzes[quiz.meta.id] = (quiz, lines, path)

    _check_references(loader, modules_dir, course, course_lines, sources, modules, quizzes,
                      (glossary, glossary_lines) if glossary is not None else None)
    if sources is not None:
        _check_source_hosts(loader, modules_dir, sources, hosts)
        if provisions is not None:
            _check_provision_sources(loader, modules_dir / PROVISIONS_FILE, provisions, provisions_lines, sources)
    _check_provision_citations(loader, modules_dir, provisions, modules, quizzes)
    terminology_path = modules_dir / TERMINOLOGY_FILE
    terminology, _lines = loader.load_optional(terminology_path, TerminologyFile)
    if terminology is not None:
        _check_terminology(loader, terminology, terminology_path)

    warnings = sorted(set(loader.warnings), key=_problem_order)
    if loader.problems or course is None or sources is None:
        return LoadResult(sorted(set(loader.problems), key=_problem_order), warnings=warnings)
    ordered = {module_id: modules[module_id][0] for module_id in course.modules}
    bundle = ContentBundle(
        course=course,
        sources=sources,
        modules=ordered,
        quizzes={quiz_id: entry[0] for quiz_id, entry in quizzes.items()},
        vocabulary=vocabulary,
        rubric=rubric,
        evaluation=evaluation,
        follow_up=follow_up,
        glossary=glossary,
        provisions=provisions,
    )
    return LoadResult([], bundle, warnings)


def _problem_order(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.field, problem.message)


def _check_references(
    loader: _Loader,
    modules_dir: Path,
    course: CourseFile | None,
    course_lines: LineMap,
    sources: SourcesFile | None,
    modules: dict[str, tuple[ModuleContent, LineMap]],
    quizzes: dict[str, tuple[QuizContent, LineMap, Path]],
    glossary: tuple[GlossaryFile, LineMap] | None,
) -> None:
    """Every id that one file names must exist in another."""
    source_ids = {source.id for source in sources.sources} if sources else None
    course_path = modules_dir / COURSE_FILE

    if glossary is not None and source_ids is not None:
        terms, lines = glossary
        for index, term in enumerate(terms.terms):
            for position, source_id in enumerate(term.sources):
                if source_id not in source_ids:
                    loc = ("terms", index, "sources", position)
                    loader.problem(modules_dir / GLOSSARY_FILE, lines.line_for(loc), field_name(loc),
                                   f"no source has the id '{source_id}' in modules/sources.yaml")

    if course is not None:
        for index, module_id in enumerate(course.modules):
            if module_id not in modules and f"module:{module_id}" not in loader.broken_ids:
                loc = ("modules", index)
                loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                               f"no module has the id '{module_id}' (looked in modules/*/module.yaml)")
        for t_index, track in enumerate(course.tracks):
            for index, module_id in enumerate(track.modules):
                if module_id not in course.modules:
                    loc = ("tracks", t_index, "modules", index)
                    loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                                   f"module '{module_id}' is not in the course's list of modules")
        quiz_refs = [(("pre_test",), course.pre_test, "pre_test"), (("post_test",), course.post_test, "post_test")]
        quiz_refs += [(("tracks", index, "final"), track.final, "final") for index, track in enumerate(course.tracks)]
        quiz_refs += [(("tracks", t_index, "completion", "pass_quizzes", index), quiz_id, None)
                      for t_index, track in enumerate(course.tracks)
                      for index, quiz_id in enumerate(track.completion.pass_quizzes)]
        refreshers = [(t_index, track.certificate.refresher) for t_index, track in enumerate(course.tracks)
                      if track.certificate and track.certificate.refresher]
        quiz_refs += [(("tracks", t_index, "certificate", "refresher", "pass_quizzes", index), quiz_id, None)
                      for t_index, refresher in refreshers for index, quiz_id in enumerate(refresher.pass_quizzes)]
        for t_index, refresher in refreshers:
            for index, module_id in enumerate(refresher.modules):
                if module_id not in course.modules:
                    loc = ("tracks", t_index, "certificate", "refresher", "modules", index)
                    loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                                   f"module '{module_id}' is not in the course's list of modules")
        for loc, quiz_id, kind in quiz_refs:
            if not quiz_id or f"quiz:{quiz_id}" in loader.broken_ids:
                continue
            if quiz_id not in quizzes:
                loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                               f"no quiz has the id '{quiz_id}' in quizzes/")
            elif kind and quizzes[quiz_id][0].meta.kind != kind:
                loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                               f"quiz '{quiz_id}' has kind '{quizzes[quiz_id][0].meta.kind}', not '{kind}'")
        _check_parallel_forms(loader, course, quizzes, course_path, course_lines)
        for module_id, (module, lines) in modules.items():
            if module_id not in course.modules:
                loader.problem(modules_dir / module.folder / MODULE_FILE, lines.line_for(("id",)), "id",
                               f"module '{module_id}' is not listed in course.yaml modules")

    for module, lines in modules.values():
        path = modules_dir / module.folder / MODULE_FILE
        for index, source_id in enumerate(module.meta.sources):
            if source_ids is not None and source_id not in source_ids:
                loc = ("sources", index)
                loader.problem(path, lines.line_for(loc), field_name(loc),
                               f"no source has the id '{source_id}' in modules/sources.yaml")
        for index, quiz_id in enumerate(module.meta.quizzes):
            if quiz_id not in quizzes and f"quiz:{quiz_id}" not in loader.broken_ids:
                loc = ("quizzes", index)
                loader.problem(path, lines.line_for(loc), field_name(loc),
                               f"no quiz has the id '{quiz_id}' in quizzes/")

    for quiz, lines, path in quizzes.values():
        module_ref = quiz.meta.module
        if module_ref and module_ref not in modules and f"module:{module_ref}" not in loader.broken_ids:
            loader.problem(path, lines.line_for(("module",)), "module",
                           f"no module has the id '{module_ref}'")
        for q_index, question in enumerate(quiz.questions):
            module_id = question.module
            if module_id and module_id not in modules and f"module:{module_id}" not in loader.broken_ids:
                loc = ("questions", q_index, "module")
                loader.problem(path, lines.line_for(loc), field_name(loc), f"no module has the id '{module_id}'")
        if source_ids is None:
            continue
        for q_index, question in enumerate(quiz.questions):
            cited = [(("questions", q_index, "citations", index), source_id)
                     for index, source_id in enumerate(question.citations)]
            cited += [(("questions", q_index, "parts", p_index, "citations", index), source_id)
                      for p_index, part in enumerate(getattr(question, "parts", []))
                      for index, source_id in enumerate(part.citations)]
            for loc, source_id in cited:
                if source_id not in source_ids:
                    loader.problem(path, lines.line_for(loc), field_name(loc),
                                   f"no source has the id '{source_id}' in modules/sources.yaml")


def _form_blueprint(quiz: QuizContent) -> tuple[int, Counter]:
    """What two parallel forms must share: how many questions a learner answers, and how many carry each tag."""
    drawn = sum(rule.count for rule in quiz.meta.draw) if quiz.meta.draw else len(quiz.questions)
    return drawn, Counter(tag for question in quiz.questions for tag in question.tags)


def _check_parallel_forms(loader: _Loader, course: CourseFile, quizzes: dict[str, tuple[QuizContent, LineMap, Path]],
                          course_path: Path, course_lines: LineMap) -> None:
    """Forms swapped between halves of a cohort must measure the same things, or the gain of one half is not the
    gain of the other; the objectives named must be tags the tests use."""
    pair = [course.pre_test, course.post_test]
    if not all(quiz_id in quizzes for quiz_id in pair):
        return  # reported as a missing quiz already
    (pre_count, pre_tags), (post_count, post_tags) = (_form_blueprint(quizzes[quiz_id][0]) for quiz_id in pair)
    if course.parallel_forms:
        line = course_lines.line_for(("parallel_forms",))
        if pre_count != post_count:
            loader.problem(course_path, line, "parallel_forms",
                           f"the parallel forms ask different numbers of questions: '{pair[0]}' {pre_count}, "
                           f"'{pair[1]}' {post_count}")
        for tag in sorted(pre_tags.keys() | post_tags.keys()):
            if pre_tags[tag] != post_tags[tag]:
                loader.problem(course_path, line, "parallel_forms",
                               f"the parallel forms do not measure objective '{tag}' alike: {pre_tags[tag]} "
                               f"question(s) tagged so in '{pair[0]}', {post_tags[tag]} in '{pair[1]}'")
    for index, objective in enumerate(course.objectives):
        if objective.id not in pre_tags | post_tags:
            loc = ("objectives", index, "id")
            loader.problem(course_path, course_lines.line_for(loc), field_name(loc),
                           f"objective '{objective.id}' is not a tag of any question of '{pair[0]}' or '{pair[1]}'")


def _check_terminology(loader: _Loader, terminology: TerminologyFile, own_path: Path) -> None:
    """No translated text uses a rendering the terminology list forbids (its own file excepted)."""
    languages = loader.context["languages"]
    for path, data, lines in loader.documents:
        if path == own_path:
            continue
        for language in languages:
            for misuse in misuses_in_yaml(terminology, data, lines, language):
                loader.problem(path, misuse.line, field_name(misuse.field), misuse.message)
    for path, text in loader.texts:
        if language := text_language(path, languages):
            for misuse in misuses_in_text(terminology, text, language):
                loader.problem(path, misuse.line, "", misuse.message)


def _check_source_hosts(loader: _Loader, modules_dir: Path, sources: SourcesFile,
                        hosts: SourceHostsFile | None) -> None:
    """Every primary link goes to a publisher on the allow-list (when the course keeps one).

    A prosecutor clicks the primary link; a mirror, a blog or a document-sharing site may appear only as a
    labelled archived copy.
    """
    if hosts is None:
        return
    for source in sources.sources:
        if source.url and not hosts.allows(urlsplit(source.url).hostname or ""):
            loader.problem(modules_dir / SOURCES_FILE, None, f"sources[{source.id}].url",
                           f"'{urlsplit(source.url).hostname}' is not an official or institutional publisher in "
                           f"modules/{SOURCE_HOSTS_FILE}; link the publisher's page and list this address under "
                           f"archived_copies")


def _check_provision_sources(loader: _Loader, path: Path, provisions: ProvisionsFile,
                             lines: LineMap | None, sources: SourcesFile) -> None:
    source_ids = {source.id for source in sources.sources}
    for p_index, provision in enumerate(provisions.provisions):
        for e_index, edition in enumerate(provision.editions):
            if edition.source not in source_ids:
                loc = ("provisions", p_index, "editions", e_index, "source")
                loader.problem(path, lines.line_for(loc) if lines else None, field_name(loc),
                               f"no source has the id '{edition.source}' in modules/sources.yaml")


def _check_provision_citations(
    loader: _Loader,
    modules_dir: Path,
    provisions: ProvisionsFile | None,
    modules: dict[str, tuple[ModuleContent, LineMap]],
    quizzes: dict[str, tuple[QuizContent, LineMap, Path]],
) -> None:
    """Each ``provision@edition`` that a section, question or case part cites must exist; citing an edition
    that a newer one has superseded is a warning, so the content is re-keyed and reviewed."""
    editions = {f"{provision.id}@{edition.id}": (provision, edition)
                for provision in (provisions.provisions if provisions else []) for edition in provision.editions}

    def check(path: Path, lines: LineMap, loc: tuple, citation: str) -> None:
        found = editions.get(citation)
        if found is None:
            known = "" if provisions else f" (there is no modules/{PROVISIONS_FILE})"
            loader.problem(path, lines.line_for(loc), field_name(loc),
                           f"no provision edition '{citation}' in modules/{PROVISIONS_FILE}{known}")
            return
        provision, edition = found
        if edition is not provision.current:
            loader.warnings.append(Problem(
                display_path(path, loader.root), lines.line_for(loc), field_name(loc),
                f"cites the {edition.id} edition of '{provision.id}', superseded by the {provision.current.id} "
                f"edition (in force {provision.current.in_force.isoformat()}); re-key it and have it reviewed"))

    for module, lines in modules.values():
        path = modules_dir / module.folder / MODULE_FILE
        keys = {section.key for section in next(iter(module.sections.values()), [])}
        for key, citations in module.meta.section_cites.items():
            if keys and key not in keys:
                loader.problem(path, lines.line_for(("section_cites", key)), f"section_cites.{key}",
                               f"no section has the key '{key}' in this module's text")
            for index, citation in enumerate(citations):
                check(path, lines, ("section_cites", key, index), citation)
    for quiz, lines, path in quizzes.values():
        for q_index, question in enumerate(quiz.questions):
            for index, citation in enumerate(question.cites):
                check(path, lines, ("questions", q_index, "cites", index), citation)
            for p_index, part in enumerate(getattr(question, "parts", [])):
                for index, citation in enumerate(part.cites):
                    check(path, lines, ("questions", q_index, "parts", p_index, "cites", index), citation)
