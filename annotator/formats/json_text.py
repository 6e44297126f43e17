"""Compact JSON text for exports, encoded by orjson, with the standard library for the rare
value orjson refuses (a lone surrogate in an attribute, an integer past 64 bits).

The text is what `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` gives, but for
the spelling of some floats (1e-7 for 1e-07) and NaN or infinity, which JSON does not have and
become null.
"""

import json

import orjson

_FALLBACK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(value: object) -> str:
    """Return `value` as compact JSON text, non-ASCII characters kept as they are."""
    try:
        return orjson.dumps(value).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return _FALLBACK.encode(value)
