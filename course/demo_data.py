"""A generated population for demonstrations and benchmarks: ``course demo-data --learners N``.

Master trainers run training-of-trainers (ToT) cohorts on the trainer track;
some of their learners become trainers of generation 1, who run cascade
cohorts and a few ToT cohorts of their own; some of those learners become
trainers of generation 2, a few of whom run cascade cohorts too. Every learner
then walks a completion funnel: reading, a pre-test, module checks, a
post-test (and the track's final), certificates.

Cohorts that have begun have their session days, one per calendar day up to
today, with every learner marked on each; a learner who misses more than the
track's ``min_attendance`` allows has not completed it. On a track that requires
teaching practice, learners who completed everything else are assessed on the
course's rubric on the cohort's last day (some again after failing), and only a
passed assessment completes the track. About three in four learners of each
finished cohort answer the participant evaluation; the answers are written in
an order that does not follow the submissions, as the app keeps them.

Speed matters more than going through the services (10,000 learners should
take well under a minute on SQLite): rows are built in Python and written with
bulk Core inserts, every account shares one password hash, and each question's
possible responses are graded once by the real grading code, so answers,
attempts and completion stay exactly consistent with what the app would
compute. Nothing is committed here; the caller commits once.
"""

from __future__ import annotations

import math
import random
import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update

from course.attendance.queries import AttendanceShare
from course.audit import record_event
from course.auth.passwords import hash_password
from course.cascade.completion import has_practice, min_attendance, required_quizzes, requires_practice
from course.certificates.services import new_code, serial_for
from course.cohorts.services import new_join_code
from course.content.localize import pick
from course.domain import DomainError
from course.extensions import db
from course.learn.queries import Catalogue, load_catalogue
from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.attendance import ATTENDED, Attendance, AttendanceStatus, SessionDay
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort, CohortStatus, CohortTrainer, TrainerStanding
from course.models.enrolment import Enrolment, FormOrder
from course.models.evaluation import (
    EvaluationAnswer,
    EvaluationResponse,
    EvaluationSubmission,
    answer_columns,
    response_key,
)
from course.models.identity import new_uid
from course.models.practice import PracticeAssessment
from course.models.progress import SectionRead
from course.models.types import utcnow
from course.models.user import AgeBand, Agency, Disability, Gender, Role, User, UserRole, Velayat
from course.practice.rubric import Rubric, rubric_of
from course.quiz import parallel
from course.quiz.attempts import build_layout, score_percent
from course.quiz.definition import QuizDefinition, live_definition
from course.sql import chunks
from course.summary import refresh_learners

#: Fewer learners cannot fill the four kinds of cohort that make three generations of trainers.
MIN_LEARNERS = 4
#: Rows per bulk insert call.
BATCH = 5000
#: How far back the programme goes.
HISTORY_DAYS = 540
#: Share of fully read modules whose check (and case study) the learner also takes. Pre- and post-tests
#: (25 questions each in the shipped course) already give about 40 answers per learner.
MODULE_CHECK_SHARE = 0.3
#: Layouts (question and option orders) prepared per quiz; attempts pick one.
LAYOUTS_PER_QUIZ = 16

_USERNAME_RE = re.compile(r"^demo(\d+)-")

VELAYAT_CITIES: dict[Velayat, list[str]] = {
    Velayat.ASHGABAT: ["Ashgabat"],
    Velayat.AHAL: ["Änew", "Tejen", "Gökdepe", "Kaka", "Baharly"],
    Velayat.BALKAN: ["Balkanabat", "Türkmenbaşy", "Serdar", "Magtymguly", "Bereket"],
    Velayat.DASHOGUZ: ["Daşoguz", "Köneürgenç", "Gubadag", "Görogly"],
    Velayat.LEBAP: ["Türkmenabat", "Kerki", "Seýdi", "Farap"],
    Velayat.MARY: ["Mary", "Baýramaly", "Ýolöten", "Murgap", "Sakarçäge"],
}
#: Where cascade cohorts happen; the capital is busiest.
VELAYAT_WEIGHTS = {Velayat.ASHGABAT: 20, Velayat.AHAL: 15, Velayat.BALKAN: 13, Velayat.DASHOGUZ: 17,
                   Velayat.LEBAP: 17, Velayat.MARY: 18}
AGENCY_WEIGHTS = {Agency.PROSECUTION: 28, Agency.JUDICIARY: 20, Agency.ADVOCACY: 12, Agency.LAW_ENFORCEMENT: 32,
                  Agency.OTHER: 8}
LANGUAGE_WEIGHTS = {"ru": 72, "tk": 22, "en": 6}
POSITIONS = {
    Agency.PROSECUTION: ["Прокурор", "Помощник прокурора", "Старший помощник прокурора", "Следователь прокуратуры"],
    Agency.JUDICIARY: ["Судья", "Помощник судьи", "Секретарь судебного заседания"],
    Agency.ADVOCACY: ["Адвокат", "Стажёр адвоката"],
    Agency.LAW_ENFORCEMENT: ["Следователь", "Оперуполномоченный", "Участковый инспектор",
                             "Инспектор миграционной службы"],
    Agency.OTHER: ["Социальный работник", "Специалист хякимлика", "Психолог", "Сотрудник НПО"],
}
VENUES = {
    Agency.PROSECUTION: "Velayat prosecutor's office, training room",
    Agency.JUDICIARY: "Velayat court, conference hall",
    Agency.ADVOCACY: "Velayat bar association",
    Agency.LAW_ENFORCEMENT: "Police department, training centre",
    Agency.OTHER: "Hyakimlik, conference hall",
}
TOT_VENUES = ["Training centre of the Prosecutor General's Office", "Police academy, lecture hall",
              "Supreme Court, training room", "Hotel conference hall"]

MALE_TK = ["Merdan", "Serdar", "Batyr", "Döwlet", "Myrat", "Maksat", "Arslan", "Perhat", "Nury", "Kerim", "Azat",
           "Döwran", "Gurban", "Begenç", "Atabeg", "Rustam", "Ýusup", "Bahtyýar", "Annageldi", "Şatlyk", "Resul",
           "Ýhlas", "Agamyrat", "Toýly"]
FEMALE_TK = ["Aýna", "Ogulgerek", "Jeren", "Maýsa", "Gülälek", "Selbi", "Leýli", "Mähri", "Enejan", "Aýgül", "Bahar",
             "Näzik", "Ogulnabat", "Şirin", "Güljemal", "Merjen", "Ýazgül", "Dünýä", "Sona", "Aýsoltan"]
FAMILY_TK = ["Annaýew", "Berdiýew", "Orazow", "Gurbanow", "Ataýew", "Nurmyradow", "Hojaýew", "Durdyýew", "Myradow",
             "Saparow", "Amanow", "Çaryýew", "Babaýew", "Rejepow", "Allaberdiýew", "Garaýew", "Öwezow",
             "Ýazmyradow", "Täçmyradow", "Hudaýberdiýew", "Kakabaýew", "Meredow", "Sähedow", "Bäşimow"]
MALE_RU = ["Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Николай", "Владимир", "Павел", "Руслан", "Тимур"]
FEMALE_RU = ["Ольга", "Наталья", "Елена", "Татьяна", "Ирина", "Марина", "Светлана", "Анна", "Гульнара", "Лейла"]
FAMILY_RU = ["Петров", "Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Морозов", "Волков", "Ахмедов",
             "Каримов", "Мамедов", "Юсупов"]
REVOCATION_REASONS = ["Issued in error: the completion records were incomplete.",
                      "The name on the certificate was misspelt.",
                      "Issued to the wrong person by mistake."]

#: Session days a cohort has at most (ToT cohorts run five days, cascade cohorts two to four).
MAX_SESSION_DAYS = 5
#: Attendance marks, with how often a trainer gives each.
ATTENDANCE_WEIGHTS = {AttendanceStatus.PRESENT: 85, AttendanceStatus.LATE: 5, AttendanceStatus.ABSENT: 6,
                      AttendanceStatus.EXCUSED: 4}
