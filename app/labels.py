"""Every human-readable name the product shows for a coded value, in one place: stances and
kinds, country roles, date precision, attribution, firmness, troop locations and conditions,
audit actions, curators' roles and record fields. Keyed by the enums (app/models.py) where the
value is one; the forms' choices are built from these, so a select shows exactly these words.

Descriptions (what a stance means, a sentence about a location) live beside the pages that
print them; names live here.
"""

from enum import StrEnum
from typing import TypeVar

from app.models import Attribution, Firmness, Kind, Location, Precision, Role, Stance

STANCE_LABELS: dict[Stance, str] = {
    Stance.troops: "Troops",
    Stance.logistics: "Logistics",
    Stance.political_only: "Political only",
    Stance.opposed: "Opposed",
    Stance.undeclared: "No commitment recorded",
}
# A commitment's kind is named after the stance it gives its country.
KIND_LABELS: dict[Kind, str] = {kind: STANCE_LABELS[Stance(kind)] for kind in Kind}
HOST_LABEL = "Host country"
TROOPS_NEARBY_LABEL = "Troops, in neighbouring NATO states only"
TROOPS_IN_UKRAINE_LABEL = "Troops, inside Ukraine"
NOT_TRACKED_LABEL = "Not tracked"

# A country's role: on public pages and the codebook, and as the curators' form offers it.
ROLE_LABELS: dict[Role, str] = {
    Role.member: "Coalition member",
    Role.host: "Host country",
    Role.partner: "Partner",
    Role.non_member: "Not a member",
}
ROLE_CHOICES: dict[Role, str] = {
    Role.member: "Member",
    Role.host: "Host",
    Role.partner: "Partner",
    Role.non_member: "Non-member",
}
PRECISION_LABELS: dict[Precision, str] = {
    Precision.day: "Day",
    Precision.month: "Month (counts from the 1st)",
}
ATTRIBUTION_LABELS: dict[Attribution, str] = {
    Attribution.direct: "Direct: the speaker's own words, in quotation marks in the source",
    Attribution.reported: "Reported: the outlet's paraphrase of a named person",
    Attribution.outlet: "Outlet: the outlet's own reporting, no speaker",
}
FIRMNESS_LABELS: dict[Firmness, str] = {
    Firmness.firm: "Firm: stated as a decision",
    Firmness.tentative: "Tentative: hedged, conditional on something undecided, reported but "
                        "unconfirmed, or only floated",
}
LOCATION_LABELS: dict[Location, str] = {
    Location.ukraine: "In Ukraine",
    Location.neighbouring_nato: "In neighbouring NATO states",
}
# Short labels ("chips") of a commitment's conditions, on country pages.
LOCATION_CHIPS: dict[Location, str] = {
    Location.ukraine: "In Ukraine",
    Location.neighbouring_nato: "Neighbouring NATO states only",
}
CONDITION_CHIPS: dict[str, str] = {
    "after_ceasefire": "After a ceasefire",
    "us_backstop": "US backstop",
    "parliament_approval": "Parliament's approval",
    "non_combat": "Non-combat",
}
# The groups of a search's results (app/services/search.py, by `HitKind` value).
SEARCH_GROUP_LABELS: dict[str, str] = {"country": "Countries", "quote": "Quotes and speakers",
                                       "source": "Sources", "event": "Events"}

# The audit trail: what each action did, who did it, and the fields it changed.
ACTION_LABELS: dict[str, str] = {
    "seed": "published the seed dataset",
    "commitment.add": "added a commitment",
    "commitment.correct": "corrected a commitment",
    "commitment.retract": "retracted a commitment",
    "citation.add": "added a citation",
    "citation.correct": "corrected a citation",
    "citation.remove": "removed a citation",
    "source.add": "added a source",
    "source.edit": "edited a source",
    "country.add": "added a country",
    "country.edit": "edited a country",
    "event.add": "added an event",
    "event.edit": "edited an event",
    "fact.add": "added a fact about an event",
    "fact.remove": "removed a fact about an event",
    "signatory.add": "recorded a signatory",
    "signatory.remove": "removed a signatory",
    "country.review": "reviewed the position of",
    "dataset.review": "reviewed every country's position",
    "suggestion.accept": "accepted a reader's suggested correction",
    "suggestion.decline": "declined a reader's suggested correction",
}
USER_ROLE_LABELS: dict[str, str] = {"system": "System", "curator": "Curator",
                                    "admin": "Administrator"}
# What readers see instead of field names (the trail, /changes, history pages, Atom feeds).
FIELD_LABELS: dict[str, str] = {
    "kind": "Stance", "date": "Date", "date_precision": "Date precision",
    "date_basis": "How the date was established", "summary": "Summary",
    "cond_after_ceasefire": "Only after a ceasefire",
    "cond_us_backstop": "Only with a United States backstop",
    "cond_parliament_approval": "Subject to parliament's approval",
    "cond_non_combat": "Non-combat role only", "cond_location": "Where troops would deploy",
    "cond_troop_numbers": "Troop numbers", "cond_other": "Other conditions",
    "retracted_at": "Retracted on", "retraction_reason": "Reason for retraction",
    "corrected_at": "Corrected on", "correction_reason": "Reason for correction",
    "citations": "Citations", "quote": "Quote", "speaker": "Speaker", "source_id": "Source",
    "title": "Title", "title_is_lede": "Title is the article's opening words",
    "outlet": "Outlet", "author": "Author", "published": "Published", "url": "Address",
    "note": "Note", "text": "Article text", "name": "Name", "role": "Role",
    "in_europe": "In Europe", "code": "ISO code", "country_code": "Country",
    "reviewed_at": "Reviewed on", "attribution": "Attribution", "firmness": "Firmness",
    "event_id": "Made at event", "disputed": "Marked disputed",
    "dispute_reason": "Why it is disputed", "dispute_citation_id": "Conflicting citation",
    "slug": "Address name", "place": "Place", "statement": "Fact", "document": "Document",
}

E = TypeVar("E", bound=StrEnum)


def choices(labels: dict[E, str]) -> list[tuple[str, str]]:
    """A select's options: (the enum's value, its label), in the enum's order."""
    return [(member.value, label) for member, label in labels.items()]
