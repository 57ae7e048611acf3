"""Every model, imported in one place so Alembic and ``create_all`` see all tables."""

from course.models.attempt import AttemptAnswer, AttemptState, QuizAttempt
from course.models.attendance import Attendance, AttendanceStatus, SessionDay
from course.models.audit import AuditEvent
from course.models.badge_credential import BadgeCredential
from course.models.certificate import Certificate, CertificateKind
from course.models.cohort import Cohort, CohortStatus, CohortTrainer, TrainerStanding
from course.models.content import ContentItem, ContentKind, ContentSnapshot
from course.models.device import ConflictKind, Device, SyncBundle, SyncConflict, ThisDevice
from course.models.enrolment import Enrolment
from course.models.evaluation import EvaluationAnswer, EvaluationResponse, EvaluationSubmission
from course.models.follow_up import FollowUpResponse
from course.models.login_attempt import LoginAttempt
from course.models.paper_sheet import PaperSheet
from course.models.practice import PracticeAssessment
from course.models.progress import ReadingSkim, SectionRead
from course.models.question_proposal import QuestionProposal
from course.models.question_report import QuestionReport
from course.models.rate_event import RateEvent
from course.models.review import (
    CertificateLegalBasis,
    ContentReview,
    ContentReviewNote,
    ReviewDecision,
    SourceVerification,
    TranslationReview,
)
from course.models.scope import CoordinatorScope
from course.models.summary import LearnerSummary, ModuleGain, ObjectiveGain
from course.models.trainer_quiz import TrainerQuiz, TrainerQuizState
from course.models.user import Role, User, UserRole
from course.models.user_session import UserSession

__all__ = [
    "PaperSheet",
    "TrainerQuiz",
    "TrainerQuizState",
    "FollowUpResponse",
    "BadgeCredential",
    "UserSession",
    "ThisDevice",
    "SyncConflict",
    "SyncBundle",
    "Device",
    "ConflictKind",
    "Attendance",
    "AttendanceStatus",
    "AttemptAnswer",
    "AttemptState",
    "AuditEvent",
    "Certificate",
    "CertificateLegalBasis",
    "CertificateKind",
    "Cohort",
    "CohortStatus",
    "CohortTrainer",
    "ContentItem",
    "CoordinatorScope",
    "ContentKind",
    "ContentReview",
    "ContentReviewNote",
    "ContentSnapshot",
    "Enrolment",
    "EvaluationAnswer",
    "EvaluationResponse",
    "EvaluationSubmission",
    "LearnerSummary",
    "LoginAttempt",
    "ModuleGain",
    "ObjectiveGain",
    "PracticeAssessment",
    "QuestionProposal",
    "QuestionReport",
    "QuizAttempt",
    "RateEvent",
    "ReadingSkim",
    "ReviewDecision",
    "Role",
    "SectionRead",
    "SessionDay",
    "SourceVerification",
    "TranslationReview",
    "TrainerStanding",
    "User",
    "UserRole",
]
