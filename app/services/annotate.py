"""From an article's stored text to citations: the text sentence by sentence with country names,
known speakers and stance cue words highlighted, already-cited spans marked, and a citation
suggested for any span the curator selects (the quote is the text itself, so it is exact by
construction). Pure functions over the text: no database, no web framework."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.models import Attribution

CUE_WORDS = ("troops", "boots on the ground", "soldiers", "deploy", "logistics", "red line",
             "oppose", "opposed", "guarantee", "guarantees", "ceasefire", "parliament",
             "bundestag", "backstop", "reassurance force", "peacekeep", "training",
             "air policing", "demining", "will not send", "refuse")
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*|\n|$)")
OPENING, CLOSING = "\"“", "\"”"


@dataclass(frozen=True)
class Segment:
    text: str
    marks: frozenset[str]  # "country", "speaker", "cue", "cited"


@dataclass(frozen=True)
class Sentence:
    number: int
    start: int
    end: int
    segments: tuple[Segment, ...]

    @property
    def preview(self) -> str:
        text = "".join(s.text for s in self.segments).strip()
        return text if len(text) <= 80 else text[:77] + "…"


@dataclass(frozen=True)
class SuggestedCitation:
    start: int
    end: int
    quote: str
    attribution: Attribution
    speaker: str
    country_code: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence starts and ends (whitespace between sentences belongs to none)."""
    spans = []
    for match in SENTENCE.finditer(text):
        start, end = match.start(), match.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def _occurrences(text: str, needles: Iterable[str]) -> Iterable[tuple[int, int]]:
    lowered = text.lower()
    for needle in needles:
        if not needle:
            continue
        pattern = re.compile(r"\b" + re.escape(needle.lower()))
        for match in pattern.finditer(lowered):
            yield match.start(), match.end()


def _exact(text: str, needles: Iterable[str]) -> Iterable[tuple[int, int]]:
    for needle in needles:
        start = text.find(needle) if needle else -1
        while start >= 0:
            yield start, start + len(needle)
            start = text.find(needle, start + 1)


def character_marks(text: str, *, countries: Iterable[str], speakers: Iterable[str],
                    cited: Iterable[str]) -> list[set[str]]:
    marks: list[set[str]] = [set() for _ in text]
    found = {"country": _occurrences(text, countries), "speaker": _occurrences(text, speakers),
             "cue": _occurrences(text, CUE_WORDS), "cited": _exact(text, cited)}
    for kind, spans in found.items():
        for start, end in spans:
            for index in range(start, end):
                marks[index].add(kind)
    return marks


def _segments(text: str, marks: list[set[str]], start: int, end: int) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    for index in range(start, end):
        current = frozenset(marks[index])
        if segments and segments[-1].marks == current:
            segments[-1] = Segment(segments[-1].text + text[index], current)
        else:
            segments.append(Segment(text[index], current))
    return tuple(segments)


def annotated(text: str, *, countries: Iterable[str], speakers: Iterable[str],
              cited: Iterable[str]) -> list[Sentence]:
    """Every character of `text` in order: sentences, and the plain gaps between them
    (number 0), so the page's text is exactly the stored text."""
    marks = character_marks(text, countries=countries, speakers=speakers, cited=cited)
    pieces: list[Sentence] = []
    position = 0
    for number, (start, end) in enumerate(sentence_spans(text), start=1):
        if start > position:
            pieces.append(Sentence(0, position, start, (Segment(text[position:start],
                                                                frozenset()),)))
        pieces.append(Sentence(number, start, end, _segments(text, marks, start, end)))
        position = end
    if position < len(text):
        pieces.append(Sentence(0, position, len(text), (Segment(text[position:],
                                                                frozenset()),)))
    return pieces


def _inside_quotation(text: str, start: int, end: int) -> bool:
    """The span stands inside quotation marks: an opening mark before it (after the last
    closing one) and a closing mark after it, within its paragraph."""
    before = text[:start].rsplit("\n", 1)[-1]
    after = text[end:].split("\n", 1)[0]
    straight = before.count('"') % 2 == 1
    curly = before.rfind("“") > before.rfind("”")
    return (straight and '"' in after) or (curly and "”" in after)


def _sentence_of(text: str, start: int, end: int) -> str:
    for left, right in sentence_spans(text):
        if left <= start < right:
            return text[left:max(right, end)]
    return text[start:end]


def speaker_names(speakers: Iterable[str]) -> dict[str, str]:
    """Each known speaker by full name and by surname ("Starmer" -> "Keir Starmer")."""
    names: dict[str, str] = {}
    for speaker in speakers:
        names.setdefault(speaker, speaker)
        surname = speaker.split()[-1] if speaker.split() else ""
        if len(surname) > 3 and surname.isalpha() and surname.istitle():
            names.setdefault(surname, speaker)
    return names


def _first(sentence: str, names: Mapping[str, str]) -> str:
    """The value of the name mentioned first in the (lower-cased) sentence, "" for none."""
    found = [(sentence.find(name.lower()), value) for name, value in names.items()
             if name and name.lower() in sentence]
    return min(found)[1] if found else ""


def suggest_citation(text: str, *, start: int, end: int, countries: Mapping[str, str],
                     speakers: Mapping[str, str]) -> SuggestedCitation | None:
    """The citation a selected span suggests; None for an empty or out-of-range span.
    `countries` maps names to codes, `speakers` names (and surnames) to full names."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end <= start:
        return None
    sentence = _sentence_of(text, start, end).lower()
    speaker = _first(sentence, speakers)
    country = _first(sentence, countries)
    if _inside_quotation(text, start, end) and speaker:
        attribution = Attribution.direct
    else:
        attribution = Attribution.reported if speaker else Attribution.outlet
    return SuggestedCitation(start=start, end=end, quote=text[start:end],
                             attribution=attribution, speaker=speaker, country_code=country)


@dataclass(frozen=True)
class TextMatch:
    source_id: int
    title: str
    snippet: str


def text_matches(sources: Iterable[tuple[int, str, str | None]], query: str,
                 *, limit: int = 50) -> list[TextMatch]:
    """Sources whose stored text (or title) holds `query`, case-insensitively, each with the
    words around its first match (curators search the articles they pasted)."""
    needle = query.strip().lower()
    if not needle:
        return []
    found: list[TextMatch] = []
    for source_id, title, text in sources:
        body = text or ""
        at = body.lower().find(needle)
        if at < 0 and needle not in title.lower():
            continue
        snippet = body[max(0, at - 80):at + len(needle) + 80] if at >= 0 else ""
        found.append(TextMatch(source_id, title, " ".join(snippet.split())))
        if len(found) >= limit:
            break
    return found
