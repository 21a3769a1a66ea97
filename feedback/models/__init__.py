"""Typed models, one module per family; importing this package registers them all."""

from feedback.models.catalogue import Axis, Department, Modality, Speaker, Training, TrainingSession, session_speakers
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
from feedback.models.responses import Answer, Response
from feedback.models.users import Role, User

__all__ = [
    "Answer",
    "Axis",
    "Department",
    "FollowUpContact",
    "Invitation",
    "Modality",
    "ModalityDefault",
    "Question",
    "QuestionKind",
    "QuestionOption",
    "Questionnaire",
    "QuestionnaireFrozen",
    "QuestionnaireStatus",
    "Response",
    "Role",
    "Speaker",
    "Training",
    "TrainingSession",
    "User",
    "session_speakers",
]
