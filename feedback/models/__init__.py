"""Typed models, one module per family; importing this package registers them all."""

from feedback.models.accounts import AccountToken, AuditEvent, TokenPurpose
from feedback.models.api_tokens import ApiToken
from feedback.models.attendance import Attendance
from feedback.models.catalogue import Speaker, Training, TrainingSession, session_speakers
from feedback.models.domain import Axis, Department, Modality
from feedback.models.invitations import FollowUpContact, Invitation
from feedback.models.questionnaires import (
    ModalityDefault,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireFrozen,
    QuestionnaireStatus,
    QuestionOption,
)
from feedback.models.report_files import REPORT_FILE_STATES, ReportFile
from feedback.models.responses import Answer, Response
from feedback.models.reviews import TrainerReview
from feedback.models.users import LoginSession, Role, User
from feedback.models.verbatims import QUOTE_TRANSITIONS, TONES, CommentAnalysis, CommentPhrase, Quote, QuoteStatus
from feedback.models.webhooks import WEBHOOK_EVENTS, WebhookDelivery, WebhookEndpoint

__all__ = [
    "QUOTE_TRANSITIONS",
    "TONES",
    "REPORT_FILE_STATES",
    "AccountToken",
    "ApiToken",
    "Answer",
    "Attendance",
    "AuditEvent",
    "Axis",
    "CommentAnalysis",
    "CommentPhrase",
    "Department",
    "FollowUpContact",
    "Invitation",
    "LoginSession",
    "Modality",
    "ModalityDefault",
    "Question",
    "QuestionKind",
    "QuestionOption",
    "Questionnaire",
    "QuestionnaireFrozen",
    "QuestionnaireStatus",
    "Quote",
    "ReportFile",
    "QuoteStatus",
    "Response",
    "Role",
    "Speaker",
    "TokenPurpose",
    "TrainerReview",
    "Training",
    "TrainingSession",
    "User",
    "WEBHOOK_EVENTS",
    "WebhookDelivery",
    "WebhookEndpoint",
    "session_speakers",
]
