"""What each import kind can fill: the store's fields, their types and keys."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("leads", "events", "campaigns", "activities", "deals", "engagements")

#: Lifecycle stages of a lead after value mapping, in funnel order.
STAGES = ("subscriber", "lead", "mql", "accepted", "rejected", "opportunity", "won", "lost",
          "other")
EVENT_TYPES = ("call", "email", "meeting", "note", "stage", "linkedin", "sms")
EVENT_OUTCOMES = ("attempted", "connected")
TEAMS = ("marketing", "sales")
#: A deal's status after value mapping: won or lost only when the export says so.
DEAL_STATUSES = ("open", "won", "lost")
#: How a deals file names each deal's lead (the mapping's ``lead_by``).
LEAD_BY = ("external_id", "email")
#: Marketing-side events of a lead (never a touch for the SLA: see store._V4_ENGAGEMENTS).
ENGAGEMENT_KINDS = ("page_view", "download", "form", "email_open", "email_click",
                    "webinar_registered", "webinar_attended", "ad_click")
#: How an engagements file names each row's lead: ``click_id`` finds the lead through an
#: ad click already stored with that id (a gclid from the contacts export); ``campaign``
#: gives each lead of the campaign created that day the row with the most clicks.
ENGAGEMENT_LEAD_BY = ("external_id", "email", "click_id", "campaign")
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
    "kind": {"page view": "page_view", "pageview": "page_view", "visit": "page_view",
             "sidevisning": "page_view", "content download": "download", "nedlasting": "download",
             "form submission": "form", "form_submission": "form", "skjema": "form",
             "email open": "email_open", "e-mail open": "email_open",
             "email click": "email_click", "e-mail click": "email_click",
             "webinar registered": "webinar_registered", "registered": "webinar_registered",
             "webinar attended": "webinar_attended", "attended": "webinar_attended",
             "ad click": "ad_click", "paid click": "ad_click"},
    "status": {"closed won": "won", "closedwon": "won", "closed lost": "lost",
               "closedlost": "lost"},
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
    "deals": _fields(
        Field("external_id", "text", required=True, expected="the deal's id in the export"),
        Field("lead", "text"),  # the lead's external id, or its e-mail with lead_by: email
        Field("name", "text"), Field("owner", "person"), Field("pipeline", "text"),
        Field("stage", "text"), Field("status", "choice", DEAL_STATUSES),
        Field("created_at", _TS), Field("closed_at", _TS),
        # Exports with one date column per outcome (Pipedrive's Won time, Lost time): closed_at
        # is the one that matches the status. Staged only; the store keeps closed_at.
        Field("won_at", _TS), Field("lost_at", _TS),
        Field("amount", "number"), Field("currency", "text"), Field("lost_reason", "text"),
        Field("source", "text"), Field("campaign", "text"),
    ),
    # One event per row (kind, at, ...), or a contact's summary properties (HubSpot's first
    # and recent conversion, page views, original source), each becoming its own rows.
    "engagements": _fields(
        Field("external_id", "text"),
        Field("lead", "text", expected="the id of a lead already imported"),
        Field("kind", "choice", ENGAGEMENT_KINDS), Field("at", _TS),
        Field("asset", "text"), Field("url", "text"), Field("channel", "text"),
        Field("campaign", "text"), Field("keyword", "text"), Field("click_id", "text"),
        Field("quantity", "number"),
        Field("first_conversion", "text"), Field("first_conversion_at", _TS),
        Field("recent_conversion", "text"), Field("recent_conversion_at", _TS),
        Field("page_views", "number"), Field("first_seen_at", _TS), Field("last_seen_at", _TS),
        Field("last_page", "text"), Field("source", "text"), Field("source_detail_1", "text"),
        Field("source_detail_2", "text"),
    ),
}

#: The field each kind upserts by (events and activities only when mapped).
KEYS = {"leads": "external_id", "events": "external_id", "campaigns": "name",
        "activities": "external_id", "deals": "external_id", "engagements": "external_id"}

#: Fields a mapping must feed (from a column or a constant) for each kind.
MAPPING_REQUIRED = {
    "leads": ("external_id",),
    "events": ("lead", "type", "at"),
    "campaigns": ("name",),
    "activities": ("date", "kind"),
    "deals": ("external_id",),
    "engagements": (),  # the lead, or lead_by: campaign (importing.engagements checks)
}
