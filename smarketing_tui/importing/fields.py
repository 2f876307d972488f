"""What each import kind can fill: the store's fields, their types and keys."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("leads", "events", "campaigns", "activities")

#: Lifecycle stages of a lead after value mapping, in funnel order.
STAGES = ("subscriber", "lead", "mql", "accepted", "rejected", "opportunity", "won", "lost",
          "other")
EVENT_TYPES = ("call", "email", "meeting", "note", "stage", "linkedin", "sms")
EVENT_OUTCOMES = ("attempted", "connected")
TEAMS = ("marketing", "sales")
#: Event types that count as a contact when first_contact_at is derived from events.
FIRST_CONTACT_TYPES = ("call", "email", "meeting", "linkedin", "sms")

# Built-in synonyms, so common spellings need no value map (keys are casefolded).
_SYNONYMS = {
    "team": {"marked": "marketing", "markedsføring": "marketing", "salg": "sales"},
    "type": {"phone": "call", "phone call": "call", "samtale": "call", "telefon": "call",
             "e-post": "email", "epost": "email", "e-mail": "email", "møte": "meeting",
             "notat": "note", "linkedin message": "linkedin", "inmail": "linkedin",
             "text": "sms", "text message": "sms"},
    "outcome": {"no answer": "attempted", "left voicemail": "attempted", "busy": "attempted",
                "ikke svar": "attempted", "forsøkt": "attempted", "connected": "connected",
                "nådd": "connected", "svar": "connected", "answered": "connected"},
}


@dataclass(frozen=True)
class Field:
    """One field an import can fill."""

    name: str
    type: str                   # text | timestamp | date | number | person | choice
    choices: tuple[str, ...] = ()
    required: bool = False      # every row needs a value
    expected: str = "a value"

    def synonyms(self) -> dict[str, str]:
        return _SYNONYMS.get(self.name, {})


def _fields(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}


_TS = "timestamp"
FIELDS: dict[str, dict[str, Field]] = {
    "leads": _fields(
        Field("external_id", "text", required=True, expected="the lead's id in the export"),
        Field("name", "text"), Field("company", "text"), Field("email", "text"),
        Field("source", "text"), Field("campaign", "text"),
        Field("stage", "choice", STAGES), Field("owner", "person"),
        Field("created_at", _TS), Field("mql_at", _TS), Field("assigned_at", _TS),
        Field("accepted_at", _TS), Field("rejected_at", _TS), Field("rejected_reason", "text"),
        Field("first_contact_at", _TS), Field("meeting_at", _TS), Field("opportunity_at", _TS),
        Field("won_at", _TS), Field("lost_at", _TS), Field("lost_reason", "text"),
        Field("amount", "number"), Field("currency", "text"),
    ),
    "events": _fields(
        Field("external_id", "text"),
        Field("lead", "text", required=True, expected="the id of a lead already imported"),
        Field("type", "choice", EVENT_TYPES, required=True),
        Field("outcome", "choice", EVENT_OUTCOMES),
        Field("at", _TS, required=True), Field("person", "person"), Field("note", "text"),
    ),
    "campaigns": _fields(
        Field("name", "text", required=True, expected="the campaign's name"),
        Field("channel", "text"), Field("source", "text"), Field("owner", "person"),
        Field("starts", "date"), Field("ends", "date"), Field("spend", "number"),
        Field("currency", "text"),
    ),
    "activities": _fields(
        Field("external_id", "text"),
        Field("team", "choice", TEAMS),
        Field("person", "person"), Field("date", "date", required=True),
        Field("kind", "text", required=True, expected="what was done, such as webinar or calls"),
        Field("title", "text"), Field("quantity", "number"),
    ),
}

#: The field each kind upserts by (events and activities only when mapped).
KEYS = {"leads": "external_id", "events": "external_id", "campaigns": "name",
        "activities": "external_id"}

#: Fields a mapping must feed (from a column or a constant) for each kind.
MAPPING_REQUIRED = {
    "leads": ("external_id",),
    "events": ("lead", "type", "at"),
    "campaigns": ("name",),
    "activities": ("date", "kind"),
}
