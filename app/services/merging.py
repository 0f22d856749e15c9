"""Three-way merge of an edit form, so that no saved value is ever lost.

Every edit form carries the values it was opened with (its *base*: one hidden field `base`
holding them as a JSON object, so line breaks survive)
beside what the curator typed (*yours*). Before a save the latest stored values (*theirs*) are
read again and each field is decided on its own:

- the curator did not touch it (yours == base): the latest saved value, never the stale base;
- only the curator changed it (theirs == base): the curator's value;
- both changed it to the same value: that value;
- both changed it differently: a *clash*, shown side by side; the save is refused until the
  curator chooses (`choose.NAME` = `theirs` or `yours`). A field listed in the hidden `pending`
  (clashes shown on the conflict page) must be chosen explicitly even if nobody changed it since.

Pure functions over the strings the forms hold: no database, no web framework.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

BASE = "base"
CHOICE_PREFIX = "choose."
PENDING = "pending"


class Side(StrEnum):
    theirs = "theirs"
    yours = "yours"


@dataclass(frozen=True)
class Clash:
    """A field both curators changed differently (or one still waiting for a choice)."""

    name: str
    theirs: str
    yours: str
    unchosen: bool  # it was already shown side by side and the curator chose neither


@dataclass(frozen=True)
class Merge:
    values: dict[str, str]  # every merged field; a clash keeps the curator's value
    clashes: tuple[Clash, ...]

    @property
    def clean(self) -> bool:
        return not self.clashes


def same(left: str, right: str) -> bool:
    """Equal as the curator sees them (browsers send text areas with CRLF line ends)."""
    return normalised(left) == normalised(right)


def normalised(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def base_of(form: Mapping[str, str]) -> dict[str, str]:
    """The values the form was opened with (empty for a form that carries none)."""
    try:
        parsed = json.loads(form.get(BASE) or "{}")
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {str(key): value for key, value in parsed.items() if isinstance(value, str)}


def base_field(values: Mapping[str, str]) -> str:
    """The hidden `base` field of a form opened with these values."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True)


def pending_of(form: Mapping[str, str]) -> frozenset[str]:
    return frozenset(name for name in form.get(PENDING, "").split(",") if name)


def choice_of(form: Mapping[str, str], name: str) -> Side | None:
    raw = form.get(CHOICE_PREFIX + name, "")
    return Side(raw) if raw in Side.__members__ else None


def merge_field(*, name: str, base: str, theirs: str, yours: str, choice: Side | None,
                pending: bool) -> str | Clash:
    """One field's merged value, or the clash the curator must settle."""
    if not same(theirs, base) and not same(yours, base) and not same(theirs, yours):
        return Clash(name=name, theirs=theirs, yours=yours, unchosen=False)
    if pending and choice is None:
        return Clash(name=name, theirs=theirs, yours=yours, unchosen=True)
    if choice is Side.theirs or same(yours, base):
        return theirs
    return yours


def three_way(*, base: Mapping[str, str], theirs: Mapping[str, str],
              form: Mapping[str, str], pending: frozenset[str] = frozenset()) -> Merge:
    """Merge the fields of `theirs` (the stored record as its form) with the posted `form`."""
    values: dict[str, str] = {}
    clashes: list[Clash] = []
    for name, latest in theirs.items():
        outcome = merge_field(name=name, base=base.get(name, latest), theirs=latest,
                              yours=form.get(name, ""), choice=choice_of(form, name),
                              pending=name in pending)
        if isinstance(outcome, Clash):
            clashes.append(outcome)
            values[name] = outcome.yours
        else:
            values[name] = outcome
    return Merge(values=values, clashes=tuple(clashes))


def reconcile(*, form: Mapping[str, str], theirs: Mapping[str, str], version: int,
              submitted_version: int) -> Merge:
    """What to save from a posted edit form, given the record's latest form and version.

    A form with a base is always merged (so a stale base can never be written back). A form
    without one (an old page, a script) saves as typed while its version is current; when it is
    stale every field it differs on must be chosen explicitly."""
    base = base_of(form)
    if not base and submitted_version == version:
        return Merge(values=dict(form), clashes=())
    pending = pending_of(form) if base else frozenset(
        name for name, latest in theirs.items() if not same(form.get(name, ""), latest))
    merge = three_way(base=base or dict(theirs), theirs=theirs, form=form, pending=pending)
    return Merge(values={**form, **merge.values, "version": str(version)},
                 clashes=merge.clashes)
