"""Deleting an account: upcoming sessions are cancelled and refunded by the policy, the
person can no longer sign in, their email is free again, and the books still add up with
the user de-identified."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from marketplace.accounts.models import Role, User
from marketplace.audit.models import AuditEntry
from marketplace.booking.models import BookingStatus
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from marketplace.payments import ledger
from marketplace.payments.models import OrderStatus, RefundStatus
from marketplace.practitioners.models import Gender
from marketplace.search.models import SearchProfile
from marketplace.verification.models import Credential
from tests.builders import PASSWORD, bearer, csrf_token, login, make_admin, make_credential, make_user
from tests.privacy.helpers import paid_order


def _delete(client, headers: dict[str, str], password: str = PASSWORD):  # noqa: ANN001, ANN202
    return client.delete("/api/v1/me", json={"password": password}, headers=headers)


def _sign_in(client, email: str, password: str = PASSWORD) -> int:  # noqa: ANN001
    return client.application.test_client().post(
        "/api/v1/auth/tokens", json={"email": email, "password": password}).status_code


def test_a_wrong_password_is_a_400_problem_and_nothing_is_deleted(app, client):
    seeker = make_user(Role.SEEKER)
    headers = bearer(client, seeker)
    for body in ({"password": "not-my-password"}, {}):
        response = client.delete("/api/v1/me", json=body, headers=headers)
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
        assert "password" in response.get_json()["errors"]
    db.session.expire_all()
    assert seeker.deleted_at is None and not seeker.is_disabled
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert _sign_in(client, seeker.email) == 201


def test_deleting_needs_a_signed_in_user(client):
    response = client.delete("/api/v1/me", json={"password": PASSWORD})
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_seeker_deletes_by_api_their_paid_session_is_refunded_and_the_books_add_up(app, client, sdk, outbox):
    order = paid_order(app, client, sdk)
    seeker = order.seeker
    email, user_id = seeker.email, seeker.id
    old_notes = [n.id for n in db.session.scalars(select(Notification).where(Notification.user_id == user_id))]
    assert old_notes
    headers = bearer(client, seeker)
    outbox.clear()

    response = _delete(client, headers)

    assert response.status_code == 204, response.get_json()
    db.session.expire_all()
    # The upcoming session is cancelled; before the cut-off the policy refunds it in full.
    booking = order.booking
    assert booking.status is BookingStatus.CANCELLED and booking.refund_percent == 100
    [refund] = order.refunds
    assert refund.amount == 7500 and refund.status is RefundStatus.SUCCEEDED
    assert order.status is OrderStatus.REFUNDED and sdk.v1.refunds.retrieve(refund.stripe_refund_id).amount == 7500
    # The money records stay, pointing at the de-identified user; the ledger still adds up.
    assert order.seeker_id == user_id
    assert all(r.adds_up for r in ledger.report())
    user = db.session.get(User, user_id)
    assert user.email == f"deleted-{user_id}@invalid" and user.deleted_at is not None and user.is_disabled
    assert not db.session.scalars(select(Notification).where(Notification.id.in_(old_notes))).all()
    # Signed out everywhere: the token is dead and the password no longer works.
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert _sign_in(client, email) == 401
    # Told once, at the real address; nothing is mailed to the tombstone.
    assert [m.subject for m in outbox if m.to == email] == ["Booking cancelled: Lena Hart", "Your account is deleted"]
    assert not [m for m in outbox if m.to.endswith("@invalid")]
    # The deletion is audited, without the email.
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.deleted")).one()
    assert (entry.subject_type, entry.subject_id, entry.actor_id) == ("user", user_id, user_id)
    assert email not in str(entry.details) and entry.details["orders"] == [order.id]
    # The same email can register again, as a new account.
    again = client.application.test_client().post(
        "/api/v1/auth/register", json={"email": email, "password": "a-brand-new-password", "role": "seeker"})
    assert again.status_code == 201 and again.get_json()["id"] != user_id


def test_practitioner_deletes_on_the_page_and_disappears_with_their_seekers_refunded(app, client, sdk, outbox):
    order = paid_order(app, client, sdk, late_cancellation_refund_percent=0)
    practitioner = order.booking.practitioner
    credential = make_credential(app, practitioner, status="pending")
    practitioner.country_code, practitioner.gender = "GB", Gender.WOMAN
    db.session.commit()
    documents = [Path(app.config["UPLOAD_FOLDER"]) / c.document_key
                 for c in db.session.scalars(select(Credential).where(Credential.practitioner_id == practitioner.id))]
    assert len(documents) == 2 and all(p.exists() for p in documents)
    assert client.get(f"/api/v1/practitioners/{practitioner.id}").status_code == 200
    assert db.session.get(SearchProfile, practitioner.id) is not None
    seeker_email = order.seeker.email
    login(client, practitioner.user)
    outbox.clear()

    page = client.get("/account/delete")
    assert page.status_code == 200 and 'name="password"' in page.get_data(as_text=True)
    response = client.post("/account/delete", data={"csrf_token": csrf_token(client, "/account/delete"),
                                                     "password": PASSWORD, "understood": "y"})

    assert response.status_code == 302 and response.headers["Location"] == "/"
    db.session.expire_all()
    # The seeker's session is cancelled by the practitioner: a full refund, and they are told.
    assert order.booking.status is BookingStatus.CANCELLED and order.booking.refund_percent == 100
    assert order.status is OrderStatus.REFUNDED and order.amount_refunded == 7500
    assert any(m.to == seeker_email and m.subject.startswith("Booking cancelled") for m in outbox)
    assert all(r.adds_up for r in ledger.report())
    # Gone from search and the public profile; credentials and their files are gone.
    assert db.session.get(SearchProfile, practitioner.id) is None
    assert client.get(f"/api/v1/practitioners/{practitioner.id}").status_code == 404
    assert client.get(f"/practitioners/{practitioner.id}").status_code == 404
    assert db.session.get(Credential, credential.id) is None and not any(p.exists() for p in documents)
    assert practitioner.display_name == "Deleted practitioner" and practitioner.locations == []
    assert practitioner.country_code is None and practitioner.gender is None
    # Signed out: the account page now asks to sign in.
    assert "/account/login" in client.get("/account/").headers["Location"]


def test_a_wrong_password_on_the_page_shows_a_field_error_and_keeps_the_account(client):
    seeker = make_user(Role.SEEKER)
    login(client, seeker)
    token = csrf_token(client, "/account/delete")
    response = client.post("/account/delete", data={"csrf_token": token, "password": "nope-nope-nope",
                                                     "understood": "y"})
    assert response.status_code == 200
    assert "That is not your password." in response.get_data(as_text=True)
    unticked = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert unticked.status_code == 200 and "Tick the box to confirm." in unticked.get_data(as_text=True)
    no_csrf = client.post("/account/delete", data={"password": PASSWORD, "understood": "y"})
    assert no_csrf.status_code == 400
    db.session.expire_all()
    assert seeker.deleted_at is None and client.get("/account/").status_code == 200


def test_the_last_admin_cannot_delete_themselves(client):
    admin = make_admin()
    headers = bearer(client, admin)
    response = _delete(client, headers)
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert "last admin" in response.get_json()["detail"]
    make_admin()
    assert _delete(client, headers).status_code == 204
    db.session.expire_all()
    assert admin.deleted_at is not None


def test_deleting_twice_is_not_possible_as_the_session_is_gone(client):
    seeker = make_user(Role.SEEKER)
    login(client, seeker)
    token = csrf_token(client, "/account/")
    first = client.delete("/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRFToken": token})
    assert first.status_code == 204
    second = client.delete("/api/v1/me", json={"password": PASSWORD}, headers={"X-CSRFToken": token})
    assert second.status_code == 401


def test_a_seekers_paid_package_is_cancelled_and_its_unused_sessions_refunded(app, client, sdk):
    from marketplace.packages import enrollments
    from marketplace.packages.models import EnrollmentStatus
    from tests.packages.helpers import open_every_day, package, practitioner
    from tests.payments.test_package_orders import buy, slot

    asha = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    open_every_day(asha)
    pkg = package(asha, [(asha, "acupuncture", 4, 45)], price=18000)
    seeker = make_user(Role.SEEKER)
    order = buy(client, sdk, seeker, pkg)
    [component] = pkg.components
    session = enrollments.schedule_session(seeker, order.enrollment, component.id, slot(2), asha.locations[0].id)
    db.session.commit()

    assert _delete(client, bearer(client, seeker)).status_code == 204

    db.session.expire_all()
    assert order.enrollment.status is EnrollmentStatus.CANCELLED
    assert session.booking.status is BookingStatus.CANCELLED
    assert order.status is OrderStatus.REFUNDED and order.amount_refunded == 18000
    assert [r.status for r in order.refunds] == [RefundStatus.SUCCEEDED]
    assert all(r.adds_up for r in ledger.report())


def test_a_partner_who_leaves_has_their_undelivered_package_sessions_refunded(app, client, sdk, frozen_clock,
                                                                                outbox):
    """Ben gives the physiotherapy of a combined package and deletes his account after one
    of his six sessions: his five undelivered sessions (one of them booked) are cancelled
    and refunded from his share alone, to the minor unit; the seeker keeps the
    acupuncture with Asha, and the books add up."""
    from datetime import timedelta

    from marketplace.booking import services as booking_services
    from marketplace.packages import enrollments
    from marketplace.packages.models import EnrollmentStatus, SessionStatus
    from tests.packages.helpers import SOHO, open_every_day, package, practitioner
    from tests.payments.test_package_orders import buy, slot

    asha = practitioner(app, "Asha Rao", "acupuncture", fee=5000)
    ben = practitioner(app, "Ben Okafor", "physiotherapy", at=SOHO, fee=7000)
    open_every_day(asha)
    open_every_day(ben)
    # £450.01 by minutes: Asha 4 × £45.00; Ben £45.01 for his first session, £45.00 after.
    pkg = package(asha, [(asha, "acupuncture", 4, 45), (ben, "physiotherapy", 6, 45)], price=45001)
    seeker = make_user(Role.SEEKER, email="sam@example.com")
    order = buy(client, sdk, seeker, pkg)
    acupuncture, physio = pkg.components
    delivered = enrollments.schedule_session(seeker, order.enrollment, physio.id, slot(2), ben.locations[0].id)
    booked = enrollments.schedule_session(seeker, order.enrollment, physio.id, slot(6), ben.locations[0].id)
    kept = enrollments.schedule_session(seeker, order.enrollment, acupuncture.id, slot(7), asha.locations[0].id)
    db.session.commit()
    frozen_clock(slot(2) + timedelta(hours=1))
    booking_services.mark_attended(delivered.booking, ben.user)
    db.session.commit()

    login(client, ben.user)
    response = client.post("/account/delete", data={"csrf_token": csrf_token(client, "/account/delete"),
                                                    "password": PASSWORD, "understood": "y"})
    assert response.status_code == 302

    db.session.expire_all()
    assert booked.booking.status is BookingStatus.CANCELLED
    assert kept.booking.status is BookingStatus.CONFIRMED
    ben_sessions = [s for s in order.enrollment.sessions if s.practitioner_id == ben.id]
    from marketplace.core.clock import utcnow

    assert sorted(enrollments.session_state(s, utcnow())[0] for s in ben_sessions) == ["attended"] + ["cancelled"] * 5
    assert order.enrollment.status is EnrollmentStatus.ACTIVE  # Asha's four sessions remain
    assert all(s.status is not SessionStatus.CANCELLED for s in order.enrollment.sessions
               if s.practitioner_id == asha.id)
    assert order.status is OrderStatus.PARTIALLY_REFUNDED and order.amount_refunded == 27001 - 4501
    assert {s.practitioner_id: s.refunded for s in order.shares} == {asha.id: 0, ben.id: 22500}
    [refund] = sdk.v1.refunds.list({"payment_intent": order.stripe_payment_intent_id}).data
    assert refund.amount == 22500
    note = db.session.scalars(select(Notification).where(Notification.user_id == seeker.id,
                                                         Notification.kind == "enrollment.sessions_withdrawn")).one()
    assert "£225.00" in note.message and "other practitioners" in note.message
    assert any(m.to == "sam@example.com" and "refunded" in m.subject for m in outbox)
    assert all(r.adds_up for r in ledger.report())
