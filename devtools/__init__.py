"""Development and test tooling. Never imported by the product (``marketplace``)."""