#: Trainers mark the day's attendance at the end of it.
MARKED_AT = time(17)
#: Teaching practice is presented on the cohort's last day, in the afternoon.
PRACTICE_AT = time(15)
#: Chance of each rubric level, counting down from the best one (the rest goes to the levels below).
PRACTICE_LEVELS = (0.42, 0.44, 0.10)
#: Share of learners who evaluate a finished cohort: about three in four, fewer where nobody reminded them.
EVALUATION_SHARE = (0.62, 0.95)
FORGOTTEN_EVALUATION = (0.06, 0.15)
#: Chance of each Likert value counting down from the best one, for most respondents and for critical ones.
RATINGS = (50, 36, 10, 3, 1)
CRITICAL_RATINGS = (22, 44, 24, 7, 3)

#: Session topics a trainer might write besides a module's title, by the cohort's language.
SESSION_TOPICS = {
    "en": ["Case studies in small groups", "Victim identification and referral", "Review and questions"],
    "ru": ["Практические случаи в малых группах", "Выявление и перенаправление жертв", "Повторение и вопросы"],
    "tk": ["Kiçi toparlarda amaly ýagdaýlar", "Pidalary ýüze çykarmak we ugrukdyrmak", "Gaýtalamak we soraglar"],
}
PRACTICE_TOPIC = {"en": "Teaching practice presentations", "ru": "Учебные презентации слушателей",
                  "tk": "Okuw çykyşlary"}
#: A master trainer's written recommendations after a practice presentation, by the cohort's language.
RECOMMENDATIONS = {
    "en": [
        "Name the source each time you state the law, and say when something is the course's analysis.",
        "Leave more time for the case study: the group needed ten more minutes.",
        "Ask the group to find act, means and purpose before you give the answer.",
        "State the aim of the session at the start and come back to it in your summary.",
        "Give the caveat on Article 129-1 every time you use it, not only the first time.",
        "Ask open questions and wait for the answers: the group had more to say than you let it.",
        "Open the topic with an example from the participants' own agencies.",
        "Keep the Palermo Protocol and Turkmen law clearly apart on your slides.",
        "Plan the time for each part beforehand: the discussion ran over and the summary was rushed.",
    ],
    "ru": [
        "Каждый раз, излагая норму права, называйте источник и уточняйте, где речь идёт об анализе курса.",
        "Оставьте больше времени на практический случай: группе не хватило примерно десяти минут.",
        "Попросите группу самостоятельно найти действие, способ и цель, прежде чем давать ответ.",
        "Называйте цель занятия в начале и возвращайтесь к ней, подводя итоги.",
        "Делайте оговорку о статье 129-1 каждый раз, когда на неё ссылаетесь, а не только в первый раз.",
        "Задавайте открытые вопросы и дожидайтесь ответов: группе было что сказать, но вы не дали ей времени.",
        "Начинайте тему с примера из практики тех ведомств, в которых работают участники.",
        "Чётко разграничивайте на слайдах Палермский протокол и законодательство Туркменистана.",
        "Заранее распределите время по частям занятия: обсуждение затянулось, и выводы пришлось делать наспех.",
    ],
    "tk": [
        "Hukuk kadasyny aýdanyňyzda her gezek çeşmesini atlandyryň we haýsy zadyň kursuň seljermesidigini aýdyň.",
        "Amaly ýagdaý üçin has köp wagt goýuň: topara ýene on minut gerek boldy.",
        "Jogaby aýtmazdan öň topardan hereketi, usuly we maksady özleri tapmagy haýyş ediň.",
        "Sapagyň maksadyny başda aýdyň we netije çykaranyňyzda oňa gaýdyp geliň.",
        "129¹-nji maddany ulanan her gezegiňizde duýduryş beriň, diňe birinji gezek däl.",
        "Açyk soraglar beriň we jogaplara garaşyň: toparyň aýtjak zady köpdi.",
        "Mowzugy gatnaşyjylaryň öz edaralarynyň tejribesinden bir mysal bilen başlaň.",
        "Slaýdlarda Palermo Teswirnamasyny we Türkmenistanyň hukugyny aýdyň tapawutlandyryň.",
        "Her bölege näçe wagt gerekdigini öňünden meýilleşdiriň: ara alyp maslahatlaşmak uzaldy we netijä wagt "
        "az galdy.",
    ],
}
#: Written answers to the evaluation's open questions (what to apply, what to improve, anything else), by language.
#: No names and no case details, as the form asks.
EVALUATION_TEXTS = {
    "apply": {
        "en": ["Checking act, means and purpose in every case file.",
               "Asking about debt bondage in interviews with victims.",
               "Using the list of indicators when I interview people found in inspections.",
               "Naming the source when I cite the law in my decisions.",
               "Referring victims to support services before taking their statements.",
               "Going through the case studies with colleagues in my department."],
        "ru": ["Проверять действие, способ и цель по каждому делу.",
               "Спрашивать о долговой кабале при опросе потерпевших.",
               "Пользоваться перечнем индикаторов в беседах с людьми, выявленными при проверках.",
               "Указывать источник, когда ссылаюсь на нормы права в своих решениях.",
               "Направлять потерпевших в службы помощи до того, как брать у них показания.",
               "Разобрать практические случаи с коллегами в своём отделе."],
        "tk": ["Her işde hereketi, usuly we maksady barlamak.",
               "Pidalar bilen söhbetdeşlikde bergi baglylygy barada soramak.",
               "Barlaglarda ýüze çykarylan adamlar bilen söhbetdeşlikde alamatlaryň sanawyny ulanmak.",
               "Kararlarymda hukuk kadasyna salgylananymda çeşmesini görkezmek.",
               "Pidalary görkezme almazdan öň goldaw hyzmatlaryna ugratmak.",
               "Amaly ýagdaýlary bölümimdäki kärdeşlerim bilen ara alyp maslahatlaşmak."],
    },
    "improve": {
        "en": ["More time for the case studies.", "Fewer slides, more discussion.",
               "The handouts should be ready on the first day.", "More examples from court practice.",
               "The room was too small for group work.", "Longer breaks on the long days."],
        "ru": ["Больше времени на практические случаи.", "Меньше слайдов, больше обсуждения.",
               "Раздаточные материалы нужно подготовить к первому дню.", "Больше примеров из судебной практики.",
               "Зал был слишком мал для работы в группах.", "Более длинные перерывы в долгие дни."],
        "tk": ["Amaly ýagdaýlar üçin has köp wagt gerek.", "Slaýdlar azrak, ara alyp maslahatlaşmak köpräk bolsun.",
               "Paýlanýan materiallar birinji gün taýýar bolmaly.", "Kazyýet tejribesinden has köp mysal gerek.",
               "Otag toparlaýyn iş üçin gaty kiçidi.", "Uzyn günlerde arakesmeler has uzyn bolsun."],
    },
    "comments": {
        "en": ["More case studies, please.", "Very useful, thank you.",
               "I would like a follow-up session in six months.", "Please send the materials in Turkmen as well.",
               "It helped to have several agencies in one group."],
        "ru": ["Побольше практических случаев, пожалуйста.", "Очень полезно, спасибо.",
               "Хотелось бы повторное занятие через полгода.",
               "Пришлите, пожалуйста, материалы и на туркменском языке.",
               "Хорошо, что в группе были представители разных ведомств."],
        "tk": ["Has köp amaly ýagdaý bolsun.", "Örän peýdaly boldy, sag boluň.",
               "Alty aýdan soň ýene bir okuw geçirilse gowy bolardy.", "Materiallary rus dilinde hem iberiň.",
               "Toparda dürli edaralaryň wekilleriniň bolmagy gowy boldy."],
    },
}


class DemoDataError(DomainError):
    """Demo data cannot be generated; the message says why."""


