"""Admin pages for the matching data: the phrases that point at each concern (with a
box to try the live matcher), how well each modality or technique fits a concern, and how
much each factor of the ranking counts."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from marketplace.accounts.models import Role
from marketplace.core.errors import NotFound
from marketplace.matching.safety import CAUTIONS, RED_FLAGS
from marketplace.matching.understanding import screen_text
from marketplace.taxonomy import matching_data, ranking
from marketplace.taxonomy import services as taxonomy
from marketplace.taxonomy.forms import PhraseForm, RankingFactorForm, RelevanceForm
from marketplace.taxonomy.matching import current_matcher, matching_version
from marketplace.taxonomy.models import Concern
from marketplace.web.actions import attempt
from marketplace.web.auth import roles_required
from marketplace.web.templating import apply_errors, choices

bp = Blueprint("taxonomy", __name__, url_prefix="/admin/matching")

TRY_MAX = 500


@bp.before_request
@roles_required(Role.ADMIN)
def _admins_only() -> None:
    """Every page under /admin/matching: anonymous → sign in, other roles → 403."""
    return None


@bp.get("/")
def index() -> Response:
    return redirect(url_for("taxonomy.phrases"))


def _concern_choices(concerns: list[Concern]) -> list:
    return choices([("", "Choose…")] + [(c.slug, c.name if c.is_active else f"{c.name} (retired)")
                                        for c in concerns])


def _selected(concerns: list[Concern], slug: str | None) -> Concern | None:
    return next((c for c in concerns if c.slug == slug), None) if slug else None


# --- Phrases ----------------------------------------------------------------------------------

def _trial(text: str) -> dict | None:
    """What the live matcher (and the safety screen) make of ``text``, for the page."""
    if not text:
        return None
    matcher = current_matcher()
    matches = matcher.match(text)
    screening = screen_text(text)
    return {
        "text": text,
        "matches": [(m, matcher.concern_names.get(m.slug, m.slug)) for m in matches],
        "suggestions": [] if matches else matcher.suggest(text),
        "red_flags": [RED_FLAGS[c] for c in sorted(screening.red_flags)],
        "cautions": [CAUTIONS[c] for c in sorted(screening.cautions)],
    }


def _phrases_page(form: PhraseForm, concern_slug: str | None) -> str:
    concerns = list(taxonomy.concerns(active_only=False))
    selected = _selected(concerns, concern_slug)
    form.concern.choices = _concern_choices(concerns)
    rows = matching_data.phrases(selected)
    groups = [(concern, list(items)) for concern, items in groupby(rows, key=lambda p: p.concern)]
    q = request.args.get("q", "").strip()[:TRY_MAX]
    return render_template("taxonomy/phrases.html", form=form, concerns=concerns, selected=selected, groups=groups,
                           total=len(rows), q=q, trial=_trial(q), version=matching_version(),
                           removed=matching_data.removed_defaults("phrase", selected))


@bp.get("/phrases")
def phrases() -> str:
    concern_slug = request.args.get("concern", "")
    return _phrases_page(PhraseForm(formdata=None, concern=concern_slug), concern_slug)


@bp.post("/phrases")
def add_phrase() -> str | Response:
    form = PhraseForm()
    if form.validate_on_submit():
        phrase, error = attempt(lambda: matching_data.add_phrase(form.to_input(), current_user))
        if error:
            apply_errors(form, error)
        else:
            flash(f"Added “{phrase.text}” to {phrase.concern.name}. Search uses it from now on.", "success")
            return redirect(url_for("taxonomy.phrases", concern=phrase.concern.slug) + "#phrases")
    return _phrases_page(form, form.concern.data)


@bp.post("/phrases/<int:phrase_id>/delete")
def delete_phrase(phrase_id: int) -> Response:
    # Back to the list as it was filtered (an unknown slug just shows every concern).
    back = url_for("taxonomy.phrases", concern=request.form.get("filter", "")[:80] or None) + "#phrases"
    try:
        text = matching_data.get_phrase(phrase_id).text
        _, error = attempt(lambda: matching_data.remove_phrase(phrase_id, current_user))
    except NotFound:  # a second tab, or another admin, removed it first: what was wanted is done
        flash("That phrase was already removed (perhaps by another admin): nothing more to do.", "info")
        return redirect(back)
    if error:
        flash(error.detail, "error")
    else:
        flash(f"Removed “{text}”. It stays removed when the packaged defaults are loaded again; "
              "add it back here any time.", "success")
    return redirect(back)


# --- Relevance --------------------------------------------------------------------------------

def _term_choices() -> list:
    pairs = [("", "Choose…")]
    for modality in taxonomy.modalities(active_only=False):
        pairs.append((modality.slug, f"{modality.name} (modality)"))
        pairs.extend((t.slug, f"— {t.name}") for t in modality.techniques if t.slug != modality.slug)
    return choices(pairs)


def _relevance_form(form: RelevanceForm, concerns: list[Concern], selected: Concern | None) -> RelevanceForm:
    form.concern.choices = _concern_choices(concerns)
    form.term.choices = _term_choices()
    if selected is not None and not form.concern.data:
        form.concern.data = selected.slug
    return form


def _relevance_page(form: RelevanceForm, concern_slug: str | None) -> str:
    concerns = list(taxonomy.concerns(active_only=False))
    selected = _selected(concerns, concern_slug) or next((c for c in concerns if c.is_active), None)
    rows = list(matching_data.relevance_weights(selected)) if selected is not None else []
    # A failed edit of a listed weight shows its errors on that row; the add form stays blank.
    failed_row = form.term.data if form.errors and form.term.data in {r.term_slug for r in rows} else None
    add_form = RelevanceForm(formdata=None) if failed_row else form
    return render_template("taxonomy/relevance.html", form=form, add_form=_relevance_form(add_form, concerns, selected),
                           concerns=concerns, selected=selected, rows=rows, names=matching_data.term_names(),
                           failed_row=failed_row, version=matching_version(),
                           removed=matching_data.removed_defaults("relevance", selected) if selected else [])


@bp.get("/relevance")
def relevance() -> str:
    return _relevance_page(RelevanceForm(formdata=None), request.args.get("concern"))


@bp.post("/relevance")
def set_relevance() -> str | Response:
    form = RelevanceForm()
    if form.validate_on_submit():
        row, error = attempt(lambda: matching_data.set_relevance(form.to_input(), current_user))
        if error:
            apply_errors(form, error)
        else:
            name = matching_data.term_names().get(row.term_slug, row.term_slug)
            flash(f"{name} now fits {row.concern.name} at {row.weight:g}.", "success")
            return redirect(url_for("taxonomy.relevance", concern=row.concern.slug) + "#weights")
    return _relevance_page(form, form.concern.data)


@bp.post("/relevance/<concern>/<term>/delete")
def delete_relevance(concern: str, term: str) -> Response:
    try:
        _, error = attempt(lambda: matching_data.remove_relevance(concern, term, current_user))
    except NotFound:  # a second tab, or another admin, removed it first
        flash(f"The weight for {matching_data.term_names().get(term, term)} was already removed (perhaps by "
              "another admin): nothing more to do.", "info")
        return redirect(url_for("taxonomy.relevance", concern=concern) + "#weights")
    if error:
        flash(error.detail, "error")
        return redirect(url_for("taxonomy.relevance"))
    flash(f"Removed the weight for {matching_data.term_names().get(term, term)}. It stays removed when the "
          "packaged defaults are loaded again; set it here any time.", "success")
    return redirect(url_for("taxonomy.relevance", concern=concern) + "#weights")


# --- Ranking factors --------------------------------------------------------------------------

def _ranking_page(form: RankingFactorForm | None = None) -> str:
    factors = ranking.factor_values()
    weights = ranking.stored_weights()
    return render_template("taxonomy/ranking.html", factors=factors, form=form,
                           failed=form.factor.data if form is not None else None, extras=ranking.extras(weights),
                           fit=weights.relevance,
                           extra_labels=[f.factor.label for f in factors if f.factor.name in ranking.EXTRAS],
                           version=matching_version())


@bp.get("/ranking")
def ranking_factors() -> str:
    return _ranking_page()


@bp.post("/ranking")
def set_ranking_factor() -> str | Response:
    form = RankingFactorForm()
    if form.validate_on_submit():
        value, error = attempt(lambda: ranking.set_factor(form.factor.data or "", form.value.data, current_user))
        if error:
            apply_errors(form, error)
        else:
            label = ranking.factor(form.factor.data).label
            flash(f"{label} now counts {value:g}. Search ranks with it from the next search.", "success")
            return redirect(url_for("taxonomy.ranking_factors") + f"#factor-{form.factor.data}")
    return _ranking_page(form)


@bp.post("/ranking/<name>/reset")
def reset_ranking_factor(name: str) -> Response:
    value, error = attempt(lambda: ranking.reset_factor(name, current_user))
    if error:
        flash(error.errors.get("value", [error.detail])[0] if error.errors else error.detail, "error")
    else:
        flash(f"Back to the default, {value:g}.", "success")
    return redirect(url_for("taxonomy.ranking_factors") + f"#factor-{name}")
