"""Field rules for the curators' forms. Each check returns a message for the curator, or None.

Forms arrive as the strings the curator typed (`Values`); the validators answer a mapping of field
name to message, empty when the form is valid, so a form can be re-rendered with every value kept
and a message at each field.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date

from app.models import Attribution, Firmness, Kind, Location, Precision, Role

Values = Mapping[str, str]
FieldErrors = dict[str, str]

# ISO 3166-1 alpha-2, the 249 officially assigned codes, plus XK (Kosovo, user-assigned but used
# by the EU and the IMF).
ISO_ALPHA2 = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA
    ZM ZW XK""".split()
)

CONDITION_FLAGS = ("after_ceasefire", "us_backstop", "parliament_approval", "non_combat")
TRI_STATE = {"": None, "yes": True, "no": False}
NEW_SOURCE = "new"

MESSAGES = {
    "required": "This field is required.",
    "code_unknown": "Not an ISO 3166-1 alpha-2 country code (two letters, e.g. FR).",
    "code_taken": "This country is already listed.",
    "date_format": "Enter a date as YYYY-MM-DD.",
    "date_future": "The date is in the future: record commitments once they are made.",
    "quote_empty": "Give the verbatim quote from the source.",
    "quote_missing": "This quote does not appear in the source's stored text.",
    "source_unknown": "Choose a source from the list, or add a new one.",
    "last_citation": "A commitment keeps at least one citation: add another one before "
                     "removing this one.",
    "url": "Enter a full web address starting with http:// or https://.",
    "choice": "Choose one of the listed options.",
    "too_long": "Too long: at most {limit} characters.",
    "speaker_needed": "Name the person whose words these are (required for a direct or "
                      "reported citation).",
    "speaker_refused": "The outlet's own reporting has no speaker: leave the speaker empty, or "
                       "choose direct or reported.",
    "not_quoted": "A direct quote must stand inside quotation marks in the source's text: "
                  "quote only the words inside the marks, or choose reported.",
    "slug": "Use lower-case letters, digits and hyphens (e.g. paris-summit-2026-01-06).",
    "slug_taken": "Another event already has this slug.",
    "event_unknown": "Choose an event from the list, or none.",
    "citation_unknown": "No citation with this number.",
    "dispute_reason": "Say why the commitment is disputed.",
}


def message(key: str, **values: object) -> str:
    return MESSAGES[key].format(**values)


def text(values: Values, name: str) -> str:
    return (values.get(name) or "").strip()


def check_country_code(code: str) -> str | None:
    return None if code.strip().upper() in ISO_ALPHA2 else message("code_unknown")


def parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw) else None
    except ValueError:
        return None


def check_date(raw: str, *, today: date, required: bool = True) -> str | None:
    if not raw.strip():
        return message("required") if required else None
    day = parse_date(raw.strip())
    if day is None:
        return message("date_format")
    return message("date_future") if day > today else None


def _normalise(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value)
    for curly, straight in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        folded = folded.replace(curly, straight)
    return " ".join(folded.split())


def check_quote(quote: str, *, source_text: str | None) -> str | None:
    """Empty quotes are refused; when the source's text is stored, the quote must be in it
    (ignoring differences of white space and straight versus curly quotation marks)."""
    if not quote.strip():
        return message("quote_empty")
    if source_text and _normalise(quote) not in _normalise(source_text):
        return message("quote_missing")
    return None


def _quoted_spans(source_text: str) -> list[tuple[int, int]]:
    """(start, end) of every passage between double quotation marks (curly or straight), in the
    normalised text: marks are paired in order, an opening mark then the next closing one."""
    marks = [i for i, ch in enumerate(source_text) if ch == '"']
    return list(zip(marks[0::2], marks[1::2], strict=False))


def quoted_in(quote: str, source_text: str) -> bool:
    """True when the quote (its own outer quotation marks aside) occurs in the text inside one
    pair of double quotation marks, without crossing a mark."""
    wanted = _normalise(quote).strip().strip('"').strip()
    text_ = _normalise(source_text)
    if not wanted or '"' in wanted:
        return False
    spans = _quoted_spans(text_)
    start = text_.find(wanted)
    while start >= 0:
        if any(open_ < start and start + len(wanted) <= close for open_, close in spans):
            return True
        start = text_.find(wanted, start + 1)
    return False


def attribution_of(values: Values) -> str:
    """The attribution chosen; when a form predates the field: reported if a speaker is named."""
    chosen = text(values, "attribution")
    if chosen:
        return chosen
    return Attribution.reported.value if text(values, "speaker") else Attribution.outlet.value


def check_attribution(*, attribution: str, speaker: str, quote: str,
                      source_text: str | None) -> FieldErrors:
    """Speaker required for direct and reported, refused for outlet; a direct quote stands
    inside quotation marks when the source's text is stored."""
    errors: FieldErrors = {}
    _keep(errors, "attribution", check_choice(attribution, Attribution))
    if attribution == Attribution.outlet and speaker.strip():
        errors["speaker"] = message("speaker_refused")
    elif attribution in (Attribution.direct, Attribution.reported) and not speaker.strip():
        errors["speaker"] = message("speaker_needed")
    if (attribution == Attribution.direct and source_text and quote.strip()
            and check_quote(quote, source_text=source_text) is None
            and not quoted_in(quote, source_text)):
        errors["quote"] = message("not_quoted")
    return errors


def check_url(raw: str) -> str | None:
    if not raw.strip():
        return None
    return None if re.fullmatch(r"https?://[^\s/$.?#][^\s]*", raw.strip()) else message("url")


def check_choice(raw: str, allowed: Iterable[object]) -> str | None:
    return None if raw in {str(option) for option in allowed} else message("choice")