@dataclass(frozen=True)
class DemoSummary:
    """What one run added."""

    prefix: str
    seed: int
    users: int
    learners: int
    cohorts: int
    open_cohorts: int
    enrolments: int
    section_reads: int
    attempts: int
    answers: int
    certificates: int
    revoked_certificates: int
    session_days: int
    attendance_marks: int
    practice_assessments: int
    #: Evaluations submitted (each with its anonymous response).
    evaluations: int
    #: Trainer standings created, by generation (0 = master trainers).
    trainers_by_generation: dict[int, int]

    def lines(self) -> list[str]:
        generations = ", ".join(f"generation {g}: {n}" for g, n in sorted(self.trainers_by_generation.items()))
        return [
            f"Demo population '{self.prefix}*' (seed {self.seed}):",
            f"  users         {self.users} ({self.learners} learners)",
            f"  cohorts       {self.cohorts} ({self.open_cohorts} open)",
            f"  enrolments    {self.enrolments}",
            f"  section reads {self.section_reads}",
            f"  attempts      {self.attempts}",
            f"  answers       {self.answers}",
            f"  certificates  {self.certificates} ({self.revoked_certificates} revoked)",
            f"  session days  {self.session_days} ({self.attendance_marks} attendance marks)",
            f"  practice      {self.practice_assessments} assessments",
            f"  evaluations   {self.evaluations}",
            f"  trainers      {generations}",
        ]


# -- quizzes: every question's responses graded once ------------------------------------------------------------------


@dataclass(frozen=True)
class _Graded:
    """A response to one question and the real grader's verdict on it."""

    response: Any
    earned: float
    possible: float
    parts: list[dict[str, Any]]


@dataclass
class _QuizPlan:
    quiz_id: str
    content_hash: str
    pass_mark: float
    attempts_allowed: int | None
    time_limit: int | None
    layouts: list[dict[str, Any]]
    right: dict[str, _Graded]
    #: Plausible wrong (or partly right) responses; the last one is the unanswered question.
    wrong: dict[str, list[_Graded]]
    #: Added to the learner's chance of getting the question right: some questions are easier than others.
    ease: dict[str, float]
    #: Share of the points a wrong response earns on average (partial credit), which scores must allow for.
    partial: dict[str, float]
    #: The test this form is taken as by the learners who take the parallel forms the other way round.
    counts_as: str | None = None

    def taken_as(self, test: _QuizPlan) -> _QuizPlan:
        """This form's questions under ``test``'s rules, standing for it (course.quiz.parallel)."""
        return replace(self, pass_mark=test.pass_mark, attempts_allowed=test.attempts_allowed,
                       time_limit=test.time_limit, counts_as=test.quiz_id)

    def chance_right(self, qid: str, level: float) -> float:
        """The chance of the right response that makes the expected share of points ``level`` (0..1), or so."""
        target, partial = level + self.ease[qid], self.partial[qid]
        return _clip((target - partial) / (1 - partial), 0.03, 0.97) if partial < 1 else 0.97


