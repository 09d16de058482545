"""HTML pages (placeholder until the pages land)."""

from flask import Blueprint

bp = Blueprint("practitioners", __name__)
