"""Countries side by side: `/compare?c=fr,de,pl` (2–4 countries) and its JSON twin."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from app.routes.deps import DatasetDep, page_with_twin
from app.routes.query import is_twin, today
from app.services.compare import ChoiceError, Comparison, chosen_codes, compare_countries
from app.templating import page_response
from app.web.responses import json_error

router = APIRouter(include_in_schema=False)


@page_with_twin(router, path="/compare")
def compare_page(request: Request, dataset: DatasetDep, c: str = "") -> Response:
    """The chosen countries side by side (`/compare.json`: the same view as JSON)."""
    error: str | None = None
    view: Comparison | None = None
    try:
        codes = chosen_codes(dataset=dataset, text=c)
        view = compare_countries(dataset=dataset, codes=codes, as_of=today())
    except ChoiceError as refused:
        error = str(refused)
    if is_twin(request):
        if view is None:
            return json_error(error or "Choose 2 to 4 countries.", 422)
        return JSONResponse(view.model_dump(mode="json"))
    context = {"dataset": dataset, "view": view, "error": error, "chosen": c[:100],
               "countries": sorted(dataset.countries, key=lambda country: country.name)}
    return page_response(request, "compare.html", context, status_code=422 if error and c else 200)
