"""The admin code a newcomer can follow (issue 12, point 5), as rules that fail when broken:
route modules never import each other (shared pieces live in admin_common / admin_forms / deps),
saves pass no callbacks, admin forms are typed dataclasses, the editing service is split by
aggregate, coded values are enums end to end (models, records, services, forms) and every one of
them has its label in app/labels.py."""

import ast
import dataclasses
import inspect
import re
import typing
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from sqlmodel import Session, select

import app.routes
import app.services.editing
from app import labels
from app.labels import (
    ACTION_LABELS,
    ATTRIBUTION_LABELS,
    FIELD_LABELS,
    FIRMNESS_LABELS,
    KIND_LABELS,
    LOCATION_CHIPS,
    LOCATION_LABELS,
    PRECISION_LABELS,
    ROLE_CHOICES,
    ROLE_LABELS,
    STANCE_LABELS,
)
from app.models import (
    Attribution,
    Citation,
    Commitment,
    Country,
    Event,
    Firmness,
    Kind,
    Location,
    Precision,
    Role,
    Source,
    Stance,
)
from app.routes import (
    admin,
    admin_citations,
    admin_common,
    admin_events,
    admin_forms,
    admin_sources,
    admin_suggestions,
)
from app.routes.admin_forms import AdminForm, commitment_values, country_values, event_values
from app.services.dataset import dataset_at
from app.services.editing.inputs import (
    CitationInput,
    CommitmentInput,
    CountryInput,
    EventInput,
    SourceInput,
)

ROUTES = Path(app.routes.__file__).parent
EDITING = Path(app.services.editing.__file__).parent
APP = ROUTES.parent
ADMIN_MODULES: list[ModuleType] = [admin, admin_citations, admin_events, admin_sources,
                                   admin_suggestions, admin_common, admin_forms]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _defines_router(path: Path) -> bool:
    return any(isinstance(node, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "router" for t in node.targets)
               for node in _tree(path).body)


def _imported_route_names(path: Path) -> set[str]:
    """The modules of app/routes that this file imports (however it spells the import)."""
    names: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module == "app.routes":
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.routes."):
            names.add((node.module or "").split(".")[2])
        elif isinstance(node, ast.Import):
            names.update(alias.name.split(".")[2] for alias in node.names
                         if alias.name.startswith("app.routes."))
    return names


def test_no_route_module_imports_another_route_module() -> None:
    route_modules = {path.stem for path in ROUTES.glob("*.py") if _defines_router(path)}
    assert {"admin", "admin_auth", "admin_citations", "admin_events"} <= route_modules
    assert not {"admin_common", "admin_forms", "deps"} & route_modules  # the shared ones
    crossed = {path.stem: sorted(_imported_route_names(path) & route_modules - {path.stem})
               for path in ROUTES.glob("*.py")}
    assert {module: names for module, names in crossed.items() if names} == {}


def test_admin_saves_are_plain_try_except_with_no_callbacks() -> None:
    for module in ADMIN_MODULES:
        path = Path(module.__file__ or "")
        source = path.read_text(encoding="utf-8")
        assert not any(isinstance(node, ast.Lambda) for node in ast.walk(_tree(path))), path
        assert "Callable" not in source and "attempt_save" not in source, path
    assert not hasattr(admin_common, "then")


