"""Helpers for the operations tests: read what the app really wrote to stderr.

The app's log handler writes to whatever ``sys.stderr`` is when a line is emitted, so
pytest's ``capsys`` captures the real formatter's output, byte for byte as production
would print it.
"""

from __future__ import annotations

import json
from typing import Callable

import pytest


def parse_json_lines(text: str) -> list[dict]:
    """Every stderr line must be one JSON object (that is the contract of LOG_FORMAT=json)."""
    lines = [line for line in text.splitlines() if line.strip()]
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a log line is not JSON: {line!r}") from None
    return records


@pytest.fixture
def log_output(capsys: pytest.CaptureFixture) -> Callable[[], str]:
    """Call to get (and consume) everything logged to stderr so far."""
    capsys.readouterr()  # drop what the fixtures logged while building the app

    def read() -> str:
        return capsys.readouterr().err

    return read


@pytest.fixture
def json_logs(log_output: Callable[[], str]) -> Callable[[], list[dict]]:
    return lambda: parse_json_lines(log_output())
