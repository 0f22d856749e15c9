"""Countries side by side: `/compare?c=fr,de,pl` (2–4 countries) and its JSON twin."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.routes.deps import DatasetDep, resolve_as_of
from app.services.compare import ChoiceError, chosen_codes, compare_countries
from app.templating import page_response
from app.web.responses import json_error

router = APIRouter(include_in_schema=False)


@router.get("/compare.json")
def compare_json(dataset: DatasetDep, c: str = "") -> Response:
    try:
        codes = chosen_codes(dataset=dataset, text=c)
    except ChoiceError as error:
        return json_error(str(error), 422)
    view = compare_countries(dataset=dataset, codes=codes, as_of=resolve_as_of(None))
    return JSONResponse(view.model_dump(mode="json"))


@router.get("/compare")
def compare_page(request: Request, dataset: DatasetDep, c: str = "") -> Response:
    error, view = None, None
    try:
        codes = chosen_codes(dataset=dataset, text=c)
        view = compare_countries(dataset=dataset, codes=codes, as_of=resolve_as_of(None))
    except ChoiceError as refused:
        error = str(refused)
    context = {"dataset": dataset, "view": view, "error": error, "chosen": c[:100],
               "countries": sorted(dataset.countries, key=lambda country: country.name)}
    return page_response(request, "compare.html", context, status_code=422 if error and c else 200)
