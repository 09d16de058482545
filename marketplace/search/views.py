"""The search page: one GET form (bookmarkable, shareable), one service call.

The view parses the query string into a :class:`SearchInput`, asks
:func:`marketplace.search.answers.answer` (the search, committed because it may count an
urgent outcome anonymously, or an identical one's cached outcome) and renders. Answers to the screening questions travel in the URL
of the search they belong to and are stored nowhere by this page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, render_template, request, url_for

from marketplace.core.errors import DomainError, ValidationFailed
from marketplace.extensions import db
from marketplace.geo.service import PlaceNotFound, region_of
from marketplace.matching.safety import CAUTIONS, RED_FLAGS
from marketplace.matching.scoring import how_ordered
from marketplace.search import answers, services
from marketplace.search.forms import ANSWER_PREFIX, MODES, SORTS, SearchForm, settled
from marketplace.search.outcome import ANY_THERAPY, SearchOutcome
from marketplace.taxonomy import services as taxonomy
from marketplace.web.templating import apply_errors

bp = Blueprint("search", __name__)
PER_PAGE = 20
# Tiles are the only thing the page may fetch from elsewhere; the page works without them.
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'


def _form() -> SearchForm:
    techniques: dict[str, list[tuple[str, str]]] = {}
    for t in taxonomy.techniques():
        techniques.setdefault(t.modality.name, []).append((t.slug, t.name))
    g.search_args = settled(request.args, services.names_a_place)  # what the page's links start from, too
    return SearchForm(
        g.search_args,
        concerns=[(c.slug, c.name) for c in taxonomy.concerns()],
        modalities=[(m.slug, m.name) for m in taxonomy.modalities()],
        techniques=sorted(techniques.items()),
    )


def _map_data(outcome: SearchOutcome | None) -> dict[str, Any] | None:
    """What the map draws: the search centre and the in-person results (the same
    people, in the same order, as the list)."""
    if outcome is None or outcome.urgent or outcome.place is None:
        return None
    markers = [
        {"id": r.practitioner_id, "name": r.display_name, "lat": r.location.lat, "lon": r.location.lon,
         "url": url_for("public.profile", practitioner_id=r.practitioner_id),
         "place": r.location.label, "distance_km": round(r.distance_km, 1) if r.distance_km is not None else None}
        for r in outcome.results if r.location is not None and r.distance_km is not None
    ]
    if not markers:
        return None
    place = outcome.place
    return {"centre": {"lat": place.lat, "lon": place.lon, "label": place.label}, "markers": markers}


def _search_url(**changes: Any) -> str:
    """This search's URL with ``changes`` (None drops a key; lists repeat it). Unlike
    ``page_args`` it keeps every value of repeated keys (cautions, red flags)."""
    args: dict[str, Any] = g.get("search_args", request.args).to_dict(flat=False)
    for key, value in changes.items():
        args.pop(key, None)
        if value not in (None, "", []):
            args[key] = value
    return url_for("search.search", **args)


@bp.get("/search")
def search() -> tuple[str, int] | str:
    form = _form()
    outcome: SearchOutcome | None = None
    suggestions: list[str] = []
    status = 200
    if form.is_submitted and form.validate():
        try:
            # Identical searches share one outcome for a short while (urgent ones never).
            region = region_of(request.accept_languages.values())
            outcome = answers.answer(form.to_input(PER_PAGE, region), "outcome", lambda found: found)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc, aliases={"per_page": "page"})
            form.surface_hidden_errors()
            suggestions = [str(s) for s in (exc.extensions.get("suggestions") or [])]
            if suggestions:  # offered as links below the error: not listed in it as well
                hint = PlaceNotFound.hint(suggestions)
                form.near.errors = [e.replace(hint, "") for e in form.near.errors]
                suggestions = suggestions[:5]
        except DomainError as exc:  # e.g. the geocoder is down: say so on the page, keep the form
            db.session.rollback()
            form.form_errors = [*getattr(form, "form_errors", []), exc.detail]
            status = exc.status
    therapies, venue, said_mode, language = (
        (outcome.therapies_from_text, outcome.venue_from_text, outcome.mode_from_text, outcome.language_from_text)
        if outcome is not None else ((), None, None, None))
    if form.modality.data == ANY_THERAPY or therapies:
        form.offer_every_therapy(therapies, outcome.therapies_named if outcome is not None else "")
    if venue is not None:  # an "any" sent back is offered as the form is made
        form.offer_every_venue(venue)
    if form.mode.data == "any" or said_mode is not None:
        form.offer_every_mode(said_mode)
    form.offer_every_language(language)
    if outcome is not None and outcome.gender_from_text is not None:
        form.offer_every_gender(outcome.gender_from_text)
    form.offer_place(outcome.place_from_text if outcome is not None else None)
    if outcome is not None and outcome.place_suggestions:  # "physio in Karnataka": its towns, under "Near"
        suggestions = list(outcome.place_suggestions)
    form.offer_budget(outcome.budget_from_text if outcome is not None else None)
    form.offer_left_out(outcome.declined_from_text if outcome is not None else ())
    if outcome is not None:
        form.offer_radius(outcome.radius_from_text, outcome.input.radius_km)
    return render_template(
        "search/search.html", form=form, outcome=outcome, place_suggestions=suggestions,
        red_flags=RED_FLAGS, cautions=CAUTIONS, modes=MODES,
        answer_prefix=ANSWER_PREFIX, map_data=_map_data(outcome), search_url=_search_url,
        concern_names={c.slug: c.name for c in outcome.concerns} if outcome else {},
        how_ordered=how_ordered(services.ordering(outcome.input, outcome.place), concern=bool(outcome.concerns),
                                online=outcome.input.mode != "in_person") if outcome and outcome.results else [],
        sorts=SORTS,
        tile_url=current_app.config.get("MAP_TILE_URL", DEFAULT_TILE_URL),
        tile_attribution=current_app.config.get("MAP_TILE_ATTRIBUTION", DEFAULT_TILE_ATTRIBUTION),
    ), status
