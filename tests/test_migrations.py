"""The schema made by the migrations is the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_and_upgrade_round_trip(app):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, db.metadata) == []


def test_online_rows_indexed_before_0013_learn_where_their_practitioner_is_based(app):
    """The migration that adds ``search_online.country`` fills it from each practitioner's
    first location, so online search puts the seeker's own country first without a reindex."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select, text

    from marketplace.search.models import SearchOnline
    from tests.builders import make_verified_practitioner

    london = make_verified_practitioner(app, offers_online=True, city="London", lat=51.5074, lon=-0.1278).id
    nowhere = make_verified_practitioner(app, offers_online=True, city=None).id
    db.session.remove()
    downgrade(revision="0012")
    with db.engine.connect() as connection:
        assert "country" not in {c["name"] for c in db.inspect(connection).get_columns("search_online")}
        assert connection.execute(text("SELECT count(*) FROM search_online")).scalar() > 0
    upgrade()
    countries = dict(db.session.execute(select(SearchOnline.practitioner_id, SearchOnline.country)).all())
    assert countries == {london: "GB", nowhere: ""}


def test_both_backends_refuse_rows_that_point_nowhere_and_cascade_deletes_also_after_migrating(app):
    """SQLite checks foreign keys only on connections that ask (marketplace.extensions);
    the migrations switch that off while they copy tables and must switch it back on."""
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import func, select
    from sqlalchemy.exc import IntegrityError

    from marketplace.accounts.models import Role, User
    from marketplace.notifications.models import Notification
    from tests.builders import make_user

    downgrade(revision="0012")  # through batch migrations that copy and drop tables on SQLite
    upgrade()
    db.session.remove()  # the next connection is the one the migration gave back to the pool
    db.session.add(Notification(user_id=2_000_000_000, kind="x", message="to nobody"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    user_id = make_user(Role.SEEKER).id
    db.session.add(Notification(user_id=user_id, kind="x", message="hello"))
    db.session.commit()
    db.session.execute(User.__table__.delete().where(User.id == user_id))  # ON DELETE CASCADE, in the database
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
