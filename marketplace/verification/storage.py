"""Private storage for credential documents, and checking what a file really is.

Documents never live under ``static/``: they are served only through a view that checks
the caller is the owner or an admin.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from marketplace.core.errors import ValidationFailed

ALLOWED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class CheckedDocument:
    content: bytes
    mime: str
    sha256: str

    @property
    def extension(self) -> str:
        return ALLOWED[self.mime]


def sniff(content: bytes, max_bytes: int) -> CheckedDocument:
    """Decide what ``content`` is from its bytes (never its name).

    Raises ValidationFailed on the ``document`` field when it is empty, too large, or not
    a well-formed PDF, JPEG or PNG.
    """
    if not content:
        raise ValidationFailed.on_field("document", "Attach the licence document (PDF, JPEG or PNG).")
    if len(content) > max_bytes:
        raise ValidationFailed.on_field("document", f"The document is larger than {max_bytes // (1024 * 1024)} MB.")
    mime = None
    if content.startswith(b"%PDF-"):
        # A real PDF ends with an end-of-file marker near its tail.
        if b"%%EOF" in content[-2048:]:
            mime = "application/pdf"
    elif content.startswith(b"\x89PNG\r\n\x1a\n") or content.startswith(b"\xff\xd8\xff"):
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
                fmt = image.format
            mime = {"PNG": "image/png", "JPEG": "image/jpeg"}.get(fmt or "")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            mime = None
    if mime is None:
        raise ValidationFailed.on_field(
            "document", "The file is not a readable PDF, JPEG or PNG. Upload a scan or photo of the licence."
        )
    return CheckedDocument(content=content, mime=mime, sha256=hashlib.sha256(content).hexdigest())


class DocumentStorage:
    """Files in one private folder, named by random keys (never by the uploader)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def save(self, document: CheckedDocument) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(16) + document.extension
        (self.folder / key).write_bytes(document.content)
        return key

    def path(self, key: str) -> Path:
        # Keys are ours, but check anyway that nothing walks out of the folder.
        if "/" in key or "\\" in key or key.startswith("."):
            raise ValueError("bad document key")
        return self.folder / key

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)
