"""Credential upload and review forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from marketplace.practitioners.forms import CheckboxesField
from marketplace.verification.models import CredentialType
from marketplace.verification.services import CredentialInput
from marketplace.web.templating import choices

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png"


class CredentialForm(FlaskForm):
    type = SelectField("Kind of credential", choices=choices((t.value, t.label) for t in CredentialType))
    number = StringField("Licence or registration number", validators=[Length(max=80)])
    issuing_body = StringField("Issuing body", validators=[Length(max=200)],
                               description="The board or council that issued it, e.g. British Acupuncture Council")
    jurisdiction = StringField("Jurisdiction", validators=[Length(max=120)],
                               description="Where it is valid: a country, state or region")
    # Optional() here: a missing date is reported by the service, with its own words.
    issued_on = DateField("Issued on", validators=[Optional()])
    expires_on = DateField("Expires on", validators=[Optional()])
    modalities = CheckboxesField("Modalities this credential covers")
    document = FileField("Licence document (PDF, JPEG or PNG, up to 10 MB)",
                         render_kw={"accept": ACCEPTED_FILES})
    submit = SubmitField("Upload credential")

    def to_input(self) -> CredentialInput:
        return CredentialInput(
            type=self.type.data or "", number=self.number.data or "", issuing_body=self.issuing_body.data or "",
            jurisdiction=self.jurisdiction.data or "", issued_on=self.issued_on.data,
            expires_on=self.expires_on.data, modalities=self.modalities.data or [],
        )


class RejectForm(FlaskForm):
    reason = TextAreaField("Reason (the practitioner will see this)",
                           validators=[InputRequired("Say why, so the practitioner can put it right."),
                                       Length(max=2000)], render_kw={"rows": 4})
    submit = SubmitField("Reject")


class ApproveForm(FlaskForm):
    submit = SubmitField("Approve")


class SweepForm(FlaskForm):
    submit = SubmitField("Run expiry sweep now")


QUEUE_TABS = (("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected"),
              ("expired", "Expired"), ("all", "All"))
