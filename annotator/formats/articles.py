"""Shared parts of the raw-article readers: streamed line decoding, record building, checks.

An article record is a plain dict:
    {"id": str, "title": str, "url": str | None, "published": str | None, "meta": dict,
     "paragraphs": [{"text": str, "boilerplate": bool}], "line": int}
where `line` is the 1-based line of its file where the article starts.
"""

import codecs
import math
from collections.abc import Iterator, Mapping
from pathlib import Path

from annotator.boilerplate import flag_boilerplate
from annotator.errors import InputError, InputErrors
from annotator.text import check_text, normalise_newlines, split_paragraphs

MAX_RECORD_MB = 50
MAX_RECORD_BYTES = MAX_RECORD_MB * 1024 * 1024  # one JSON line, one CSV field, one .txt file
MAX_PARAGRAPHS = 10_000
MAX_ID_LENGTH = 300  # Document.external_id is String(300)
MAX_PUBLISHED_LENGTH = 64  # Document.published is String(64)
MAX_META_DEPTH = 32
MAX_ERRORS = 50  # per file, and per import run

_CHUNK = 1 << 16


class Invalid(ValueError):
    """A record is unacceptable; the reader adds the file and line."""


class ErrorLog:
    """Collect one file's input errors; give up on the file once there are too many."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[InputError] = []

    def add(self, reason: str, line: int | None = None) -> None:
        """Record a problem at a line of this file."""
        self.append(InputError(reason, file=self.file, line=line))

    def append(self, error: InputError) -> None:
        """Record an error; raise them all once there are MAX_ERRORS."""
        self.errors.append(error)
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(
                InputError(f"stopped reading after {MAX_ERRORS} errors", file=self.file)
            )
            raise combine(self.errors)

    def raise_if_any(self) -> None:
        """Raise the errors recorded, if any."""
        if self.errors:
            raise combine(self.errors)


def combine(errors: list[InputError]) -> InputError | InputErrors:
    """Return one error as itself and several as InputErrors."""
    return errors[0] if len(errors) == 1 else InputErrors(list(errors), limit=MAX_ERRORS + 1)


def unpack(error: InputError | InputErrors) -> list[InputError]:
    """Return the single errors inside an InputError or InputErrors."""
    return list(error.errors) if isinstance(error, InputErrors) else [error]


def _utf8_chunks(handle, file: str) -> Iterator[bytes]:
    """Yield the file's bytes as UTF-8: a UTF-8 BOM dropped, a BOM-marked UTF-16 file transcoded."""
    first = handle.read(_CHUNK)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The "utf-16" decoder reads the BOM to pick the byte order and drops it.
        decoder = codecs.getincrementaldecoder("utf-16")()
        lines_done = 0
        chunk = first
        while True:
            final = not chunk
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError as error:
                raise InputError(
                    f"not valid UTF-16 ({error.reason}) at or after this line",
                    file=file,
                    line=lines_done + 1,
                ) from None
            lines_done += text.count("\n")
            yield text.encode("utf-8")
            if final:
                return
            chunk = handle.read(_CHUNK)
    if first.startswith(codecs.BOM_UTF8):
        first = first[len(codecs.BOM_UTF8) :]
    yield first
    while chunk := handle.read(_CHUNK):
        yield chunk


def raw_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield (1-based line number, UTF-8 bytes of the line with its ending), reading in chunks.

    Lines end at LF, CRLF or a lone CR. Memory is bounded by the longest line, which may not
    exceed MAX_RECORD_BYTES.
    :raise InputError: for an over-long line or a broken UTF-16 file.
    """
    file = path.name
    pending: list[bytes] = []  # pieces of a line that spans chunks
    pending_size = 0
    number = 0
    with path.open("rb") as handle:
        for chunk in _utf8_chunks(handle, file):
            if pending and pending[-1].endswith(b"\r") and not chunk.startswith(b"\n"):
                # A CR at the end of the last chunk ended its line: it was not half of a CRLF.
                number += 1
                yield number, b"".join(pending)
                pending, pending_size = [], 0
            lines = chunk.splitlines(keepends=True)
            last = len(lines) - 1
            for i, line in enumerate(lines):
                # A CR ending the chunk may be the first half of a CRLF: wait for the next chunk.
                if line.endswith(b"\n") or (i < last and line.endswith(b"\r")):
                    number += 1
                    if pending:
                        pending.append(line)
                        line = b"".join(pending)
                        pending, pending_size = [], 0
                    yield number, line
                else:
                    pending.append(line)
                    pending_size += len(line)
                    if pending_size > MAX_RECORD_BYTES:
                        reason = f"the line is longer than {MAX_RECORD_MB} MB"
                        raise InputError(reason, file=file, line=number + 1)
        if pending:
            yield number + 1, b"".join(pending)


def decode_line(raw: bytes, file: str, line: int) -> str:
    """Decode one line as UTF-8.

    :raise InputError: naming the line and byte; encodings such as cp1252 are never guessed.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = raw[error.start : error.start + 4].hex(" ")
        raise InputError(
            f"not valid UTF-8 at byte {error.start + 1} of the line ({bad}); "
            "convert the file to UTF-8 (e.g. from Windows-1252) and import it again",
            file=file,
            line=line,
        ) from None