def test_admin_forms_are_frozen_dataclasses_never_untyped_dicts() -> None:
    assert dataclasses.is_dataclass(AdminForm)
    form = admin_forms.admin_form("retract", "/admin/commitments/1/retract", {"version": "2"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.name = "other"  # type: ignore[misc]
    assert form.failed({"reason": "Required."}).errors == {"reason": "Required."}
    assert form.errors == {} and form.validate_url == "/admin/commitments/1/retract/validate"
    for module in ADMIN_MODULES:
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            hints = typing.get_type_hints(function)
            untyped = [arg for arg, hint in hints.items() if hint == dict[str, typing.Any]
                       and arg != "context"]
            assert untyped == [], f"{module.__name__}.{name}: {untyped}"


def test_every_admin_form_builder_returns_an_admin_form() -> None:
    builders = [admin_forms.citation_form, admin_forms.removal_form, admin_forms.new_citation_form,
                admin_forms.admin_form]
    for builder in builders:
        assert typing.get_type_hints(builder)["return"] is AdminForm


def test_editing_is_split_by_aggregate_with_small_functions() -> None:
    modules = {path.stem for path in EDITING.glob("*.py")}
    assert {"commitments", "citations", "sources", "countries", "events", "optimistic"} <= modules
    assert not (APP / "services" / "editing.py").exists()
    for path in [*EDITING.glob("*.py"), *(Path(m.__file__ or "") for m in ADMIN_MODULES)]:
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 300, path
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 40, f"{path.name}: {node.name} has {length} lines"


def test_form_prefill_lives_next_to_the_forms_not_in_services() -> None:
    for path in EDITING.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"def \w+_values\(", source), path


@pytest.mark.parametrize(("enum", "names"), [
    (Stance, STANCE_LABELS), (Kind, KIND_LABELS), (Role, ROLE_LABELS), (Role, ROLE_CHOICES),
    (Precision, PRECISION_LABELS), (Attribution, ATTRIBUTION_LABELS),
    (Firmness, FIRMNESS_LABELS), (Location, LOCATION_LABELS), (Location, LOCATION_CHIPS),
])
def test_every_enum_member_has_a_label(enum: type, names: dict[object, str]) -> None:
    assert set(names) == set(enum)
    assert all(label.strip() for label in names.values())


def test_every_audited_action_and_field_has_a_label() -> None:
    actions = set()
    for path in EDITING.glob("*.py"):
        actions.update(re.findall(r'"([a-z]+\.(?:add|edit|correct|retract|remove|review))"',
                                  path.read_text(encoding="utf-8")))
    assert actions and actions <= set(ACTION_LABELS)
    plumbing = {"id", "created_at", "updated_at", "version", "commitment_id"}
    for model in (Commitment, Citation, Source, Country, Event):
        assert set(model.model_fields) - plumbing <= set(FIELD_LABELS), model.__name__


def test_labels_are_defined_only_in_app_labels() -> None:
    """No other module writes a label table out as text (it may derive one from app/labels)."""
    for path in APP.rglob("*.py"):
        if path == Path(labels.__file__ or ""):
            continue
        for node in _tree(path).body:
            target = node.targets[0] if isinstance(node, ast.Assign) else (
                node.target if isinstance(node, ast.AnnAssign) else None)
            if not isinstance(target, ast.Name) or not re.search(r"LABELS?$|CHIPS$", target.id):
                continue
            value = node.value
            assert not (isinstance(value, ast.Dict) and any(
                isinstance(v, ast.Constant) and isinstance(v.value, str) for v in value.values)), \
                f"{path}: {target.id}"
            assert not (isinstance(value, ast.Constant) and isinstance(value.value, str)), \
                f"{path}: {target.id}"


def test_stored_coded_values_come_back_as_enums(db: Session) -> None:
    commitment = db.exec(select(Commitment)).first()
    citation = db.exec(select(Citation)).first()
    country = db.exec(select(Country)).first()
    assert commitment is not None and citation is not None and country is not None
    assert isinstance(commitment.kind, Kind) and isinstance(commitment.date_precision, Precision)
    assert isinstance(commitment.firmness, Firmness)
    assert isinstance(citation.attribution, Attribution) and isinstance(country.role, Role)
    country.role = Role.partner
    db.add(country)
    db.commit()
    db.expire_all()
    again = db.get(Country, country.code)
    assert again is not None and again.role is Role.partner


def test_form_values_round_trip_through_the_enums(db: Session) -> None:
    """Stored record -> the form's strings -> what the service writes: the same enum members."""
    dataset = dataset_at(session=db)
    assert dataset is not None
    for record in dataset.commitments:
        values = commitment_values(commitment=record, version=1)
        typed = CommitmentInput.parse(values)
        assert typed.kind is record.kind and typed.date_precision is record.date_precision
        assert typed.firmness is record.firmness and typed.date == record.date
        assert typed.cond_location is record.conditions.location
        assert typed.cond_after_ceasefire is record.conditions.after_ceasefire
        for cited in record.citations:
            assert CitationInput.parse({"attribution": cited.attribution.value, "quote": "q",
                                        "speaker": cited.speaker or ""}).attribution \
                is cited.attribution
    for country in dataset.countries:
        assert CountryInput.parse(country_values(country=country)).role is country.role
    for event in dataset.events:
        assert EventInput.parse(event_values(event=event)).date_precision is event.date_precision
    assert CommitmentInput.parse({"kind": "troops", "date": date(2026, 1, 1).isoformat(),
                                  "date_precision": "month"}).date_precision is Precision.month


@pytest.mark.parametrize(("typed", "model"), [
    (CommitmentInput, Commitment), (CitationInput, Citation), (SourceInput, Source),
    (CountryInput, Country), (EventInput, Event),
])
def test_each_form_is_a_typed_dataclass_of_its_rows_columns(typed: type, model: type) -> None:
    """What a save writes is a frozen dataclass whose fields are columns of the row it writes,
    typed as the row types them (the enums included): no `dict[str, Any]` of fields."""
    assert dataclasses.is_dataclass(typed)
    assert typed.__dataclass_params__.frozen
    hints, columns = typing.get_type_hints(typed), typing.get_type_hints(model)
    for name, hint in hints.items():
        assert name in columns, name
        assert hint == columns[name] or hint == columns[name] | None, name


def test_no_service_builds_a_row_from_an_untyped_dict_of_fields() -> None:
    for path in EDITING.glob("*.py"):
        assert not re.search(r"def \w+_fields\(", path.read_text(encoding="utf-8")), path
