"""What seekers and practitioners are told about a booking, and through which channels.

Each event (confirmation, change, cancellation, reminder, release, no-show) is composed
once per audience as a :class:`Message` and handed to every channel in :data:`CHANNELS`.
Today there are two, both in :func:`_in_app_and_mail`: the in-app notification and the
mail backend (mail leaves only after the commit, see ``marketplace.core.mail``).

**Adding SMS.** Write a function ``(user, message) -> None`` that queues a text with the
provider only after the commit (as ``core.mail.send_after_commit`` does) using
``message.short``, skip users without a verified phone number, and append it to
``CHANNELS``. Nothing else here changes.

Links are site paths (services have no request, so no ``url_for``); they must match the
routes in ``marketplace/booking/views.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from zoneinfo import ZoneInfo

from marketplace.accounts.models import User
from marketplace.booking.models import Booking
from marketplace.core.money import format_money
from marketplace.notifications.services import notify


@dataclass(frozen=True)
class Message:
    kind: str            # notification kind, e.g. "booking.confirmed"
    subject: str         # mail subject
    body: str            # full text (in-app and mail)
    short: str           # one line for SMS-sized channels
    link: str | None = None
    by_mail: bool = True


Channel = Callable[[User, Message], None]


def _in_app_and_mail(user: User, message: Message) -> None:
    notify(user, message.kind, message.body, link=message.link,
           mail_subject=message.subject if message.by_mail else None)


CHANNELS: list[Channel] = [_in_app_and_mail]


def deliver(user: User, message: Message) -> None:
    for channel in CHANNELS:
        channel(user, message)


# --- composing ----------------------------------------------------------------------------

def seeker_link(booking: Booking) -> str:
    return f"/bookings/{booking.id}"


def practitioner_link(booking: Booking) -> str:
    day = booking.starts_at.astimezone(ZoneInfo(booking.timezone)).date().isoformat()
    return f"/practitioner/schedule?view=day&date={day}"


def when(booking: Booking) -> str:
    """'Monday 30 March 2026, 09:00–10:00 (Europe/London time, UTC+01:00)'."""
    tz = ZoneInfo(booking.timezone)
    start, end = booking.starts_at.astimezone(tz), booking.ends_at.astimezone(tz)
    offset = start.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{start:%A} {start.day} {start:%B %Y, %H:%M}–{end:%H:%M} ({booking.timezone} time, {offset})"


def _what(booking: Booking) -> str:
    fee = booking.fee_label or f"{booking.minutes}-minute session"
    price = f" ({format_money(booking.amount, booking.currency)})" if booking.amount is not None and booking.currency else ""
    return f"{fee}{price}"


def _seeker_name(booking: Booking) -> str:
    return booking.seeker.email


def confirmed(booking: Booking) -> None:
    name = booking.practitioner.display_name
    deliver(booking.seeker, Message(
        "booking.confirmed", f"Booking confirmed with {name}",
        f"Your session with {name} is confirmed: {_what(booking)}, {when(booking)}, at {booking.place_label}.",
        f"Confirmed: {name}, {when(booking)}.", seeker_link(booking)))
    deliver(booking.practitioner.user, Message(
        "booking.confirmed", "New booking",
        f"New booking from {_seeker_name(booking)}: {_what(booking)}, {when(booking)}, at {booking.place_label}.",
        f"New booking: {when(booking)}.", practitioner_link(booking)))


def rescheduled(old: Booking, new: Booking) -> None:
    name = new.practitioner.display_name
    deliver(new.seeker, Message(
        "booking.changed", f"Booking moved: {name}",
        f"Your session with {name} has moved from {when(old)} to {when(new)}, at {new.place_label}.",
        f"Moved: {name}, now {when(new)}.", seeker_link(new)))
    deliver(new.practitioner.user, Message(
        "booking.changed", "Booking moved",
        f"The session with {_seeker_name(new)} has moved from {when(old)} to {when(new)}, at {new.place_label}.",
        f"Moved: now {when(new)}.", practitioner_link(new)))


def cancelled(booking: Booking, *, practitioner_told: bool = True) -> None:
    name = booking.practitioner.display_name
    who = "you" if booking.cancelled_by_id == booking.seeker_id else (
        name if booking.cancelled_by_id == booking.practitioner.user_id else "our team")
    refund = ""
    if booking.amount and booking.refund_percent is not None:
        refund = (" Any payment is refunded in full." if booking.refund_percent == 100 else
                  f" Under the cancellation policy {booking.refund_percent}% of the payment is refunded.")
    reason = f" Reason: {booking.cancellation_reason}" if booking.cancellation_reason else ""
    deliver(booking.seeker, Message(
        "booking.cancelled", f"Booking cancelled: {name}",
        f"Your session with {name} on {when(booking)} was cancelled by {who}.{refund}{reason}",
        f"Cancelled: {name}, {when(booking)}.", seeker_link(booking)))
    if practitioner_told:
        by = "you" if booking.cancelled_by_id == booking.practitioner.user_id else (
            _seeker_name(booking) if booking.cancelled_by_id == booking.seeker_id else "our team")
        deliver(booking.practitioner.user, Message(
            "booking.cancelled", "Booking cancelled",
            f"The session with {_seeker_name(booking)} on {when(booking)} was cancelled by {by}.{reason}",
            f"Cancelled: {when(booking)}.", practitioner_link(booking)))


def reminder(booking: Booking) -> None:
    name = booking.practitioner.display_name
    deliver(booking.seeker, Message(
        "booking.reminder", f"Reminder: your session with {name} tomorrow",
        f"A reminder: your session with {name} is on {when(booking)}, at {booking.place_label}. "
        "Need to change it? Open your bookings.",
        f"Reminder: {name}, {when(booking)}.", seeker_link(booking)))
    deliver(booking.practitioner.user, Message(
        "booking.reminder", "Reminder: session tomorrow",
        f"A reminder: your session with {_seeker_name(booking)} is on {when(booking)}, at {booking.place_label}.",
        f"Reminder: {when(booking)}.", practitioner_link(booking)))


def released(booking: Booking) -> None:
    """Only the seeker knew about the hold, so only they are told."""
    name = booking.practitioner.display_name
    reason = booking.release_reason or "It was not paid in time."
    deliver(booking.seeker, Message(
        "booking.released", f"Your hold with {name} was released",
        f"We released the time we were holding for you with {name} ({when(booking)}): {reason} "
        "Nothing was charged. You can book another time.",
        f"Hold released: {name}, {when(booking)}.", seeker_link(booking)))


def no_show(booking: Booking) -> None:
    name = booking.practitioner.display_name
    deliver(booking.seeker, Message(
        "booking.no_show", f"Missed session with {name}",
        f"{name} marked the session on {when(booking)} as missed. If that is a mistake, contact them.",
        f"Marked missed: {name}, {when(booking)}.", seeker_link(booking), by_mail=False))
