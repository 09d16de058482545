"""A local Stripe for development and tests: localstripe (GPL-3, from PyPI) run as a
separate process on 127.0.0.1, with the parts it lacks added by :mod:`.extensions`.

The product never imports this package (nor localstripe): it talks to the server over
HTTP through the official SDK, exactly as it talks to Stripe. Run it with::

    python -m devtools.stripe_local --host 127.0.0.1 --port 8420

and register the app's webhook endpoint with :func:`.register.register_webhook`.
"""
