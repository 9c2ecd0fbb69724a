"""Stored files of one mock world: uploads, and files users sent that bots can download.

Files are found by ``file_id`` and by ``file_path`` (Telegram-style ``documents/file_3.pdf``),
because some clients download by path after ``getFile`` and balethon downloads by ``file_id``.
Rubika's flow (``requestSendFile`` → upload → ``file_id``; ``getFile`` → ``download_url``) can
store and look up through the same object. Callers hold the world lock.
"""

from __future__ import annotations

import mimetypes
import random
import struct

from adapters.mock.ids import IdScheme
from adapters.mock.model import StoredFile

_FOLDERS = {
    "photo": "photos",
    "document": "documents",
    "audio": "music",
    "video": "videos",
    "voice": "voice",
    "animation": "animations",
    "sticker": "stickers",
}


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or baseline JPEG, read from its header (or None)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            i += 2 + length
    return None


class FileStore:
    """Files by id and by path."""

    def __init__(self, ids: IdScheme, rng: random.Random) -> None:
        self._ids = ids
        self._rng = rng
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._count = 0

    def add(
        self,
        data: bytes,
        *,
        name: str = "",
        mime: str | None = None,
        kind: str = "document",
        source_url: str | None = None,
    ) -> StoredFile:
        """Store ``data`` and give it a fresh ``file_id``, ``file_unique_id`` and ``file_path``."""
        self._count += 1
        file_id, unique_id = self._ids.new_file_id(self._rng, kind)
        guessed = mimetypes.guess_type(name)[0] if name else None
        mime = mime or guessed or "application/octet-stream"
        ext = mimetypes.guess_extension(mime) or ""
        if name and "." in name:
            ext = "." + name.rsplit(".", 1)[1]
        path = f"{_FOLDERS.get(kind, 'documents')}/file_{self._count}{ext}"
        size = image_size(data) if kind == "photo" else None
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            file_path=path,
            name=name or f"file_{self._count}{ext}",
            mime=mime,
            data=data,
            kind=kind,
            width=size[0] if size else None,
            height=size[1] if size else None,
            source_url=source_url,
        )
        self._by_id[file_id] = stored
        self._by_path[path] = stored
        return stored

    def alias(self, stored: StoredFile, kind: str) -> StoredFile:
        """A second ``file_id`` for the same bytes (a photo's thumbnail size, say)."""
        file_id, unique_id = self._ids.new_file_id(self._rng, kind)
        self._count += 1
        twin = StoredFile(
            file_id=file_id,
            file_unique_id=unique_id,
            file_path=f"{_FOLDERS.get(kind, 'documents')}/file_{self._count}.jpg",
            name=stored.name,
            mime=stored.mime,
            data=stored.data,
            kind=kind,
            width=stored.width,
            height=stored.height,
        )
        self._by_id[file_id] = twin
        self._by_path[twin.file_path] = twin
        return twin

    def by_id(self, file_id: str) -> StoredFile | None:
        """The file with that ``file_id``, or None."""
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        """The file with that ``file_path``, or None."""
        return self._by_path.get(path)

    def find(self, path_or_id: str) -> StoredFile | None:
        """By ``file_path`` first, then by ``file_id`` (balethon's download URL)."""
        return self._by_path.get(path_or_id) or self._by_id.get(path_or_id)

    def __len__(self) -> int:
        return len(self._by_id)