def check_length(raw: str, limit: int, *, required: bool = False) -> str | None:
    if required and not raw.strip():
        return message("required")
    return message("too_long", limit=limit) if len(raw) > limit else None


def _keep(errors: FieldErrors, field: str, error: str | None) -> None:
    if error and field not in errors:
        errors[field] = error


def validate_commitment_fields(values: Values, *, today: date) -> FieldErrors:
    """Kind, date, summary and conditions of a commitment (no citation)."""
    errors: FieldErrors = {}
    _keep(errors, "kind", check_choice(text(values, "kind"), Kind))
    _keep(errors, "date", check_date(text(values, "date"), today=today))
    _keep(errors, "date_precision",
          check_choice(text(values, "date_precision") or "day", Precision))
    _keep(errors, "summary", check_length(text(values, "summary"), 1000, required=True))
    _keep(errors, "date_basis", check_length(text(values, "date_basis"), 2000))
    for flag in CONDITION_FLAGS:
        _keep(errors, f"cond_{flag}", check_choice(text(values, f"cond_{flag}"), TRI_STATE))
    location = text(values, "cond_location")
    _keep(errors, "cond_location", check_choice(location, ["", *Location]))
    _keep(errors, "cond_troop_numbers", check_length(text(values, "cond_troop_numbers"), 200))
    _keep(errors, "cond_other", check_length(text(values, "cond_other"), 1000))
    _keep(errors, "firmness", check_choice(text(values, "firmness") or "firm", Firmness))
    if text(values, "disputed") in {"on", "yes", "true"} and not text(values, "dispute_reason"):
        errors["dispute_reason"] = message("dispute_reason")
    _keep(errors, "dispute_reason", check_length(text(values, "dispute_reason"), 2000))
    return errors


def validate_source(values: Values, *, today: date, prefix: str = "") -> FieldErrors:
    """A source's fields; `prefix` is "new_source_" when the source is added in a citation form."""
    errors: FieldErrors = {}
    _keep(errors, f"{prefix}title", check_length(text(values, f"{prefix}title"), 500,
                                                   required=True))
    _keep(errors, f"{prefix}outlet", check_length(text(values, f"{prefix}outlet"), 200))
    _keep(errors, f"{prefix}author", check_length(text(values, f"{prefix}author"), 200))
    _keep(errors, f"{prefix}url", check_url(text(values, f"{prefix}url")))
    _keep(errors, f"{prefix}url", check_length(text(values, f"{prefix}url"), 1000))
    _keep(errors, f"{prefix}published",
          check_date(text(values, f"{prefix}published"), today=today, required=False))
    _keep(errors, f"{prefix}note", check_length(text(values, f"{prefix}note"), 2000))
    return errors


def validate_citation(
    values: Values, *, today: date, source_known: bool, source_text: str | None
) -> FieldErrors:
    """The citation part of the add-commitment form: a source (existing or new) and a quote."""
    errors: FieldErrors = {}
    if text(values, "source_id") == NEW_SOURCE:
        errors.update(validate_source(values, today=today, prefix="new_source_"))
    elif not source_known:
        errors["source_id"] = message("source_unknown")
    quote = values.get("quote") or ""
    _keep(errors, "quote", check_quote(quote, source_text=source_text))
    _keep(errors, "speaker", check_length(text(values, "speaker"), 200))
    for field, error in check_attribution(attribution=attribution_of(values),
                                          speaker=text(values, "speaker"), quote=quote,
                                          source_text=source_text).items():
        _keep(errors, field, error)
    return errors


def validate_country(values: Values, *, existing: frozenset[str], is_new: bool) -> FieldErrors:
    errors: FieldErrors = {}
    if is_new:
        code = text(values, "code").upper()
        _keep(errors, "code", message("required") if not code else check_country_code(code))
        _keep(errors, "code", message("code_taken") if code in existing else None)
    _keep(errors, "name", check_length(text(values, "name"), 100, required=True))
    _keep(errors, "role", check_choice(text(values, "role"), Role))
    return errors


def validate_reason(values: Values, *, required: bool) -> FieldErrors:
    error = check_length(text(values, "reason"), 2000, required=required)
    return {"reason": error} if error else {}


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def validate_event(values: Values, *, today: date, taken: frozenset[str]) -> FieldErrors:
    """An event's fields; `taken` holds the slugs of the other events."""
    errors: FieldErrors = {}
    slug = text(values, "slug")
    _keep(errors, "slug", check_length(slug, 100, required=True))
    _keep(errors, "slug", None if SLUG.fullmatch(slug) else message("slug"))
    _keep(errors, "slug", message("slug_taken") if slug in taken else None)
    _keep(errors, "name", check_length(text(values, "name"), 300, required=True))
    _keep(errors, "date", check_date(text(values, "date"), today=today))
    _keep(errors, "date_precision",
          check_choice(text(values, "date_precision") or "day", Precision))
    _keep(errors, "date_basis", check_length(text(values, "date_basis"), 2000))
    _keep(errors, "place", check_length(text(values, "place"), 200))
    _keep(errors, "summary", check_length(text(values, "summary"), 2000))
    return errors


def validate_fact(values: Values) -> FieldErrors:
    error = check_length(text(values, "statement"), 1000, required=True)
    return {"statement": error} if error else {}


def validate_signatory(values: Values, *, countries: frozenset[str]) -> FieldErrors:
    errors: FieldErrors = {}
    code = text(values, "country").upper()
    _keep(errors, "country", message("required") if not code else None)
    _keep(errors, "country", None if code in countries else message("choice"))
    _keep(errors, "document", check_length(text(values, "document"), 300, required=True))
    return errors
