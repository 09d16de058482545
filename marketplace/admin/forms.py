"""Admin forms: suspensions and the taxonomy."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from marketplace.taxonomy.services import TermInput

KIND_LABELS = {"concern": "Concern", "modality": "Modality", "technique": "Technique"}
PRACTITIONER_STATUSES = (("", "Any status"), ("visible", "Visible"), ("hidden", "Not visible"),
                         ("suspended", "Suspended"))
AUDIT_SUBJECTS = (("", "Everything"), ("credential", "Credentials"), ("practitioner", "Practitioners"),
                  ("concern", "Concerns"), ("modality", "Modalities"), ("technique", "Techniques"),
                  ("ranking", "Ranking factors"))


class SuspendForm(FlaskForm):
    reason = TextAreaField("Reason (the practitioner will see this)", validators=[Length(max=2000)],
                           render_kw={"rows": 3})
    submit = SubmitField("Suspend")


class UnsuspendForm(FlaskForm):
    reason = StringField("Note for the audit log (optional)", validators=[Length(max=2000)])
    submit = SubmitField("Lift suspension")


class TermForm(FlaskForm):
    slug = StringField("Slug", validators=[Length(max=80)],
                       description="Lower-case words joined by hyphens, e.g. neck-pain. It cannot change later.")
    name = StringField("Name", validators=[InputRequired("Give a name."), Length(max=120)])
    description = TextAreaField("Description", render_kw={"rows": 3})
    modality_slug = SelectField("Modality", choices=[], validate_choice=False)
    is_active = BooleanField("Offered to practitioners and seekers", default=True)
    submit = SubmitField("Save")

    def to_input(self) -> TermInput:
        return TermInput(slug=self.slug.data or "", name=self.name.data or "",
                         description=self.description.data or "", is_active=bool(self.is_active.data),
                         # Only techniques keep this field (views delete it for other kinds).
                         modality_slug=getattr(self.modality_slug, "data", None) or None)


class TermStateForm(FlaskForm):
    active = HiddenField()
