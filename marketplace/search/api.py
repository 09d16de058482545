"""``GET /api/v1/search``: the stable search contract (see SPEC)."""

from __future__ import annotations

from flask import Response, current_app

from marketplace.extensions import db
from marketplace.search import answers, services
from marketplace.search.schemas import SearchOut, SearchQuery
from marketplace.web.api import endpoint


@endpoint("/search", summary="Find verified practitioners for a concern, near a place or online", tag="search",
          query=SearchQuery, response=SearchOut, errors=(503,))
def search(query: SearchQuery) -> SearchOut | Response:
    """Red flags (ticked in `red_flags` or stated in `q`) answer `urgent: true` with advice
    and no results. Free text that mentions a red flag without settling it answers
    `questions` and no results until the caller passes `red_flags` or `no_red_flags=true`.
    An unknown `near` is a 400 problem whose `suggestions` lists places it may mean.
    Identical searches within `SEARCH_CACHE_SECONDS` get the same answer (see
    :mod:`marketplace.search.answers`); any change to a listing retires it at once."""
    data = query.to_input()
    key = answers.key(data, *services.data_versions()) if answers.seconds() > 0 else None
    if key is not None and (body := answers.get(key)) is not None:
        return Response(body, mimetype="application/json")
    outcome = services.search(data, current_app.extensions["place_resolver"])
    db.session.commit()  # the anonymous urgent-outcome count, if any
    if key is None or not answers.cacheable(outcome):
        return SearchOut.of(outcome)
    body = current_app.json.dumps(SearchOut.of(outcome).model_dump(mode="json"))
    answers.put(key, body)
    return Response(body, mimetype="application/json")