def _wrong_candidates(spec: Any, key: Any) -> list[Any]:
    """Responses a learner might plausibly give instead of ``key``, by question type."""
    kind = spec.type
    if kind == "single_choice":
        return [choice.id for choice in spec.choices if choice.id != key]
    if kind == "true_false":
        return [not key]
    if kind == "multiple_choice":
        wrong_ids = [choice.id for choice in spec.choices if choice.id not in key]
        out = [key[1:]] if len(key) > 1 else []
        out += [sorted([*key, wrong]) for wrong in wrong_ids[:2]]
        return out + [wrong_ids[:1]] if wrong_ids else out
    if kind == "ordering":
        return [[key[1], key[0], *key[2:]], list(reversed(key))] if len(key) > 1 else []
    if kind == "matching":
        items = list(key)
        values = [key[item] for item in items]
        if len(items) < 2:  # noqa: PLR2004
            return []
        return [dict(zip(items, values[1:] + values[:1], strict=True)),
                dict(zip(items, [values[1], values[0], *values[2:]], strict=True))]
    if kind == "short_text":
        return ["не знаю", "bilemok"]
    if kind == "numeric":
        if isinstance(key, list):
            low, high = key
            return [high + (high - low) + 1]
        return [key + spec.tolerance + 1, key * 2 + spec.tolerance + 3]
    if kind == "case_qualification":
        mistakes = {}
        for part in spec.parts:
            answer = key[part.part]
            if isinstance(answer, bool):
                mistakes[part.part] = not answer
            elif isinstance(answer, list):
                mistakes[part.part] = answer[1:] if answer else sorted(part.option_ids)[:1]
            elif others := sorted(part.option_ids - {answer}):
                mistakes[part.part] = others[0]
        names = list(mistakes)
        # One part wrong, half of them, all of them; and the last half for variety.
        wrong_sets = [names[:1], names[:(len(names) + 1) // 2], names, names[len(names) // 2:]]
        return [{**key, **{name: mistakes[name] for name in wrong}} for wrong in wrong_sets if wrong]
    return []


def _graded(definition: QuizDefinition, qid: str, response: Any) -> _Graded:
    grade = definition.question_type(qid).grade(definition.questions[qid], response)
    return _Graded(response, grade.earned, grade.possible, [part.as_json() for part in grade.parts])


def _clean(definition: QuizDefinition, qid: str, raw: Any) -> tuple[bool, Any]:
    try:
        return True, definition.question_type(qid).clean(definition.questions[qid], raw)
    except ValueError:
        return False, None


def _quiz_plan(definition: QuizDefinition, rng: random.Random) -> _QuizPlan:
    right, wrong, ease, partial = {}, {}, {}, {}
    for qid, spec in definition.questions.items():
        qtype = definition.question_type(qid)
        key = qtype.key_view(spec)
        if spec.type == "numeric" and isinstance(key, list):
            key = (key[0] + key[1]) / 2
        ok, cleaned = _clean(definition, qid, key)
        right[qid] = _graded(definition, qid, cleaned if ok else key)
        wrong[qid] = []
        for candidate in _wrong_candidates(spec, key):
            ok, cleaned = _clean(definition, qid, candidate)
            if ok and cleaned is not None:
                graded = _graded(definition, qid, cleaned)
                if graded.earned < graded.possible - 1e-6:
                    wrong[qid].append(graded)
        answered = [g.earned / g.possible for g in wrong[qid] if g.possible]
        wrong[qid].append(_graded(definition, qid, None))
        # As answers are drawn below: one wrong answer in ten is left blank, the others are picked evenly.
        partial[qid] = 0.9 * sum(answered) / len(answered) if answered else 0.0
        ease[qid] = rng.uniform(-0.15, 0.15)
    layouts = [build_layout(definition, rng.getrandbits(32)) for _ in range(LAYOUTS_PER_QUIZ)]
    settings = definition.settings
    return _QuizPlan(definition.quiz_id, definition.content_hash, settings.pass_mark, settings.attempts_allowed,
                     settings.time_limit_minutes, layouts, right, wrong, ease, partial)


# -- the population, in Python first -------------------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    username: str
    full_name: str
    gender: Gender
    agency: Agency | None
    velayat: Velayat | None
    locale: str | None
    position: str
    email: str | None
    created_at: datetime
    roles: list[Role]
    id: int | None = None
    age_band: AgeBand = AgeBand.NOT_STATED
    disability: Disability = Disability.NOT_STATED
    #: Trainer standing: generation, the ToT cohort trained in, and when granted.
    generation: int | None = None
    trained_in: _Cohort | None = None
    granted_at: datetime | None = None
    #: Which parallel test form the learner takes first: alternate learners of a cohort take B first.
    form_order: FormOrder = FormOrder.AB


@dataclass(eq=False)
class _Cohort:
    kind: str  # "tot0", "tot1", "cascade1", "cascade2": the kind and the lead's generation
    track: dict[str, Any]
    lead: _Person
    velayat: Velayat
    starts_on: date
    ends_on: date
    language: str
    size: int = 0
    co_trainer: _Person | None = None
    city: str = ""
    venue: str = ""
    name: str = ""
    audience: list[str] = field(default_factory=list)
    id: int | None = None

    @property
    def is_tot(self) -> bool:
        return self.kind.startswith("tot")

    @property
    def learner_generation(self) -> int:
        return self.lead.generation + 1


@dataclass(eq=False)
class _Attempt:
    person: _Person
    plan: _QuizPlan
    number: int
    started_at: datetime
    submitted_at: datetime
    layout: dict[str, Any]
    answers: list[tuple[str, _Graded, datetime]]
    earned: float
    possible: float
    score: float
    passed: bool
    id: int | None = None


@dataclass(eq=False)
class _Certificate:
    person: _Person
    cohort: _Cohort
    kind: CertificateKind
    language: str
    issued_at: datetime
    issued_by: _Person | None
    revoked_at: datetime | None = None
    reason: str | None = None


@dataclass(eq=False)
class _SessionDay:
    cohort: _Cohort
    day: date
    topic: str
    modules: list[str]
    #: When the trainer marked the day (shared by the day's marks).
    marked_at: datetime
    id: int | None = None


@dataclass(eq=False)
class _Assessment:
    person: _Person
    cohort: _Cohort
    module_id: str
    scores: dict[str, int]
    passed: bool
    recommendations: str
    assessed_at: datetime


#: Justice professionals are mostly in mid-career; a few prefer not to say.
AGE_BAND_WEIGHTS = {AgeBand.UNDER_25: 4, AgeBand.FROM_25_TO_34: 30, AgeBand.FROM_35_TO_44: 33,
                    AgeBand.FROM_45_TO_54: 20, AgeBand.FROM_55: 8, AgeBand.NOT_STATED: 5}
DISABILITY_WEIGHTS = {Disability.NO: 80, Disability.YES: 3, Disability.NOT_STATED: 17}


def _pick(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _clip(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return min(high, max(low, value))


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process`` computed once per object: for values that many rows share and nobody changes."""
    done: dict[int, Any] = {}
    keep: list[Any] = []  # holds the objects, so that their ids are not reused

    def cached(value: Any) -> Any:
        key = id(value)
        if key not in done:
            done[key] = process(value)
            keep.append(value)
        return done[key]

    return cached


class _Generator:
    def __init__(self, catalogue: Catalogue, learners: int, seed: int, prefix: str, password_hash: str,
                 large_cohort: int = 0):
        self.catalogue = catalogue
        self.learners = learners
        #: One more cascade cohort of this many learners (a benchmark's trainer with a large group).
        self.large_cohort = large_cohort
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
        # Age bands and disability from a stream of their own: the population drawn from ``rng`` stays as it was.
        self.profile_rng = random.Random(seed + 1)  # noqa: S311
        self.prefix = prefix
        self.password_hash = password_hash
        self.now = utcnow()
        self.today = self.now.date()
        course = catalogue.course
        self.languages = {lang: w for lang, w in LANGUAGE_WEIGHTS.items() if lang in course["languages"]} or {
            course["default_language"]: 1}
        tracks = course["tracks"]
        self.trainer_track = next((t for t in tracks if t.get("promotion")), tracks[0])
        self.cascade_track = next((t for t in tracks if t is not self.trainer_track), self.trainer_track)
        self.plans: dict[str, _QuizPlan] = {}
        for quiz_id in sorted(catalogue.quizzes):
            definition = live_definition(quiz_id)
            if definition is not None:
                self.plans[quiz_id] = _quiz_plan(definition, self.rng)
        self.pre = self.plans.get(course.get("pre_test") or "")
        self.post = self.plans.get(course.get("post_test") or "")
        #: The tests of a learner who takes the forms the other way round: (as the pre-test, as the post-test).
        self.swapped = (self.post.taken_as(self.pre), self.pre.taken_as(self.post)) \
            if parallel.pair(course) and self.pre and self.post else (self.pre, self.post)
        finals = {track.get("final") for track in tracks}
        #: The checks and case studies of each module (not the pre-, post- or final tests).
        self.module_quizzes: dict[str, list[_QuizPlan]] = {}
        for quiz_id, plan in self.plans.items():
            module_id = catalogue.quizzes[quiz_id].get("module")
            if module_id and plan not in (self.pre, self.post) and quiz_id not in finals:
                self.module_quizzes.setdefault(module_id, []).append(plan)
        rubric = course.get("rubric")
        self.rubric: Rubric | None = rubric_of(rubric, "en", ("en",)) if rubric else None
        self.evaluation: dict[str, Any] | None = course.get("evaluation")
        self.masters: list[_Person] = []
        self.people: list[_Person] = []
        self.cohorts: list[_Cohort] = []
        self.enrolments: list[tuple[_Person, _Cohort, datetime]] = []
        self.reads: list[tuple[_Person, str, str, str, datetime]] = []
        self.attempts: list[_Attempt] = []
        self.certificates: list[_Certificate] = []
        self.session_days: list[_SessionDay] = []
        self.marks: list[tuple[_Person, _SessionDay, AttendanceStatus]] = []
        self.assessments: list[_Assessment] = []
        self.submissions: list[tuple[_Person, _Cohort, date]] = []
        #: Evaluation answers by cohort, shuffled once all are drawn: nothing in their order follows the submissions.
        self.responses: list[tuple[_Cohort, dict[str, int | str]]] = []
        self.learner_count = 0

    # -- people ----------------------------------------------------------------------------------------------------

    def _name(self, gender: Gender) -> str:
        rng = self.rng
        female = gender == Gender.FEMALE or (gender == Gender.NOT_STATED and rng.random() < 0.4)  # noqa: PLR2004
        if rng.random() < 0.82:  # noqa: PLR2004
            given = rng.choice(FEMALE_TK if female else MALE_TK)
            family = rng.choice(FAMILY_TK) + ("a" if female else "")
        else:
            given = rng.choice(FEMALE_RU if female else MALE_RU)
            family = rng.choice(FAMILY_RU) + ("а" if female else "")
        return f"{given} {family}"

    def _person(self, username: str, *, velayat: Velayat | None, agency: Agency | None, locale: str | None,
                created_at: datetime, roles: list[Role]) -> _Person:
        rng = self.rng
        roll = rng.random()
        gender = Gender.FEMALE if roll < 0.35 else Gender.NOT_STATED if roll < 0.38 else Gender.MALE  # noqa: PLR2004
        position = rng.choice(POSITIONS[agency]) if agency else ""
        email = f"{username}@example.org" if rng.random() < 0.2 else None  # noqa: PLR2004
        person = _Person(username, self._name(gender), gender, agency, velayat, locale, position, email, created_at,
                         roles)
        person.age_band = _pick(self.profile_rng, AGE_BAND_WEIGHTS)
        person.disability = _pick(self.profile_rng, DISABILITY_WEIGHTS)
        self.people.append(person)
        return person

    def _learner(self, cohort: _Cohort, enrolled_at: datetime) -> _Person:
        rng = self.rng
        self.learner_count += 1
        width = max(5, len(str(self.learners)))
        roll = rng.random()
        if roll < 0.02:  # noqa: PLR2004
            agency = None
        elif roll < 0.85 and cohort.audience:  # noqa: PLR2004
            agency = _pick(rng, {Agency(a): AGENCY_WEIGHTS[Agency(a)] for a in cohort.audience})
        else:
            agency = _pick(rng, AGENCY_WEIGHTS)
        roll = rng.random()
        velayat = (cohort.velayat if roll < 0.88 else None if roll < 0.9  # noqa: PLR2004
                   else rng.choice(list(Velayat)))
        locale = cohort.language if rng.random() < 0.8 else None  # noqa: PLR2004
        return self._person(f"{self.prefix}l{self.learner_count:0{width}d}", velayat=velayat, agency=agency,
                            locale=locale, created_at=enrolled_at - timedelta(minutes=rng.randint(1, 60)),
                            roles=[Role.LEARNER])

    # -- cohorts ---------------------------------------------------------------------------------------------------

    def _plan_cohorts(self) -> list[tuple[str, int]]:
        """(kind, size) of every cohort: about one per 25 learners, ToT cohorts a little smaller."""
        rng = self.rng
        total = max(4, round(self.learners / 25))
        tot0, tot1, cascade2 = max(1, round(total * 0.06)), max(1, round(total * 0.03)), max(1, round(total * 0.05))
        kinds = ["tot0"] * tot0 + ["tot1"] * tot1 + ["cascade2"] * cascade2
        kinds += ["cascade1"] * (total - len(kinds))
        weights = [(0.7 if kind.startswith("tot") else 1.0) * rng.uniform(0.7, 1.3) for kind in kinds]
        spare, weight = self.learners - total, sum(weights)
        shares = [spare * w / weight for w in weights]
        sizes = [1 + math.floor(share) for share in shares]
        by_remainder = sorted(range(total), key=lambda i: shares[i] - math.floor(shares[i]), reverse=True)
        for i in by_remainder[:self.learners - sum(sizes)]:
            sizes[i] += 1
        plan = list(zip(kinds, sizes, strict=True))
        return plan + [("cascade1", self.large_cohort)] if self.large_cohort else plan

    def _day(self, earliest: date, latest: date) -> date:
        latest = max(earliest, latest)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def _cohort(self, kind: str, size: int, lead: _Person, pool: list[_Person], window: tuple[date, date]) -> _Cohort:
        rng = self.rng
        tot = kind.startswith("tot")
        track = self.trainer_track if tot else self.cascade_track
        if tot and rng.random() < 0.5:  # noqa: PLR2004
            velayat = Velayat.ASHGABAT
        elif lead.velayat and rng.random() < 0.8:  # noqa: PLR2004
            velayat = lead.velayat
        else:
            velayat = _pick(rng, VELAYAT_WEIGHTS)
        available = lead.granted_at.date() + timedelta(days=1)
        starts_on = self._day(max(window[0], available), window[1])
        days = 5 if tot else rng.randint(2, 4)
        cohort = _Cohort(kind, track, lead, velayat, starts_on, starts_on + timedelta(days=days - 1),
                         _pick(rng, self.languages), size)
        cities = VELAYAT_CITIES[velayat]
        cohort.city = cities[0] if rng.random() < 0.5 else rng.choice(cities)  # noqa: PLR2004
        if tot:
            cohort.audience = [a.value for a in AGENCY_WEIGHTS if a != Agency.OTHER]
            cohort.venue = rng.choice(TOT_VENUES)
        else:
            count = 1 if rng.random() < 0.55 else rng.randint(2, 3)  # noqa: PLR2004
            audience = set()
            while len(audience) < count:
                audience.add(_pick(rng, AGENCY_WEIGHTS))
            cohort.audience = sorted(a.value for a in audience)
            cohort.venue = VENUES[Agency(cohort.audience[0])] if count == 1 else "Hyakimlik, conference hall"
        colleagues = [p for p in pool if p is not lead and p.granted_at.date() < starts_on]
        if colleagues and rng.random() < 0.2:  # noqa: PLR2004
            cohort.co_trainer = rng.choice(colleagues)
        label = "ToT" if tot else str(track["id"]).replace("-", " ").capitalize()
        cohort.name = f"{label} {cohort.city} {starts_on:%Y-%m} #{len(self.cohorts) + 1}"
        self.cohorts.append(cohort)
        return cohort

    def build(self) -> None:
        rng = self.rng
        today = self.today
        start = today - timedelta(days=HISTORY_DAYS)
        plan = self._plan_cohorts()
        masters_count = max(2, self.learners // 2000)
        for number in range(1, masters_count + 1):
            granted = datetime.combine(start - timedelta(days=rng.randint(20, 60)), time(9), UTC)
            master = self._person(f"{self.prefix}m{number:02d}", velayat=Velayat.ASHGABAT,
                                  agency=_pick(rng, {a: w for a, w in AGENCY_WEIGHTS.items() if a != Agency.OTHER}),
                                  locale=_pick(rng, self.languages), created_at=granted - timedelta(days=3),
                                  roles=[Role.TRAINER])
            master.generation, master.granted_at = 0, granted
            self.masters.append(master)
        windows = {
            "tot0": (start, today - timedelta(days=300)),
            "tot1": (start, today - timedelta(days=90)),
            "cascade1": (start, today - timedelta(days=1)),
            "cascade2": (start, today - timedelta(days=1)),
        }
        trainers: dict[int, list[_Person]] = {0: self.masters, 1: [], 2: []}
        # In order of the lead's generation, so each generation's trainers exist before they teach.
        for kind, generation in (("tot0", 0), ("tot1", 1), ("cascade1", 1), ("cascade2", 2)):
            for this_kind, size in plan:
                if this_kind != kind:
                    continue
                # Only when the course cannot be completed (a post-test without questions, say) is a
                # generation missing; its cohorts then go to the deepest generation there is.
                pool = next(trainers[g] for g in range(generation, -1, -1) if trainers[g])
                lead = rng.choice(pool)
                cohort = self._cohort(kind, size, lead, pool, windows[kind])
                promoted = self._teach(cohort)
                if generation + 1 in trainers:
                    trainers[generation + 1].extend(promoted)
        # Written in this order, the responses cannot be matched to the submissions by position.
        rng.shuffle(self.responses)

    # -- one cohort's learners walk the funnel -----------------------------------------------------------------------

    def _teach(self, cohort: _Cohort) -> list[_Person]:
        """Learners of ``cohort`` with their progress, attendance, teaching practice and evaluations; returns those
        who became trainers."""
        rng = self.rng
        begins = datetime.combine(cohort.starts_on, time(8), UTC)
        ends = min(datetime.combine(cohort.ends_on, time(18), UTC), self.now)
        running = cohort.ends_on >= self.today
        recent = cohort.ends_on >= self.today - timedelta(days=30)
        days = self._session_days(cohort)
        minimum = min_attendance(cohort.track)
        practice = requires_practice(cohort.track)
        promoted, learners = [], []
        for index in range(cohort.size):
            enrolled_at = begins - timedelta(minutes=rng.randint(10, 3 * 24 * 60))
            person = self._learner(cohort, enrolled_at)
            person.form_order = FormOrder.BA if index % 2 else FormOrder.AB
            learners.append(person)
            self.enrolments.append((person, cohort, enrolled_at))
            # The first learner of a ToT cohort always completes and becomes a trainer: every generation exists.
            forced = cohort.is_tot and index == 0
            completed_at = self._progress(person, cohort, begins, ends, forced=forced, running=running, recent=recent)
            # As the completion rule has it: too many days missed, or no passed teaching practice, is not complete.
            if not self._attend(person, days, forced=forced).meets(minimum):
                completed_at = None
            if completed_at is not None and practice:
                completed_at = self._practise(person, cohort, completed_at, forced=forced)
            if completed_at is None:
                continue
            self._certify(person, cohort, completed_at, forced=forced)
            if cohort.is_tot and cohort.track is self.trainer_track and (forced or rng.random() < 0.7):  # noqa: PLR2004
                person.generation, person.trained_in = cohort.learner_generation, cohort
                person.granted_at = min(completed_at + timedelta(days=rng.randint(3, 30)), self.now)
                person.roles.append(Role.TRAINER)
                promoted.append(person)
        if self.evaluation and cohort.ends_on <= self.today:
            self._evaluate(cohort, learners)
        return promoted

    # -- session days, teaching practice, evaluations --------------------------------------------------------------

    def _language(self, cohort: _Cohort, texts: dict[str, Any]) -> str:
        return cohort.language if cohort.language in texts else "en"

    def _session_days(self, cohort: _Cohort) -> list[_SessionDay]:
        """One per calendar day of the cohort up to today, each covering its share of the track's modules."""
        rng = self.rng
        span = min((cohort.ends_on - cohort.starts_on).days + 1, MAX_SESSION_DAYS)
        modules = list(cohort.track["modules"])
        count = len(modules)
        language = self._language(cohort, SESSION_TOPICS)
        practice_day = has_practice(self.catalogue, cohort.track)
        days = []
        for number in range(span):
            day = cohort.starts_on + timedelta(days=number)
            if day > self.today:
                break
            first = min(number * count // span, max(0, count - 1))
            covered = modules[first:max((number + 1) * count // span, first + 1)]
            roll = rng.random()
            if practice_day and number == span - 1:
                topic = PRACTICE_TOPIC[self._language(cohort, PRACTICE_TOPIC)]
            elif roll < 0.4 or not covered:  # noqa: PLR2004
                topic = ""
            elif roll < 0.75 and covered[0] in self.catalogue.modules:  # noqa: PLR2004
                title = self.catalogue.modules[covered[0]].data["meta"]["title"]
                topic = pick(title, cohort.language, self.catalogue.fallbacks(cohort.language)).value[:200]
            else:
                topic = rng.choice(SESSION_TOPICS[language])
            marked_at = min(datetime.combine(day, MARKED_AT, UTC), self.now)
            days.append(_SessionDay(cohort, day, topic, covered, marked_at))
        self.session_days.extend(days)
        return days

    def _attend(self, person: _Person, days: list[_SessionDay], *, forced: bool) -> AttendanceShare:
        """The learner's mark on each of the cohort's session days; returns their share, as the app counts it."""
        statuses, weights = list(ATTENDANCE_WEIGHTS), list(ATTENDANCE_WEIGHTS.values())
        marks = ([AttendanceStatus.PRESENT] * len(days) if forced
                 else self.rng.choices(statuses, weights=weights, k=len(days)))
        self.marks.extend((person, day, status) for day, status in zip(days, marks, strict=True))
        attended = sum(1 for status in marks if status in ATTENDED)
        return AttendanceShare(attended, marks.count(AttendanceStatus.EXCUSED), len(days))

    def _practise(self, person: _Person, cohort: _Cohort, completed_at: datetime, *,
                  forced: bool) -> datetime | None:
        """The learner's practice presentation on the cohort's last day, and a second after some failures;
        returns when the track was completed (the later of ``completed_at`` and the passing assessment), or None."""
        if self.rubric is None or cohort.starts_on > self.today:
            return None
        rng = self.rng
        at = datetime.combine(cohort.ends_on, PRACTICE_AT, UTC) + timedelta(minutes=rng.randint(-60, 60))
        assessment = self._assess(person, cohort, min(at, self.now), better=0, forced=forced)
        if not assessment.passed and rng.random() < 0.6:  # noqa: PLR2004
            again = assessment.assessed_at + timedelta(minutes=rng.randint(40, 150))
            if again <= self.now:
                assessment = self._assess(person, cohort, again, better=1, forced=forced)
        return max(completed_at, assessment.assessed_at) if assessment.passed else None

    def _assess(self, person: _Person, cohort: _Cohort, at: datetime, *, better: int, forced: bool) -> _Assessment:
        """One assessment, scored mostly in the rubric's top two levels (``better`` levels up for a second try)."""
        rng, rubric = self.rng, self.rubric
        top = len(rubric.scores) - 1
        scores = {}
        for criterion in rubric.criteria:
            roll, down = rng.random(), 0
            for chance in PRACTICE_LEVELS:
                if roll < chance:
                    break
                roll -= chance
                down += 1
            scores[criterion.id] = rubric.scores[-1] if forced else rubric.scores[max(0, top - max(0, down - better))]
        texts = RECOMMENDATIONS[self._language(cohort, RECOMMENDATIONS)]
        recommendations = "\n".join(rng.sample(texts, rng.choice((2, 3))))
        assessment = _Assessment(person, cohort, rng.choice(cohort.track["modules"]), scores, rubric.passes(scores),
                                 recommendations, at)
        self.assessments.append(assessment)
        return assessment

    def _evaluate(self, cohort: _Cohort, learners: list[_Person]) -> None:
        """About three in four learners evaluate the finished cohort (in a few, hardly anyone), mostly on its
        last day."""
        rng, form = self.rng, self.evaluation
        values = sorted(level["value"] for level in form["likert"])
        language = self._language(cohort, EVALUATION_TEXTS["comments"])
        forgotten, low_share = FORGOTTEN_EVALUATION
        share = low_share if rng.random() < forgotten else rng.uniform(*EVALUATION_SHARE)
        for person in learners:
            if rng.random() >= share:
                continue
            late = 0 if rng.random() < 0.6 else rng.randint(1, 4)  # noqa: PLR2004
            self.submissions.append((person, cohort, min(cohort.ends_on + timedelta(days=late), self.today)))
            chances = RATINGS if rng.random() < 0.7 else CRITICAL_RATINGS  # noqa: PLR2004
            weights = [chances[down] if down < len(chances) else chances[-1] for down in range(len(values))]
            answers: dict[str, int | str] = {}
            for item in form["items"]:
                required = item.get("required", True)
                if item["type"] == "rating":
                    if required or rng.random() < 0.8:  # noqa: PLR2004
                        answers[item["id"]] = values[-1 - rng.choices(range(len(values)), weights=weights)[0]]
                elif required or rng.random() < 0.4:  # noqa: PLR2004
                    kind = next((k for k in ("apply", "improve") if k in item["id"]), "comments")
                    answers[item["id"]] = rng.choice(EVALUATION_TEXTS[kind][language])
            self.responses.append((cohort, answers))

    def _at(self, begins: datetime, ends: datetime, fraction: float) -> datetime:
        return begins + (ends - begins) * _clip(fraction, 0.0, 1.0)

    def _progress(self, person: _Person, cohort: _Cohort, begins: datetime, ends: datetime, *, forced: bool,
                  running: bool, recent: bool) -> datetime | None:
        """Reading and quizzes of one learner; returns when they completed the track, or None."""
        rng = self.rng
        track = cohort.track
        tot = cohort.is_tot
        started = forced or rng.random() < (0.95 if tot else 0.85)
        finish_share = (0.85 if tot else 0.72) * (0.4 if running else 0.8 if recent else 1.0)
        reads_all = forced or (started and rng.random() < finish_share)
        ability = 100.0 if forced else _clip(rng.gauss(45, 15))
        gain = 0.0 if forced else rng.gauss(25, 12)
        pre, post = self.swapped if person.form_order == FormOrder.BA else (self.pre, self.post)
        if pre and (forced or rng.random() < (0.97 if started else 0.45)):
            self._attempt(person, pre, ability, self._at(begins, ends, rng.uniform(0.0, 0.04)), ends, forced=forced)
        if not started:
            return None
        modules = [self.catalogue.modules[m] for m in track["modules"] if m in self.catalogue.modules]
        full = len(modules) if reads_all else rng.randint(0, max(0, len(modules) - 1))
        last_read = begins
        for position, module in enumerate(modules[:full + 1]):
            keys = module.section_keys
            count = len(keys) if position < full else rng.randint(1, max(1, len(keys) - 1))
            moment = self._at(begins, ends, 0.06 + 0.8 * (position + rng.uniform(0.0, 0.6)) / max(1, len(modules)))
            for section in keys[:count]:
                moment += timedelta(minutes=rng.randint(2, 12))
                self.reads.append((person, module.id, section, module.content_hash, moment))
            last_read = max(last_read, moment)
            if position < full and (forced or rng.random() < MODULE_CHECK_SHARE):
                for plan in self.module_quizzes.get(module.id, []):
                    level = ability + gain * rng.uniform(0.5, 1.0)
                    self._attempts(person, plan, level, moment, ends, forced=forced)
        if not reads_all:
            return None
        done: dict[str, datetime | None] = dict.fromkeys(required_quizzes(track))
        level = ability + gain
        post_passed = None
        if post and (forced or rng.random() < 0.95):  # noqa: PLR2004
            at = self._at(begins, ends, rng.uniform(0.88, 0.94))
            post_passed = self._attempts(person, post, level, at, ends, forced=forced)
            if (post.counts_as or post.quiz_id) in done:
                done[post.counts_as or post.quiz_id] = post_passed
        final = self.plans.get(track.get("final") or "")
        if final and (post is None or post_passed) and (forced or rng.random() < 0.9):  # noqa: PLR2004
            at = self._at(begins, ends, rng.uniform(0.95, 0.98))
            if post_passed:
                at = max(at, post_passed + timedelta(minutes=10))
            passed = self._attempts(person, final, level + rng.gauss(0, 8), at, ends, forced=forced)
            if final.quiz_id in done:
                done[final.quiz_id] = passed
        if any(moment is None for moment in done.values()):
            return None
        return max([last_read, *done.values()])

    def _attempts(self, person: _Person, plan: _QuizPlan, level: float, at: datetime, ends: datetime, *,
                  forced: bool) -> datetime | None:
        """A first attempt, and a second after some failures; returns when the quiz was passed, or None."""
        attempt = self._attempt(person, plan, level, at, ends, forced=forced)
        if attempt.passed:
            return attempt.submitted_at
        again = attempt.submitted_at + timedelta(minutes=self.rng.randint(20, 300))
        if again + timedelta(minutes=45) > ends:
            again = attempt.submitted_at + timedelta(minutes=2)
        may_retry = plan.attempts_allowed is None or plan.attempts_allowed > 1
        if may_retry and again + timedelta(minutes=45) <= ends and self.rng.random() < 0.7:  # noqa: PLR2004
            retry = self._attempt(person, plan, level + self.rng.gauss(10, 6), again, ends, number=2, forced=forced)
            return retry.submitted_at if retry.passed else None
        return None

    def _attempt(self, person: _Person, plan: _QuizPlan, level: float, at: datetime, ends: datetime, *,
                 number: int = 1, forced: bool = False) -> _Attempt:
        rng = self.rng
        layout = rng.choice(plan.layouts)
        questions = layout["questions"]
        minutes = rng.uniform(6, 40)
        if plan.time_limit:
            minutes = min(minutes, plan.time_limit * 0.9)
        duration = timedelta(minutes=minutes)
        started = min(at, ends - duration)
        level = _clip(level) / 100
        answers, earned, possible = [], 0.0, 0.0
        step = duration / (len(questions) + 1)
        saved = started
        for qid in questions:
            if forced or rng.random() < plan.chance_right(qid, level):
                graded = plan.right[qid]
            else:
                wrong = plan.wrong[qid]
                graded = wrong[-1] if len(wrong) == 1 or rng.random() < 0.1 else rng.choice(wrong[:-1])  # noqa: PLR2004
            saved += step
            answers.append((qid, graded, saved))
            earned += graded.earned
            possible += graded.possible
        earned, possible = round(earned, 6), round(possible, 6)
        score = score_percent(earned, possible)
        attempt = _Attempt(person, plan, number, started, started + duration, layout, answers, earned, possible, score,
                           score >= plan.pass_mark)
        self.attempts.append(attempt)
        return attempt

    def _certify(self, person: _Person, cohort: _Cohort, completed_at: datetime, *, forced: bool) -> None:
        rule = cohort.track.get("certificate")
        if not rule:
            return
        rng = self.rng
        automatic = rule.get("issue") == "automatic"
        if not (automatic or forced or rng.random() < 0.85):  # noqa: PLR2004
            return
        issued_at = completed_at if automatic else min(completed_at + timedelta(days=rng.randint(1, 10)), self.now)
        languages = self.catalogue.course["languages"]
        language = (person.locale if person.locale in languages
                    else cohort.language if cohort.language in languages else self.catalogue.default_language)
        certificate = _Certificate(person, cohort, CertificateKind(rule["kind"]), language, issued_at,
                                   None if automatic else cohort.lead)
        if not forced and rng.random() < 0.015:  # noqa: PLR2004
            certificate.revoked_at = min(issued_at + timedelta(days=rng.randint(2, 60)), self.now)
            certificate.reason = rng.choice(REVOCATION_REASONS)
        self.certificates.append(certificate)

    # -- writing ---------------------------------------------------------------------------------------------------

    def _insert_returning_ids(self, model: type, rows: list[dict[str, Any]], objects: list) -> None:
        table = model.__table__
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        for start in range(0, len(rows), BATCH):
            ids = db.session.execute(statement, rows[start:start + BATCH]).scalars().all()
            for obj, new_id in zip(objects[start:start + BATCH], ids, strict=True):
                obj.id = new_id

    def _insert(self, model: type, rows: list[dict[str, Any]]) -> None:
        statement = insert(model.__table__)
        for chunk in chunks(rows, BATCH):
            db.session.execute(statement, chunk)

    def _insert_many(self, table: Table, columns: tuple[str, ...], rows: list[tuple], *,
                     shared: tuple[str, ...] = ()) -> None:
        """Write many rows of plain values.

        On SQLite they go straight to the driver, each value converted by its column's own SQLAlchemy
        processor, so stored exactly as an ORM insert would store it: a Core insert's per-row work would
        take most of the run. Values of the ``shared`` columns are objects many rows share (graded
        responses), converted once each. Elsewhere a Core bulk insert.
        """
        keyed = "uid" in table.c and "uid" not in columns  # every record gets its own sync key (models.identity)
        columns = (*columns, "uid") if keyed else columns

        def batches() -> Iterator[list[tuple]]:
            for chunk in chunks(rows, BATCH):
                yield [(*row, new_uid()) for row in chunk] if keyed else list(chunk)

        dialect = db.session.get_bind().dialect
        if dialect.name != "sqlite":
            statement = insert(table)
            for batch in batches():
                db.session.execute(statement, [dict(zip(columns, row, strict=True)) for row in batch])
            return
        converters = []
        for name in columns:
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process and name in shared:
                process = _memoised(process)
            converters.append(process)
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        connection = db.session.connection()
        for batch in batches():
            connection.exec_driver_sql(sql, [
                tuple(value if convert is None or value is None else convert(value)
                      for convert, value in zip(converters, row, strict=True))
                for row in batch
            ])

    def write(self) -> None:
        self._insert_returning_ids(User, [{
            "username": p.username, "full_name": p.full_name, "email": p.email, "password_hash": self.password_hash,
            "must_change_password": True, "locale": p.locale, "active": True,
            "session_token": secrets.token_urlsafe(16),
            "created_at": p.created_at, "last_login_at": None, "agency": p.agency, "position": p.position,
            "gender": p.gender, "age_band": p.age_band, "disability": p.disability, "velayat": p.velayat,
        } for p in self.people], self.people)
        self._insert(UserRole, [{"user_id": p.id, "role": role,
                                 "granted_at": p.granted_at if role == Role.TRAINER else p.created_at}
                                for p in self.people for role in p.roles])
        codes = set(db.session.scalars(select(Cohort.join_code).where(Cohort.join_code.is_not(None))))
        rows = []
        for cohort in self.cohorts:
            code = new_join_code()
            while code in codes:
                code = new_join_code()
            codes.add(code)
            status = CohortStatus.CLOSED if cohort.ends_on < self.today - timedelta(days=30) else CohortStatus.OPEN
            rows.append({
                "course_id": self.catalogue.course["id"], "track_id": cohort.track["id"], "name": cohort.name,
                "language": cohort.language, "velayat": cohort.velayat, "city": cohort.city, "venue": cohort.venue,
                "starts_on": cohort.starts_on, "ends_on": cohort.ends_on, "audience": cohort.audience,
                "status": status, "join_code": code,
                "join_open": status == CohortStatus.OPEN and cohort.ends_on >= self.today - timedelta(days=7),
                "created_by_id": cohort.lead.id,
                "created_at": datetime.combine(cohort.starts_on, time(10), UTC) - timedelta(days=14),
            })
        self._insert_returning_ids(Cohort, rows, self.cohorts)
        self._insert(CohortTrainer, [row for c in self.cohorts for row in (
            [{"cohort_id": c.id, "user_id": c.lead.id, "lead": True}]
            + ([{"cohort_id": c.id, "user_id": c.co_trainer.id, "lead": False}] if c.co_trainer else []))])
        self._insert(TrainerStanding, [{
            "user_id": p.id, "generation": p.generation,
            "trained_in_cohort_id": p.trained_in.id if p.trained_in else None,
            "granted_at": p.granted_at, "granted_by_id": None,
        } for p in self.people if p.generation is not None])
        course_id = self.catalogue.course["id"]
        self._insert(Enrolment, [{
            "user_id": p.id, "course_id": course_id, "track_id": c.track["id"], "enrolled_at": at, "cohort_id": c.id,
            "generation": c.learner_generation, "form_order": p.form_order,
        } for p, c, at in self.enrolments])
        self._insert_many(SectionRead.__table__, ("user_id", "module_id", "section_id", "module_hash", "read_at"),
                          [(p.id, m, s, h, at) for p, m, s, h, at in self.reads])
        self._insert_returning_ids(QuizAttempt, [{
            "user_id": a.person.id, "quiz_id": a.plan.quiz_id, "quiz_hash": a.plan.content_hash, "number": a.number,
            "state": AttemptState.SUBMITTED, "layout": a.layout, "started_at": a.started_at,
            "deadline_at": a.started_at + timedelta(minutes=a.plan.time_limit) if a.plan.time_limit else None,
            "submitted_at": a.submitted_at, "submitted_by": "learner", "earned": a.earned, "possible": a.possible,
            "score": a.score, "passed": a.passed, "counts_as": a.plan.counts_as,
        } for a in self.attempts], self.attempts)
        self._insert_many(
            AttemptAnswer.__table__,
            ("attempt_id", "question_id", "response", "saved_at", "earned", "possible", "parts"),
            [(a.id, qid, g.response, saved_at, g.earned, g.possible, g.parts)
             for a in self.attempts for qid, g, saved_at in a.answers],
            shared=("response", "parts"))
        self._write_certificates()
        self._write_attendance()
        self._write_practice()
        self._write_evaluations()

    def _write_attendance(self) -> None:
        self._insert_returning_ids(SessionDay, [{
            "cohort_id": d.cohort.id, "day": d.day, "topic": d.topic, "modules": d.modules,
        } for d in self.session_days], self.session_days)
        self._insert_many(Attendance.__table__, ("session_day_id", "user_id", "status", "marked_by_id", "marked_at"),
                          [(d.id, p.id, status, d.cohort.lead.id, d.marked_at) for p, d, status in self.marks],
                          shared=("status", "marked_at"))

    def _write_practice(self) -> None:
        course_id, rubric = self.catalogue.course["id"], self.catalogue.course.get("rubric")
        self._insert_many(
            PracticeAssessment.__table__,
            ("trainee_id", "cohort_id", "course_id", "track_id", "assessor_id", "module_id", "scores", "rubric",
             "total", "passed", "recommendations", "assessed_at"),
            [(a.person.id, a.cohort.id, course_id, a.cohort.track["id"], a.cohort.lead.id, a.module_id, a.scores,
              rubric, sum(a.scores.values()), a.passed, a.recommendations, a.assessed_at) for a in self.assessments],
            shared=("rubric",))

    def _write_evaluations(self) -> None:
        """Submissions, and responses in an order of their own (see ``build``), each with a random key."""
        if not self.evaluation:
            return
        self._insert_many(EvaluationSubmission.__table__, ("cohort_id", "user_id", "submitted_on"),
                          [(c.id, p.id, day) for p, c, day in self.submissions])
        form_id = self.evaluation["id"]
        keys = [response_key() for _ in self.responses]
        self._insert_many(EvaluationResponse.__table__, ("key", "cohort_id", "form_id"),
                          [(key, c.id, form_id) for key, (c, _answers) in zip(keys, self.responses, strict=True)])
        self._insert_many(EvaluationAnswer.__table__, ("response_key", "cohort_id", "item_id", "value", "text"),
                          [(key, c.id, item_id, (columns := answer_columns(value))["value"], columns["text"])
                           for key, (c, answers) in zip(keys, self.responses, strict=True)
                           for item_id, value in answers.items()])

    def _write_certificates(self) -> None:
        """Serials are made from row ids: insert with a unique placeholder, then set the serial."""
        rows, codes = [], []
        for c in self.certificates:
            code = new_code()
            codes.append(code)
            rows.append({
                "user_id": c.person.id, "course_id": self.catalogue.course["id"], "track_id": c.cohort.track["id"],
                "kind": c.kind, "serial": f"pending-{code[:24]}", "code": code, "holder_name": c.person.full_name,
                "language": c.language, "contact_hours": float(c.cohort.track.get("contact_hours", 0)),
                "cohort_id": c.cohort.id, "issued_at": c.issued_at,
                "issued_by_id": c.issued_by.id if c.issued_by else None, "revoked_at": c.revoked_at,
                "revoked_by_id": None, "revocation_reason": c.reason,
            })
        self._insert_returning_ids(Certificate, rows, self.certificates)
        table = Certificate.__table__
        statement = update(table).where(table.c.id == bindparam("row_id")).values(serial=bindparam("new_serial"))
        serials = [{"row_id": c.id, "new_serial": serial_for(c.kind, c.issued_at.year, c.id)}
                   for c in self.certificates]
        for chunk in chunks(serials, BATCH):
            db.session.execute(statement, chunk)

    def summary(self) -> DemoSummary:
        closing = self.today - timedelta(days=30)
        return DemoSummary(
            prefix=self.prefix, seed=self.seed, users=len(self.people), learners=self.learner_count,
            cohorts=len(self.cohorts), open_cohorts=sum(1 for c in self.cohorts if c.ends_on >= closing),
            enrolments=len(self.enrolments), section_reads=len(self.reads), attempts=len(self.attempts),
            answers=sum(len(a.answers) for a in self.attempts), certificates=len(self.certificates),
            revoked_certificates=sum(1 for c in self.certificates if c.revoked_at),
            session_days=len(self.session_days), attendance_marks=len(self.marks),
            practice_assessments=len(self.assessments), evaluations=len(self.submissions),
            trainers_by_generation=dict(sorted(Counter(
                p.generation for p in self.people if p.generation is not None).items())),
        )


def _run_prefix() -> str:
    """``demo<k>-`` with a ``k`` no earlier run used, so runs never collide on usernames."""
    used = [int(m.group(1)) for name in db.session.scalars(select(User.username).where(User.username.like("demo%-m01")))
            if (m := _USERNAME_RE.match(name))]
    number = max(used, default=0) + 1
    while db.session.scalar(select(func.count(User.id)).where(User.username.like(f"demo{number}-%"))):
        number += 1
    return f"demo{number}-"


def generate_demo_data(learners: int, *, seed: int | None = None, large_cohort: int = 0) -> DemoSummary:
    """Add a generated population of ``learners`` learners (plus master trainers) to the database, and with
    ``large_cohort``, one more cohort of that many learners.

    The same seed gives the same shape (counts, names, scores); codes and
    tokens stay random. Flushes only: the caller commits.

    :raises DemoDataError: no course is loaded yet, or too few learners.
    """
    if learners < MIN_LEARNERS:
        raise DemoDataError(f"Generate at least {MIN_LEARNERS} learners.")
    catalogue = load_catalogue()
    if catalogue is None:
        raise DemoDataError("No course is loaded yet; run 'course init' (or 'course sync') first.")
    if not catalogue.course.get("tracks"):
        raise DemoDataError("The course has no tracks to enrol learners in.")
    seed = secrets.randbelow(1_000_000) if seed is None else seed
    # One hash for every account: hashing 10,000 passwords would take minutes, and nobody signs in with them.
    generator = _Generator(catalogue, learners, seed, _run_prefix(), hash_password(secrets.token_urlsafe(24)),
                           large_cohort)
    generator.build()
    generator.write()
    refresh_learners(select(User.id).where(User.username.startswith(generator.prefix, autoescape=True)), catalogue)
    summary = generator.summary()
    record_event("demo_data.generate", summary.prefix, actor_id=None, learners=learners, seed=seed,
                 users=summary.users, cohorts=summary.cohorts)
    db.session.flush()
    return summary
