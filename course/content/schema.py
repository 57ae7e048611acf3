"""The shape of the content files, as validated models (schema version 1).

docs/authoring.md describes the same shapes for authors, with examples. The
models are frozen: once loaded, content is a value, never edited in place.
Validation that depends on the course (which languages exist and which are
required) reads them from the pydantic validation context.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from course.config import LANGUAGES

SCHEMA_VERSION = 1

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=100)]
#: A provision edition as content cites it: ``<provision id>@<edition id>``, e.g. ``tm-cc-129-1@2010``.
ProvisionCitation = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*@[a-z0-9][a-z0-9-]*$", max_length=201)
]
Language = Literal["en", "ru", "tk"]


def _check_localized(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    context = info.context or {}
    known = context.get("languages", LANGUAGES)
    unknown = sorted(code for code in value if code not in known)
    if unknown:
        raise PydanticCustomError(
            "unknown_language",
            "unknown language code '{code}'; the course has {known}",
            {"code": unknown[0], "known": ", ".join(known)},
        )
    missing = [code for code in context.get("required_languages", ()) if not (value.get(code) or "").strip()]
    if missing:
        raise PydanticCustomError(
            "missing_translation",
            "missing the {missing} translation (required for every text)",
            {"missing": " and ".join(missing)},
        )
    return {code: text.strip() for code, text in value.items() if text and text.strip()}


#: Text that a person reads, one entry per language: ``{en: ..., ru: ..., tk: ...}``.
LocalizedText = Annotated[dict[str, str], AfterValidator(_check_localized)]

#: The longest short title: a column heading of the trainer's grids must stay narrow.
SHORT_TITLE_LENGTH = 28


def _check_short(value: dict[str, str]) -> dict[str, str]:
    for code, text in value.items():
        if len(text) > SHORT_TITLE_LENGTH:
            raise PydanticCustomError(
                "short_title_too_long",
                "the {code} short title has {length} characters; at most {limit} fit a column heading",
                {"code": code, "length": len(text), "limit": SHORT_TITLE_LENGTH},
            )
    return value


#: A title short enough for a column heading ("Definitions" for "Definitions: act, means and purpose").
ShortTitle = Annotated[LocalizedText, AfterValidator(_check_short)]


def _unique(values: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise PydanticCustomError(
                "duplicate", "'{value}' is listed twice in {what}", {"value": value, "what": what}
            )
        seen.add(value)
    return values


class ContentModel(BaseModel):
    """Base for every file shape: unknown fields are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class CompletionRule(ContentModel):
    """When a learner has completed a track: every module read, these quizzes passed, enough attendance."""

    #: Quizzes to pass at their own pass mark (the post-test, the final...).
    pass_quizzes: list[Slug] = Field(default_factory=list)
    #: Share of the cohort's session days attended, 0..1; none: attendance is not required.
    min_attendance: float | None = Field(default=None, ge=0, le=1)
    #: The teaching-practice presentation, assessed with the rubric in modules/teaching-practice.yaml, passed.
    teaching_practice: bool = False


class Refresher(ContentModel):
    """What renews a certificate that lapses: quizzes passed again from the day its renewal window opens, with
    modules suggested for reading again beforehand (course.certificates.validity). Reading is recorded once per
    section, so a second reading cannot be required, only suggested."""

    pass_quizzes: list[Slug] = Field(min_length=1)
    modules: list[Slug] = Field(default_factory=list)


class CertificateRule(ContentModel):
    """The certificate a completed track earns."""

    #: completion: for learners; trainer: entitles the holder to teach the course.
    kind: Literal["completion", "trainer"]
    #: automatic: issued as soon as the track is complete; trainer_confirms: a trainer confirms it.
    issue: Literal["automatic", "trainer_confirms"] = "automatic"
    #: Months the certificate stays valid (a trainer's certification that must be kept up); none: it never lapses.
    valid_for_months: int | None = Field(default=None, ge=1, le=120)
    #: What renews it before (or after) it lapses.
    refresher: Refresher | None = None

    @model_validator(mode="after")
    def _refresher_needs_a_validity(self) -> CertificateRule:
        if self.refresher is not None and self.valid_for_months is None:
            raise PydanticCustomError("refresher_without_validity",
                                      "a refresher renews a certificate that lapses: set valid_for_months too")
        return self


