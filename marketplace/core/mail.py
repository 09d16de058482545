"""Outgoing mail, sent only after the database commit that caused it.

Services call :func:`send_after_commit`; the message waits in the session and goes out
when the request's commit succeeds (a rollback drops it). Backends:

- ``outbox`` (development default): writes each message as an ``.eml`` file in
  ``OUTBOX_FOLDER`` and logs a line, so a developer can read password-reset links.
- ``memory`` (tests): keeps messages in ``app.extensions["mail_outbox"]``.
- ``log``: logs the whole message.
- ``smtp`` (production default): sends through ``SMTP_HOST``.

With the RQ job backend, committed mail goes through the queue instead (``infra`` sets
``app.extensions[DISPATCH]``): one job per message, retried on failure, sent once.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.core.clock import utcnow

log = logging.getLogger(__name__)
_PENDING = "pending_mail"
DISPATCH = "mail.dispatch"  # app.extensions key: how committed mail leaves (default: deliver)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def send_after_commit(session: Session, mail: Mail) -> None:
    """Queue ``mail`` on ``session``; it is delivered once the session commits."""
    session.info.setdefault(_PENDING, []).append(mail)


def deliver(app: Flask, mail: Mail) -> None:
    """Hand one message to the configured backend now. Delivery failures are logged,
    never raised: the change that caused the mail is already committed."""
    try:
        send_now(app, mail)
    except Exception:  # noqa: BLE001 - a mail outage must not undo committed work
        log.exception("could not deliver mail to %s", mail.to)


def send_now(app: Flask, mail: Mail) -> None:
    """Hand one message to the configured backend now; raises when it cannot (the
    background job retries on that)."""
    backend = app.config["MAIL_BACKEND"]
    msg = EmailMessage()
    msg["From"] = app.config["MAIL_SENDER"]
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg.set_content(mail.body)
    if backend == "memory":
        app.extensions.setdefault("mail_outbox", []).append(mail)
    elif backend == "outbox":
        folder = Path(app.config["OUTBOX_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{abs(hash(mail)) % 10**8}.eml"
        (folder / name).write_bytes(bytes(msg))
        log.info("mail to %s (%s) written to %s", mail.to, mail.subject, folder / name)
    elif backend == "log":
        log.info("mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
    elif backend == "smtp":
        with smtplib.SMTP(app.config["SMTP_HOST"], app.config["SMTP_PORT"], timeout=10) as smtp:
            if app.config["SMTP_STARTTLS"]:
                smtp.starttls()
            if app.config["SMTP_USERNAME"]:
                smtp.login(app.config["SMTP_USERNAME"], app.config["SMTP_PASSWORD"] or "")
            smtp.send_message(msg)
    else:
        log.error("unknown MAIL_BACKEND %r; mail to %s dropped", backend, mail.to)


@event.listens_for(Session, "after_commit")
def _deliver_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending and has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        # The background-job queue installs itself here (``infra``); by default, send now.
        dispatch = app.extensions.get(DISPATCH, deliver)
        for mail in pending:
            dispatch(app, mail)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:  # noqa: ANN001
    if not session.in_transaction():
        session.info.pop(_PENDING, None)
