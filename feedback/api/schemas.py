"""The API's request and response schemas: they validate, serialise and write the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from feedback.labels import NO_DEPARTMENT
from feedback.models import Axis, Department, Modality

MAX_LIMIT = 1000
DIMENSIONS = ("training", "session", "speaker", "axis", "modality", "department", "profile", "month", "quarter", "year")
DEPARTMENT_FILTERS = [d.value for d in Department] + [NO_DEPARTMENT]


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={"description": "The fields refused, with why (422)."})


class PageSchema(Schema):
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass it as `cursor` to read the next page; null on the last page."},
    )
    limit = fields.Integer(required=True)


# -- requests -----------------------------------------------------------------------------------------------------


class CursorArgs(Schema):
    cursor = fields.String(
        validate=validate.Regexp(r"^[0-9]{1,18}$"),
        metadata={"description": "The `next_cursor` of the previous page (opaque); none for the first page."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))


class PeriodArgs(Schema):
    """A period (a calendar year, or two dates) and the catalogue filters, as the score pages read them."""

    year = fields.Integer(
        validate=validate.Range(min=1990, max=2100),
        metadata={"description": "Default: the year the score pages open on."},
    )
    quarter = fields.Integer(validate=validate.Range(min=1, max=4), metadata={"description": "A quarter of `year`."})
    start = fields.Date(
        metadata={"description": "First day, instead of `year` (default: 1 January of `year`); from 1990 to 2100."}
    )
    end = fields.Date(metadata={"description": "Last day, included (default: 31 December of `start`'s year)."})
    axis = fields.String(validate=validate.OneOf([a.value for a in Axis]))
    modality = fields.String(validate=validate.OneOf([m.value for m in Modality]))
    department = fields.String(
        validate=validate.OneOf(DEPARTMENT_FILTERS),
        metadata={"description": f"`{NO_DEPARTMENT}`: sessions without one."},
    )


class ScoreArgs(PeriodArgs):
    training_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    speaker_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    profile = fields.String(validate=validate.Length(max=60))
    by = fields.String(
        validate=validate.OneOf(DIMENSIONS), metadata={"description": "A breakdown, as the score pages' tables."}
    )


class SessionListArgs(CursorArgs):
    training_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class ResponseListArgs(CursorArgs):
    session_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    updated_since = fields.AwareDateTime(
        format="iso",
        metadata={"description": "Only responses stored at or after this moment (responses are never edited)."},
    )


class CommentListArgs(CursorArgs):
    session_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class SessionCreateSchema(Schema):
    training_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True)
    half_days = fields.Integer(validate=validate.Range(min=0, max=100))
    department = fields.String(allow_none=True, validate=validate.OneOf([d.value for d in Department]))
    place = fields.String(validate=validate.Length(max=300))
    participants_present = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100_000))
    speaker_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), validate=validate.Length(max=50)
    )


class SessionUpdateSchema(SessionCreateSchema):
    training_id = fields.Integer(dump_only=True)
    start_date = fields.Date()


# -- responses ----------------------------------------------------------------------------------------------------


class SpeakerSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class TrainingSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    axis = fields.String(required=True)
    modality = fields.String(required=True)
    description = fields.String(required=True)
    sessions = fields.Integer(required=True, metadata={"description": "Sessions of it this token may see."})


class TrainingListSchema(PageSchema):
    items = fields.List(fields.Nested(TrainingSchema), required=True)


class SessionSchema(Schema):
    id = fields.Integer(required=True)
    training_id = fields.Integer(required=True)
    training_title = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, required=True)
    half_days = fields.Integer(required=True)
    department = fields.String(allow_none=True, required=True)
    place = fields.String(required=True)
    speakers = fields.List(fields.Nested(SpeakerSchema), required=True)
    participants_present = fields.Integer(allow_none=True, required=True)
    responses = fields.Integer(required=True, metadata={"description": "First answers stored (follow-ups apart)."})
    is_open = fields.Boolean(required=True)
    opens_at = fields.AwareDateTime(allow_none=True, required=True)
    closes_at = fields.AwareDateTime(allow_none=True, required=True)
    public_url = fields.String(
        allow_none=True, required=True, metadata={"description": "The questionnaire's link (managers' tokens only)."}
    )
    qr_code_url = fields.String(
        allow_none=True, required=True, metadata={"description": "Its QR code, SVG (managers' tokens only)."}
    )


class SessionListSchema(PageSchema):
    items = fields.List(fields.Nested(SessionSchema), required=True)


class RateSchema(Schema):
    n = fields.Integer(required=True, metadata={"description": "How many answered the question (always given)."})
    rate = fields.Float(allow_none=True, required=True)
    low = fields.Float(allow_none=True, required=True, metadata={"description": "Wilson 95 % interval."})
    high = fields.Float(allow_none=True, required=True)
    reason = fields.String(
        allow_none=True, required=True, metadata={"description": "Why `rate` is null (« trop peu de réponses »)."}
    )


class NetScoreSchema(Schema):
    n = fields.Integer(required=True)
    score = fields.Float(allow_none=True, required=True, metadata={"description": "-100 to 100."})
    reason = fields.String(allow_none=True, required=True)


class ScoreRowSchema(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    sessions = fields.Integer(required=True)
    responses = fields.Integer(required=True)
    present = fields.Integer(allow_none=True, required=True)
    response_rate = fields.Float(allow_none=True, required=True)
    satisfaction = fields.Nested(RateSchema, required=True)


class ScoresSchema(Schema):
    period = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    filters = fields.Dict(keys=fields.String(), required=True)
    min_answers_for_rate = fields.Integer(required=True)
    totals = fields.Nested(ScoreRowSchema, required=True)
    recommendation = fields.Nested(NetScoreSchema, required=True)
    by = fields.String(allow_none=True, required=True)
    rows = fields.List(fields.Nested(ScoreRowSchema), required=True)


class AnswerSchema(Schema):
    question = fields.String(required=True, metadata={"description": "The question's stable code."})
    kind = fields.String(required=True)
    value = fields.Raw(
        required=True,
        metadata={
            "description": "A number, an option's value, a list of them (multiple choice), an object item -> level "
            "(grid), or the masked text (tokens that may read comments only).",
            "type": ["number", "string", "array", "object"],
        },
    )


class ResponseSchema(Schema):
    id = fields.Integer(required=True)
    session_id = fields.Integer(required=True)
    session_date = fields.Date(required=True)
    questionnaire = fields.String(required=True, metadata={"description": "Family and version: `family@3`."})
    submitted_at = fields.AwareDateTime(required=True)
    is_followup = fields.Boolean(required=True)
    answers = fields.List(fields.Nested(AnswerSchema), required=True)


class ResponseListSchema(PageSchema):
    items = fields.List(fields.Nested(ResponseSchema), required=True)


class ThemeOfSchema(Schema):
    theme = fields.String(required=True, metadata={"description": "The phrase as this comment writes it."})
    key = fields.String(required=True, metadata={"description": "The theme's key, as in GET /themes."})


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    response_id = fields.Integer(required=True)
    session_id = fields.Integer(required=True)
    session_date = fields.Date(required=True)
    question = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "Masked: names, e-mails, phones, links replaced."})
    tone = fields.String(
        required=True,
        metadata={"description": "positive, negative, mixed or neutral: staff's correction where there is one."},
    )
    analysed_tone = fields.String(required=True, metadata={"description": "The analysis' own verdict."})
    themes = fields.List(fields.Nested(ThemeOfSchema), required=True)


class CommentListSchema(PageSchema):
    items = fields.List(fields.Nested(CommentSchema), required=True)


class ThemeSchema(Schema):
    theme = fields.String(required=True)
    key = fields.String(required=True)
    comments = fields.Integer(required=True)
    share = fields.Float(required=True)
    tones = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ThemeListSchema(Schema):
    period = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    items = fields.List(fields.Nested(ThemeSchema), required=True)


class QuoteSchema(Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True)
    attribution = fields.String(required=True, metadata={"description": "Built from the data, never a name."})
    axis = fields.String(required=True)
    session_date = fields.Date(required=True)
    training_id = fields.Integer(required=True)


class QuoteListSchema(Schema):
    period = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    items = fields.List(fields.Nested(QuoteSchema), required=True)


class ReportSchema(Schema):
    """The numbers of `flask report --json`, unchanged (see the README's « The report »)."""

    period = fields.Dict(required=True)
    scope = fields.Dict(required=True, metadata={"description": "The scope as URL parameters of the report page."})
    notices = fields.List(fields.String(), required=True)
    previous_period = fields.Dict(required=True)
    filters = fields.Dict(required=True)
    min_answers_for_rate = fields.Integer(required=True)
    figures = fields.Dict(required=True)
    coverage = fields.Dict(required=True)
    comparison = fields.Dict(required=True)
    satisfaction = fields.Dict(required=True)
    by_department = fields.List(fields.Dict(), required=True)
    by_axis = fields.List(fields.Dict(), required=True)
    by_modality = fields.List(fields.Dict(), required=True)
    half_days_by_department = fields.List(fields.Dict(), required=True)
    satisfaction_by_axis = fields.List(fields.Dict(), required=True)
    satisfaction_by_department = fields.List(fields.Dict(), required=True)
    satisfaction_by_modality = fields.List(fields.Dict(), required=True)
    by_profile = fields.List(fields.Dict(), required=True)
    themes = fields.Dict(required=True)
    verbatims = fields.List(fields.Dict(), required=True)
