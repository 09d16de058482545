"""Admin forms for the matching data: concern phrases, relevance weights and ranking factors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange

from marketplace.taxonomy.matching_data import PHRASE_MAX, PhraseInput, RelevanceInput

_WEIGHT_INPUT = {"type": "number", "min": "0", "max": "1", "step": "0.05", "inputmode": "decimal"}
_WEIGHT_RANGE = NumberRange(min=0, max=1, message="Give a weight between 0 and 1, e.g. 0.8.")


class PhraseForm(FlaskForm):
    concern = SelectField("Concern", choices=[], validate_choice=False)  # the service checks it
    text = StringField("Phrase", validators=[InputRequired("Type the words a seeker might use."),
                                             Length(max=PHRASE_MAX)],
                       description="Words a seeker might type, e.g. “tennis back”. Plurals and tenses match "
                                   "on their own.")
    weight = FloatField("Weight", default=1.0, render_kw=_WEIGHT_INPUT,
                        validators=[InputRequired("Give a weight between 0 and 1, e.g. 0.8."), _WEIGHT_RANGE],
                        description="1 when the phrase names the concern; lower for a hint (e.g. 0.4 for “desk”).")
    submit = SubmitField("Add phrase")

    def to_input(self) -> PhraseInput:
        return PhraseInput(concern_slug=self.concern.data or "", text=self.text.data or "",
                           weight=float(self.weight.data if self.weight.data is not None else -1))


class RelevanceForm(FlaskForm):
    concern = SelectField("Concern", choices=[], validate_choice=False)
    term = SelectField("Modality or technique", choices=[], validate_choice=False)
    weight = FloatField("Weight", render_kw=_WEIGHT_INPUT,
                        validators=[InputRequired("Give a weight between 0 and 1, e.g. 0.8."), _WEIGHT_RANGE],
                        description="1 for the best fit; 0 for no particular fit.")
    submit = SubmitField("Save weight")

    def to_input(self) -> RelevanceInput:
        return RelevanceInput(concern_slug=self.concern.data or "", term_slug=self.term.data or "",
                              weight=float(self.weight.data if self.weight.data is not None else -1))


class RankingFactorForm(FlaskForm):
    """One factor's new value; its range is the factor's own (the service checks it)."""

    factor = HiddenField()
    value = FloatField("Value", validators=[InputRequired("Give a number.")])