def decoded_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, decoded line with its ending).

    :raise InputError: at the first line that cannot be read.
    """
    file = path.name
    for number, raw in raw_lines(path):
        yield number, decode_line(raw, file, number)


def json_type(value: object) -> str:
    """Name a parsed JSON value's type the way the file's author would."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def check_id(value: object) -> str:
    """Return a valid external id.

    :raise Invalid: when it is missing, not a string, empty, padded or too long.
    """
    if value is None:
        raise Invalid("id is missing")
    if not isinstance(value, str):
        hint = f' (write it as "{value}")' if isinstance(value, int | float) else ""
        raise Invalid(f"id must be a string, not {json_type(value)}{hint}")
    if not value.strip():
        raise Invalid("id is empty")
    # Ids are compared exactly, so " a1" and "a1" would be two documents: refuse the padding.
    if value != value.strip():
        raise Invalid(f"id {value!r} has leading or trailing whitespace")
    if len(value) > MAX_ID_LENGTH:
        raise Invalid(f"id is longer than {MAX_ID_LENGTH} characters")
    reason = check_text(value)
    if reason:
        raise Invalid(f"id {reason}")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise Invalid(f"id {value!r} contains a control character")
    return value


def _optional_string(fields: Mapping, name: str, max_length: int | None = None) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{name} must be a string, not {json_type(value)}")
    reason = check_text(value)
    if reason:
        raise Invalid(f"{name} {reason}")
    value = normalise_newlines(value).strip()
    if max_length is not None and len(value) > max_length:
        raise Invalid(f"{name} is longer than {max_length} characters")
    return value


def _check_meta(value: object, where: str = "meta", depth: int = 0) -> None:
    """Refuse meta values that one of the databases could not store."""
    if depth > MAX_META_DEPTH:
        raise Invalid(f"{where} is nested more than {MAX_META_DEPTH} levels deep")
    if isinstance(value, str):
        reason = check_text(value)
        if reason:
            raise Invalid(f"{where} {reason}")
    elif isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"{where} is not a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_meta(key, f"{where} key {key!r}", depth + 1)
            _check_meta(item, f"{where}[{key!r}]", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_meta(item, f"{where}[{index}]", depth + 1)


def _paragraph_texts(fields: Mapping) -> list[str]:
    text, paragraphs = fields.get("text"), fields.get("paragraphs")
    if text is not None and paragraphs is not None:
        raise Invalid("give either text or paragraphs, not both")
    if text is None and paragraphs is None:
        raise Invalid("text is missing (give text or paragraphs)")
    if text is not None:
        if not isinstance(text, str):
            raise Invalid(f"text must be a string, not {json_type(text)}")
        reason = check_text(text)
        if reason:
            raise Invalid(f"text {reason}")
        result = split_paragraphs(text)
        if not result:
            raise Invalid("text is empty")
        return result
    if not isinstance(paragraphs, list):
        raise Invalid(f"paragraphs must be an array of strings, not {json_type(paragraphs)}")
    result = []
    for index, item in enumerate(paragraphs):
        if not isinstance(item, str):
            raise Invalid(f"paragraphs[{index}] must be a string, not {json_type(item)}")
        reason = check_text(item)
        if reason:
            raise Invalid(f"paragraphs[{index}] {reason}")
        item = normalise_newlines(item).strip()
        if item:
            result.append(item)
    if not result:
        raise Invalid("paragraphs are empty")
    return result


def make_record(
    external_id: str,
    title: str,
    paragraphs: list[str],
    line: int,
    url: str | None = None,
    published: str | None = None,
    meta: dict | None = None,
) -> dict:
    """Build an article record from checked parts, flagging boilerplate paragraphs."""
    if len(paragraphs) > MAX_PARAGRAPHS:
        raise Invalid(
            f"the article has {len(paragraphs):,} paragraphs; "
            f"at most {MAX_PARAGRAPHS:,} are allowed"
        )
    flags = flag_boilerplate(paragraphs)
    return {
        "id": external_id,
        "title": title,
        "url": url,
        "published": published,
        "meta": meta or {},
        "paragraphs": [
            {"text": text, "boilerplate": flag}
            for text, flag in zip(paragraphs, flags, strict=True)
        ],
        "line": line,
    }


def build_record(fields: Mapping, line: int) -> dict:
    """Check an article's fields (id, text or paragraphs, title, url, published, meta).

    Unknown fields are ignored. An empty url or published counts as absent.
    :raise Invalid: naming the first problem.
    """
    external_id = check_id(fields.get("id"))
    meta = fields.get("meta")
    if meta is not None and not isinstance(meta, dict):
        raise Invalid(f"meta must be an object, not {json_type(meta)}")
    _check_meta(meta)
    paragraphs = _paragraph_texts(fields)
    return make_record(
        external_id,
        title=_optional_string(fields, "title") or "",
        paragraphs=paragraphs,
        line=line,
        url=_optional_string(fields, "url") or None,
        published=_optional_string(fields, "published", MAX_PUBLISHED_LENGTH) or None,
        meta=meta,
    )
