"""``GET /api/v1/search``: the stable search contract (see SPEC)."""

from __future__ import annotations

from flask import current_app

from marketplace.extensions import db
from marketplace.search import services
from marketplace.search.schemas import SearchOut, SearchQuery
from marketplace.web.api import endpoint


@endpoint("/search", summary="Find verified practitioners for a concern, near a place or online", tag="search",
          query=SearchQuery, response=SearchOut, errors=(503,))
def search(query: SearchQuery) -> SearchOut:
    """Red flags (ticked in `red_flags` or stated in `q`) answer `urgent: true` with advice
    and no results. Free text that mentions a red flag without settling it answers
    `questions` and no results until the caller passes `red_flags` or `no_red_flags=true`.
    An unknown `near` is a 400 problem whose `suggestions` lists places it may mean."""
    outcome = services.search(query.to_input(), current_app.extensions["place_resolver"])
    db.session.commit()  # the anonymous urgent-outcome count, if any
    return SearchOut.of(outcome)
