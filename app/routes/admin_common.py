"""What every admin route module shares: the latest dataset, form specs, the saved redirect and
the conflict page. Admin route modules import this module, never each other."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.db import SessionDep
from app.models import SuggestionStatus
from app.routes.admin_auth import Curator, admin_response
from app.services import editing, suggestions
from app.services.audit import TrailEntry
from app.services.dataset import dataset_at
from app.services.merging import Merge, base_field, reconcile
from app.services.records import Dataset
from app.services.validation import FieldErrors

FormSpec = dict[str, Any]

UNCHOSEN = "Both of you changed this: choose the latest saved value or yours."


def latest_dataset(session: SessionDep) -> Dataset:
    dataset = dataset_at(session=session)
    if dataset is None:
        raise HTTPException(503, detail="No dataset has been published yet: run the seed command.")
    return dataset


def form_spec(name: str, action: str, values: dict[str, str], errors: FieldErrors | None = None,
              *, base: dict[str, str] | None = None, **extra: Any) -> FormSpec:
    """A form as the templates render it. `base`: the stored values an edit form was opened
    with (carried in a hidden field for the three-way merge, app/services/merging.py)."""
    spec: FormSpec = {"name": name, "action": action, "validate_url": f"{action}/validate",
                      "values": values, "errors": errors or {}, "clashes": {}, **extra}
    if base is not None:
        spec["base"] = base_field(base)
    elif values.get("base"):
        spec["base"] = values["base"]
    return spec


@dataclass(frozen=True)
class Latest:
    """A record's stored values as its edit form shows them, and its version."""

    values: dict[str, str]
    version: int

    @classmethod
    def of(cls, values: dict[str, str], *, version: int,
           skip: tuple[str, ...] = ()) -> "Latest":
        return cls(values={k: v for k, v in values.items() if k not in {"version", *skip}},
                   version=version)


def submitted_version(form: dict[str, str]) -> int:
    raw = form.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


def merged(form: dict[str, str], latest: Latest) -> Merge:
    return reconcile(form=form, theirs=latest.values, version=latest.version,
                     submitted_version=submitted_version(form))


def with_clashes(spec: FormSpec, merge: Merge) -> FormSpec:
    """The form on the conflict page: fields both sides changed shown side by side."""
    errors = {clash.name: UNCHOSEN for clash in merge.clashes if clash.unchosen}
    return {**spec, "clashes": {clash.name: clash for clash in merge.clashes},
            "errors": {**spec["errors"], **errors}}


def saved(target: str, revision: int) -> Response:
    """POST-redirect-GET: the page says "Saved as revision N" (a reload never re-posts)."""
    return RedirectResponse(then(revision, target), status_code=303)


def saved_revision(request: Request) -> int | None:
    raw = request.query_params.get("saved", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def conflict_page(request: Request, curator: Curator, spec: FormSpec, *,
                  changes: list[TrailEntry], dataset: Dataset | None) -> Response:
    """409: what others saved since the form was opened, and the curator's form (merged)."""
    context = {"curator": curator, "form": spec, "changes": changes,
               "sources": dataset.sources if dataset else [],
               "events": dataset.events if dataset else [],
               "names": {c.code: c.name for c in dataset.countries} if dataset else {}}
    return admin_response(request, "admin/conflict.html", context, status_code=409)


def then(revision: int, target: str) -> str:
    """Where to go once a save has published its revision (the page says which)."""
    separator = "&" if "?" in target else "?"
    return f"{target}{separator}saved={revision}"


def attempt_save(request: Request, curator: Curator, spec: FormSpec,
                 rerender: Callable[[FormSpec, int], Response],
                 save: Callable[[], str], dataset: Dataset | None = None) -> Response:
    """Run an additive save (nothing stored is overwritten); on invalid input re-render the page
    (422), on a stale version the conflict page (409) with the curator's input, on success
    redirect (303) to the returned URL."""
    try:
        return RedirectResponse(save(), status_code=303)
    except editing.ValidationFailed as failed:
        return rerender({**spec, "errors": failed.errors}, 422)
    except editing.VersionConflict as conflict:
        values = {**spec["values"], "version": str(conflict.current_version)}
        return conflict_page(request, curator, {**spec, "values": values},
                             changes=conflict.changes, dataset=dataset)
    except editing.RecordNotFound as missing:
        raise HTTPException(404, detail=str(missing)) from missing


def from_suggestion(request: Request, session: SessionDep, *, new: bool) -> dict[str, str]:
    """Form values prefilled from the open suggestion named by `?suggestion=N` (accepting it):
    a new commitment gets its source address and quote, a correction a reason naming it."""
    raw = request.query_params.get("suggestion", "")
    if not raw.isdigit() or len(raw) > 9:
        return {}
    try:
        suggestion = suggestions.get_suggestion(session=session, suggestion_id=int(raw))
    except suggestions.SuggestionNotFound:
        return {}
    if suggestion.status != SuggestionStatus.open.value:
        return {}
    values = {"suggestion_id": str(suggestion.id),
              "reason": f"Suggested by a reader (suggestion {suggestion.id}): "}
    if new and suggestion.source_url:
        values.update(source_id="new", new_source_url=suggestion.source_url)
    if new and suggestion.quote:
        values["quote"] = suggestion.quote
    return values