class Track(ContentModel):
    """A path through the course with its own completion and certificate."""

    id: Slug
    title: LocalizedText
    description: LocalizedText | None = None
    modules: list[Slug] = Field(min_length=1)
    contact_hours: float = Field(gt=0, le=500)
    #: The quiz that closes the track (the trainer track's final assessment), if any.
    final: Slug | None = None
    completion: CompletionRule = Field(default_factory=CompletionRule)
    certificate: CertificateRule | None = None
    #: Whether completing the track makes the learner a trainer: on a coordinator's approval, or at once.
    #: None: the track does not train trainers.
    promotion: Literal["coordinator_approves", "automatic"] | None = None

    @field_validator("modules")
    @classmethod
    def _modules_unique(cls, value: list[str]) -> list[str]:
        return _unique(value, "the track's modules")


class Objective(ContentModel):
    """A learning objective of the pre/post-test: the tag its questions carry, and its name."""

    id: Slug
    title: LocalizedText


class TrainerQuizBounds(ContentModel):
    """What a trainer may set on a quiz they build for their cohort from the question bank."""

    #: False: trainers cannot build quizzes for their cohorts.
    enabled: bool = True
    max_questions: int = Field(default=30, ge=1, le=200)
    max_attempts: int = Field(default=3, ge=1, le=100)
    max_time_limit_minutes: int = Field(default=120, ge=1, le=600)


class CourseFile(ContentModel):
    """``modules/course.yaml``."""

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    description: LocalizedText | None = None
    default_language: Language = "en"
    languages: list[Language] = Field(min_length=1)
    #: Languages every text must have; others fall back to the default language.
    required_languages: list[Language] = Field(min_length=1)
    #: Where a reader's language lacks a text, the languages to show instead, in order (``tk: [ru, en]``:
    #: a Turkmen reader reads Russian sooner than English). The default language always ends a chain.
    fallback_languages: dict[Language, list[Language]] = Field(default_factory=dict)
    modules: list[Slug] = Field(min_length=1)
    tracks: list[Track] = Field(min_length=1)
    #: Parallel forms taken before and after the course; knowledge gain is post minus pre.
    pre_test: Slug | None = None
    post_test: Slug | None = None
    #: Counterbalance the two forms: half of each cohort takes the post-test's questions as its pre-test and the
    #: pre-test's as its post-test, so a gain cannot come from meeting the same questions twice.
    parallel_forms: bool = False
    #: Names of the learning objectives the two tests measure, by the question tag that marks them; the
    #: reports give the gain per objective (a tag without a name here is shown by its id).
    objectives: list[Objective] = Field(default_factory=list)
    #: The bounds of the quizzes trainers build for their cohorts; they never count toward a certificate.
    trainer_quizzes: TrainerQuizBounds = Field(default_factory=TrainerQuizBounds)

    @field_validator("modules")
    @classmethod
    def _modules_unique(cls, value: list[str]) -> list[str]:
        return _unique(value, "the course's modules")

    @model_validator(mode="after")
    def _languages_consistent(self) -> CourseFile:
        if self.default_language not in self.required_languages:
            raise PydanticCustomError(
                "default_not_required", "the default language must be one of the required languages"
            )
        extra = [code for code in self.required_languages if code not in self.languages]
        if extra:
            raise PydanticCustomError(
                "required_not_listed", "required language '{code}' is not in languages", {"code": extra[0]}
            )
        _unique([track.id for track in self.tracks], "tracks")
        for code, chain in self.fallback_languages.items():
            unknown = [lang for lang in [code, *chain] if lang not in self.languages]
            if unknown:
                raise PydanticCustomError(
                    "fallback_not_listed", "fallback language '{code}' is not in languages", {"code": unknown[0]}
                )
            if code in chain:
                raise PydanticCustomError(
                    "fallback_to_itself", "the fallback chain of '{code}' names '{code}' itself", {"code": code}
                )
            _unique(chain, f"the fallback chain of '{code}'")
        _unique([objective.id for objective in self.objectives], "objectives")
        if self.parallel_forms and not (self.pre_test and self.post_test):
            raise PydanticCustomError(
                "parallel_forms_unpaired", "parallel_forms needs both a pre_test and a post_test to swap")
        if self.parallel_forms and self.pre_test == self.post_test:
            raise PydanticCustomError(
                "parallel_forms_same", "parallel_forms needs two different quizzes; pre_test and post_test are one")
        return self


Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]


class ArchivedCopy(ContentModel):
    """A copy of a source on another host: shown only as a labelled secondary link, never as the source."""

    url: Url
    note: LocalizedText | None = None


