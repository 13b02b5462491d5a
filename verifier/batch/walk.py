"""Walk an evidence folder: every entry found, media recognised by content, SHA-256 of each file.

The walk never follows a symbolic link out of the folder, never opens anything for writing and
lists entries in a stable (byte-sorted) order, so two runs over the same folder see the same
sequence. Each entry is an :class:`Entry`: a file to analyse, or one that is recorded with the
reason it is not analysed (empty, not media by content, a link leading outside, a folder whose
name looks like a media file, unreadable).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from ..analysis.registry import sha256_of

SNIFF_BYTES = 64  # bytes read from the start of a file to recognise its container

# Container signatures at the start of a file: (offset, bytes, container). Sources: ISO/IEC
# 14496-12 (ftyp box at offset 4: mp4, mov, m4a, 3gp), RIFF (WAVE, AVI), EBML (Matroska,
# WebM), RFC 3533 (Ogg), RFC 4867 §5 (AMR storage), FLAC, ID3v2 (mp3), CAF.
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftyp", "iso-bmff"),
    (4, b"moov", "iso-bmff"),
    (4, b"mdat", "iso-bmff"),
    (4, b"wide", "iso-bmff"),
    (4, b"free", "iso-bmff"),
    (0, b"\x1a\x45\xdf\xa3", "matroska"),
    (0, b"OggS", "ogg"),
    (0, b"#!AMR", "amr"),
    (0, b"fLaC", "flac"),
    (0, b"ID3", "mp3"),
    (0, b"caff", "caf"),
    (0, b"FLV", "flv"),
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11", "asf"),
)
MEDIA_EXTENSIONS = {".mp4", ".mov", ".m4a", ".m4v", ".3gp", ".webm", ".mkv", ".avi", ".wav", ".mp3",
                    ".ogg", ".opus", ".oga", ".amr", ".aac", ".flac", ".caf", ".flv", ".wmv", ".wma"}


def sniff(head: bytes) -> str | None:
    """The container recognised from a file's first bytes, or None.

    Parameters
    ----------
    head : bytes
        The first :data:`SNIFF_BYTES` bytes (or fewer) of the file.

    Returns
    -------
    str or None
        ``"iso-bmff"``, ``"riff-wave"``, ``"riff-avi"``, ``"matroska"``, ``"ogg"``, ``"amr"``,
        ``"flac"``, ``"mp3"``, ``"adts"``, ``"mpeg-ps"``, ``"caf"``, ``"flv"``, ``"asf"``.
    """
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WAVE": "riff-wave", b"AVI ": "riff-avi"}.get(head[8:12])
    for offset, magic, name in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return name
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:  # ADTS sync word, layer 00 (AAC)
            return "adts"
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:  # MPEG audio frame sync, layer I–III
            return "mp3"
    if head[:4] == b"\x00\x00\x01\xba":
        return "mpeg-ps"
    return None


@dataclass(frozen=True)
class Entry:
    """One thing found in the folder.

    ``path`` is the absolute path (``str``; a non-UTF-8 name is kept with surrogate escapes so
    it can still be opened), ``rel`` the path relative to the folder, shown escaped
    (:func:`display`). ``skip_key`` is the i18n key of why it is not analysed (None: analyse it).
    """

    path: str
    rel: str
    size_bytes: int | None
    sha256: str | None
    container: str | None
    skip_key: str | None = None
    skip_params: tuple = ()  # ((name, value), ...) of the message's placeholders
    name_escaped: bool = False  # the name was not valid UTF-8 and is shown with \\x escapes

    @property
    def params(self) -> dict:
        return dict(self.skip_params)


def display(s: str) -> str:
    """A path as valid UTF-8 text: bytes that were not UTF-8 are shown as ``\\xNN``."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _inside(root_real: str, path: str) -> bool:
    real = os.path.realpath(path)
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _entry(root_real: str, path: str, rel: str) -> Entry:
    shown = display(rel)
    escaped = shown != rel
    name = display(os.path.basename(path))

    def skip(key: str, size=None, sha=None, **params) -> Entry:
        return Entry(path, shown, size, sha, None, key, tuple(sorted({"name": name, **params}.items())), escaped)

    try:
        st = os.lstat(path)
    except OSError as e:
        return skip("batch.skip.unreadable", detail=e.strerror or str(e))
    if stat.S_ISLNK(st.st_mode):
        if not _inside(root_real, path):
            return skip("batch.skip.symlink_outside")
        try:
            st = os.stat(path)
        except OSError as e:
            return skip("batch.skip.unreadable", detail=e.strerror or str(e))
        if not stat.S_ISREG(st.st_mode):
            return skip("batch.skip.not_a_file")
    elif stat.S_ISDIR(st.st_mode):
        return skip("batch.skip.directory")
    elif not stat.S_ISREG(st.st_mode):
        return skip("batch.skip.not_a_file")
    if st.st_size == 0:
        return skip("error.empty_file", size=0, sha=sha256_of(path))
    try:
        with open(path, "rb") as f:  # read-only
            head = f.read(SNIFF_BYTES)
        sha = sha256_of(path)
    except OSError as e:
        return skip("batch.skip.unreadable", size=st.st_size, detail=e.strerror or str(e))
    container = sniff(head)
    if container is None:
        return skip("batch.skip.not_media", size=st.st_size, sha=sha)
    return Entry(path, shown, st.st_size, sha, container, None, (), escaped)


def walk(root: str) -> list[Entry]:
    """Every entry under ``root`` (recursively), in byte-sorted order of relative path.

    Directories are descended into (never through a link); a directory whose name ends in a
    media extension is also recorded (``batch.skip.directory``) so that nothing that looks like
    evidence is silently left out. Links are followed only when they stay inside ``root``
    (links to folders are not descended into: the folder is walked where it lies).
    """
    root = os.path.abspath(os.fspath(root))
    root_real = os.path.realpath(root)
    out: list[Entry] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort(key=os.fsencode)
        names = sorted(filenames, key=os.fsencode)
        for d in list(dirnames):
            p = os.path.join(dirpath, d)
            if os.path.islink(p):  # os.walk lists a link to a folder among dirnames
                names.append(d)
            elif os.path.splitext(d)[1].lower() in MEDIA_EXTENSIONS:
                out.append(_entry(root_real, p, os.path.relpath(p, root)))
        for n in names:
            p = os.path.join(dirpath, n)
            out.append(_entry(root_real, p, os.path.relpath(p, root)))
    out.sort(key=lambda e: os.fsencode(os.path.relpath(e.path, root)))
    return out
