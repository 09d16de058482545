"""``GET /api/v1/search``: the stable search contract (see SPEC)."""

from __future__ import annotations

from flask import Response, request

from marketplace.geo.service import region_of
from marketplace.search import answers
from marketplace.search.schemas import SearchOut, SearchQuery
from marketplace.web.api import endpoint


@endpoint("/search", summary="Find verified practitioners for a concern, near a place or online", tag="search",
          query=SearchQuery, response=SearchOut, errors=(503,))
def search(query: SearchQuery) -> Response:
    """Red flags (ticked in `red_flags` or stated in `q`) answer `urgent: true` with advice
    and no results. Free text that mentions a red flag without settling it answers
    `questions` and no results until the caller passes `red_flags` or `no_red_flags=true`.
    Free text that names no concern answers concern `suggestions`; with results only when it
    names the care wanted ("acupuncture", "a Tamil-speaking physio"), everyone who offers it.
    An unknown `near` is a 400 problem whose `suggestions` lists places it may mean.
    Identical searches within `SEARCH_CACHE_SECONDS` get the same answer (see
    :mod:`marketplace.search.answers`); any change to a listing, and a booking with a
    practitioner it shows, retires it at once."""
    body = answers.answer(query.to_input(region_of(request.accept_languages.values())), "answer",
                          lambda outcome: SearchOut.of(outcome).model_dump_json())
    return Response(body, mimetype="application/json")