class Source(ContentModel):
    """One citable source: a legal instrument's provision, a report, a judgment.

    ``url`` is the publisher's own address (the official or institutional host; the
    allow-list in ``modules/source-hosts.yaml`` says which hosts qualify); a mirror the
    fact sheet was read on goes in ``archived_copies``.
    """

    id: Slug
    citation: LocalizedText
    url: Url | None = None
    archived_copies: list[ArchivedCopy] = Field(default_factory=list)
    as_of: date | None = None
    #: primary = the text of an instrument; secondary = a report or summary; analysis = our reading.
    kind: Literal["primary", "secondary", "analysis"]
    note: LocalizedText | None = None


EditionStatus = Literal["official", "unofficial_translation", "course_translation"]


class ProvisionEdition(ContentModel):
    """One edition of a provision: the text as in force from a date, and how far the course can trust it."""

    id: Slug
    in_force: date
    #: official: the official text; unofficial_translation: someone else's translation;
    #: course_translation: the course's own rendering.
    status: EditionStatus
    #: The source the text was read from (an id in modules/sources.yaml).
    source: Slug
    #: The text itself, per language, where the course holds it (quoted only from the fact sheet).
    text: LocalizedText | None = None
    #: What readers are told about this edition besides its status (what is unknown, what to check).
    caveat: LocalizedText | None = None


class Provision(ContentModel):
    """A provision of law (an article of a code, a treaty article) with its editions, oldest first."""

    id: Slug
    title: LocalizedText
    editions: list[ProvisionEdition] = Field(min_length=1)

    @model_validator(mode="after")
    def _editions_in_order(self) -> Provision:
        _unique([edition.id for edition in self.editions], f"the editions of '{self.id}'")
        dates = [edition.in_force for edition in self.editions]
        if dates != sorted(dates):
            raise PydanticCustomError("edition_order", "the editions of '{id}' must be listed oldest first "
                                      "(by in_force)", {"id": self.id})
        return self

    @property
    def current(self) -> ProvisionEdition:
        return self.editions[-1]


class ProvisionsFile(ContentModel):
    """``modules/provisions.yaml``: the law the course quotes and applies, as versioned objects."""

    schema_version: Literal[1]
    provisions: list[Provision] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> ProvisionsFile:
        _unique([provision.id for provision in self.provisions], "provisions")
        return self


class SourceHost(ContentModel):
    """A host whose pages may be a source's primary link: an official or institutional publisher."""

    host: Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$", max_length=200)]
    publisher: str = Field(min_length=1, max_length=200)
    kind: Literal["official", "institutional", "press"]


class SourceHostsFile(ContentModel):
    """``modules/source-hosts.yaml``: the allow-list of primary-link hosts (a host matches its subdomains)."""

    schema_version: Literal[1]
    hosts: list[SourceHost] = Field(min_length=1)

    def allows(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == entry.host or host.endswith("." + entry.host) for entry in self.hosts)


class SourcesFile(ContentModel):
    """``modules/sources.yaml``."""

    schema_version: Literal[1]
    sources: list[Source] = Field(min_length=1)


class ModuleFile(ContentModel):
    """``modules/<folder>/module.yaml``; the text is in ``<language>.md`` beside it."""

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    #: For the columns of the trainer's grids; the title when left out.
    short_title: ShortTitle | None = None
    summary: LocalizedText
    objectives: list[LocalizedText] = Field(min_length=1)
    key_points: list[LocalizedText] = Field(default_factory=list)
    minutes: int = Field(gt=0, le=1000)
    legal_basis_as_of: date | None = None
    sources: list[Slug] = Field(default_factory=list)
    quizzes: list[Slug] = Field(default_factory=list)
    #: Languages whose text in this module is a draft translation; readers are told so.
    draft_languages: list[Language] = Field(default_factory=list)
    #: The provision editions each section quotes or applies, by section key: what readers are told about a
    #: text's status (an unofficial translation, a superseded edition) comes from these editions.
    section_cites: dict[Slug, list[ProvisionCitation]] = Field(default_factory=dict)


class VocabularyEntry(ContentModel):
    id: Slug
    text: LocalizedText
    #: For qualifications: the article (e.g. "129-1"); a right article with a wrong part earns partial credit.
    article: str | None = None


