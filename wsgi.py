"""Entry point for ``flask --app wsgi`` and gunicorn (``gunicorn wsgi:app``): builds the
app once per process."""

from marketplace import create_app

app = create_app()