class VocabularyFile(ContentModel):
    """``modules/vocabulary.yaml``: the options of case-qualification questions, translated once."""

    schema_version: Literal[1]
    acts: list[VocabularyEntry] = Field(default_factory=list)
    means: list[VocabularyEntry] = Field(default_factory=list)
    purposes: list[VocabularyEntry] = Field(default_factory=list)
    aggravating: list[VocabularyEntry] = Field(default_factory=list)
    qualification: list[VocabularyEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_unique(self) -> VocabularyFile:
        for name in ("acts", "means", "purposes", "aggravating", "qualification"):
            _unique([entry.id for entry in getattr(self, name)], name)
        return self

    def as_context(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [entry.model_dump(mode="json") for entry in getattr(self, name)]
                for name in ("acts", "means", "purposes", "aggravating", "qualification")}


class RubricLevel(ContentModel):
    """One level of the rubric's scale: its score and its name."""

    score: int = Field(ge=0, le=10)
    label: LocalizedText


class RubricCriterion(ContentModel):
    """What the assessor looks at, with a descriptor for each level of the scale."""

    id: Slug
    title: LocalizedText
    descriptors: dict[int, LocalizedText]


class RubricPass(ContentModel):
    """The trainee passes when the total reaches ``min_total`` and no criterion is below ``min_each``."""

    min_total: int = Field(ge=0)
    min_each: int | None = None


class RubricFile(ContentModel):
    """``modules/teaching-practice.yaml``: how a master trainer assesses a trainee's practice presentation."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    instructions: LocalizedText
    scale: list[RubricLevel] = Field(min_length=2)
    criteria: list[RubricCriterion] = Field(min_length=1)
    pass_rule: RubricPass = Field(alias="pass")
    #: Languages whose texts here are draft translations: the page says so.
    draft_languages: list[Language] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> RubricFile:
        scores = [level.score for level in self.scale]
        if scores != sorted(set(scores)):
            raise PydanticCustomError("scale", "scale: the scores must go up, each once", {})
        _unique([criterion.id for criterion in self.criteria], "criteria")
        for criterion in self.criteria:
            if sorted(criterion.descriptors) != scores:
                raise PydanticCustomError(
                    "descriptors", "criterion '{id}' needs one descriptor for each score of the scale ({scores})",
                    {"id": criterion.id, "scores": ", ".join(map(str, scores))})
        best = scores[-1] * len(self.criteria)
        if self.pass_rule.min_total > best:
            raise PydanticCustomError("pass", "pass: min_total {total} is more than the best possible total {best}",
                                      {"total": self.pass_rule.min_total, "best": best})
        if self.pass_rule.min_each is not None and self.pass_rule.min_each not in scores:
            raise PydanticCustomError("pass", "pass: min_each must be one of the scale's scores", {})
        return self


class LikertLevel(ContentModel):
    value: int = Field(ge=0, le=10)
    label: LocalizedText


EvaluationArea = Literal["relevance", "trainer", "materials", "organisation"]


class EvaluationItem(ContentModel):
    """A statement rated on the Likert scale, or an open question."""

    id: Slug
    type: Literal["rating", "text"]
    #: The part of the training a rating is about (rating items only): averages are shown per area.
    area: EvaluationArea | None = None
    text: LocalizedText
    required: bool = True

    @model_validator(mode="after")
    def _area_for_ratings(self) -> EvaluationItem:
        if (self.type == "rating") != (self.area is not None):
            raise PydanticCustomError("area", "item '{id}': a rating item needs an area, a text item has none",
                                      {"id": self.id})
        return self


class EvaluationFile(ContentModel):
    """``modules/evaluation.yaml``: the form learners fill at the end of a cohort, anonymously."""

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    intro: LocalizedText
    likert: list[LikertLevel] = Field(min_length=2)
    items: list[EvaluationItem] = Field(min_length=1)
    #: Languages whose texts here are draft translations: the form says so.
    draft_languages: list[Language] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> EvaluationFile:
        values = [level.value for level in self.likert]
        if values != sorted(set(values)):
            raise PydanticCustomError("likert", "likert: the values must go up, each once", {})
        _unique([item.id for item in self.items], "items")
        return self


class FollowUpQuestion(ContentModel):
    """What a learner is asked months after the training: a count (cases, sessions) or a few words."""

    id: Slug
    kind: Literal["count", "text"]
    text: LocalizedText
    #: Asked only of learners who are trainers now (the sessions they ran, the colleagues they trained).
    trainers_only: bool = False


class FollowUpFile(ContentModel):
    """``modules/follow-up.yaml``: the questionnaire learners are invited to some months after their cohort's last
    day, about what they have applied since (the behaviour level of the programme's evaluation)."""

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    intro: LocalizedText
    #: Months after the cohort's last day at which a learner is invited, each once.
    waves: list[int] = Field(default_factory=lambda: [3, 6], min_length=1)
    questions: list[FollowUpQuestion] = Field(min_length=1)
    #: Languages whose texts here are draft translations: the form says so.
    draft_languages: list[Language] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> FollowUpFile:
        if self.waves != sorted(set(self.waves)) or not all(1 <= wave <= 36 for wave in self.waves):  # noqa: PLR2004
            raise PydanticCustomError("waves", "waves: months from 1 to 36, going up, each once", {})
        _unique([question.id for question in self.questions], "questions")
        return self


class GlossaryTerm(ContentModel):
    """A key legal term, named and explained in each language, with the sources the explanation rests on."""

    id: Slug
    term: LocalizedText
    definition: LocalizedText
    sources: list[Slug] = Field(default_factory=list)


class GlossaryFile(ContentModel):
    """``modules/glossary.yaml``: the course's key legal terms, shown as a glossary page in each language."""

    schema_version: Literal[1]
    #: Languages whose texts here are draft translations: the page says so.
    draft_languages: list[Language] = Field(default_factory=list)
    terms: list[GlossaryTerm] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> GlossaryFile:
        _unique([term.id for term in self.terms], "terms")
        return self


#: ``trainer_quiz``: built by a trainer for a cohort from the question bank (course.trainer_quizzes), never in a file.
QuizKind = Literal["pre_test", "module_check", "case_study", "post_test", "final", "trainer_quiz"]


class DrawRule(ContentModel):
    """Draw ``count`` questions at random from those tagged ``tag``."""

    tag: Slug
    count: int = Field(ge=1, le=200)


class ReviewPolicy(ContentModel):
    """What a learner sees after submitting, and when."""

    #: score: the score only; correctness: which answers were right; answers: also the right answers and feedback.
    show: Literal["score", "correctness", "answers"] = "answers"
    #: immediately; after_passing; after_last_attempt (once no attempt is left); after_passing_or_last_attempt
    #: (a learner who passed reviews at once, without using up attempts; one who did not, once none is left).
    when: Literal["immediately", "after_passing", "after_last_attempt", "after_passing_or_last_attempt"] = \
        "immediately"


class QuizSettings(ContentModel):
    """Everything in a quiz file but its questions: what the attempt service needs."""

    schema_version: Literal[1]
    id: Slug
    title: LocalizedText
    #: For the columns of the trainer's grids; the title when left out.
    short_title: ShortTitle | None = None
    kind: QuizKind
    module: Slug | None = None
    pass_mark: int = Field(default=70, ge=0, le=100)
    #: None: unlimited.
    attempts_allowed: int | None = Field(default=None, ge=1, le=100)
    #: Which attempt's score counts: highest, last, first or average.
    grading_method: Literal["highest", "last", "first", "average"] = "highest"
    shuffle_questions: bool = False
    shuffle_choices: bool = False
    #: Draw questions from tagged pools; empty: every question.
    draw: list[DrawRule] = Field(default_factory=list)
    time_limit_minutes: int | None = Field(default=None, ge=1, le=600)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    #: Languages whose text in this quiz is a draft translation; learners are told so.
    draft_languages: list[Language] = Field(default_factory=list)

    @model_validator(mode="after")
    def _review_reachable(self) -> QuizSettings:
        if self.review.when in ("after_last_attempt", "after_passing_or_last_attempt") \
                and self.attempts_allowed is None:
            raise PydanticCustomError(
                "review_unreachable",
                "review after the last attempt needs attempts_allowed; with unlimited attempts it never comes",
            )
        return self


class QuizFile(QuizSettings):
    """``quizzes/<id>.yaml``; each question is checked by its type's own model."""

    questions: list[dict[str, Any]] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_a_trainer_quiz(self) -> QuizFile:
        """The quizzes trainers build have their own kind and ids (course.trainer_quizzes); a file may use neither."""
        if self.kind == "trainer_quiz":
            raise PydanticCustomError(
                "trainer_quiz_in_file", "kind 'trainer_quiz' is for the quizzes trainers build in Cascade from the "
                "question bank; a quiz file is a module_check, case_study, pre_test, post_test or final")
        if self.id.startswith("tq-"):
            raise PydanticCustomError(
                "trainer_quiz_id", "a quiz id may not begin with 'tq-': the quizzes trainers build are named so")
        return self
