"""Terraform addresses and references as sequences of names and index keys.

`module.web["blue"].aws_instance.this[0]` -> ("module", "web", Key("blue"), "aws_instance",
"this", Key(0)). The same grammar serves instance addresses and the reference strings of
`configuration.*.expressions.*.references`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Key:
    """An index step: `[0]` (count) or `["blue"]` (for_each)."""

    value: int | str


# The id a resource gets when its configuration is evaluated from the sources (hcl/): its address.
STAND_IN_PREFIX = "tfreach:"

Part = str | Key
Traversal = tuple[Part, ...]
ModulePath = tuple[tuple[str, int | str | None], ...]


@lru_cache(maxsize=65536)
def parse_traversal(text: str) -> Traversal:
    """Split on dots outside brackets; bracket contents become Keys (ints or strings)."""
    parts: list[Part] = []
    i, n = 0, len(text)
    name_start = 0
    while i < n:
        char = text[i]
        if char == ".":
            if i > name_start:
                parts.append(text[name_start:i])
            name_start = i + 1
        elif char == "[":
            if i > name_start:
                parts.append(text[name_start:i])
            end = _closing_bracket(text, i)
            parts.append(_key(text[i + 1 : end]))
            i = end
            name_start = i + 1
        i += 1
    if name_start < n:
        parts.append(text[name_start:])
    return tuple(parts)


def _closing_bracket(text: str, start: int) -> int:
    i = start + 1
    in_string = False
    while i < len(text):
        char = text[i]
        if in_string:
            if char == "\\":
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "]":
            return i
        i += 1
    raise ValueError(f"unclosed '[' in {text!r}")


def _key(inner: str) -> Key:
    inner = inner.strip()
    if inner.startswith('"'):
        return Key(json.loads(inner))
    try:
        return Key(int(inner))
    except ValueError:
        return Key(inner)


@lru_cache(maxsize=1 << 17)
def split_instance_address(address: str) -> tuple[ModulePath, str, str, int | str | None]:
    """(module path, type, name, key) of a managed resource instance address; ValueError if it is not one.

    Remembered: a plan names each address in several sections, and reports ask again."""
    try:
        return _split_instance_address(address)
    except (IndexError, AssertionError, TypeError, AttributeError):
        raise ValueError(f"{address!r} is not a resource instance address") from None


def _split_instance_address(address: str) -> tuple[ModulePath, str, str, int | str | None]:
    parts = parse_traversal(address)
    module: list[tuple[str, int | str | None]] = []
    i = 0
    while i < len(parts) and parts[i] == "module":
        name = parts[i + 1]
        assert isinstance(name, str)
        key: int | str | None = None
        i += 2
        if i < len(parts) and isinstance(parts[i], Key):
            key = parts[i].value  # type: ignore[union-attr]
            i += 1
        module.append((name, key))
    rtype, rname = parts[i], parts[i + 1]
    assert isinstance(rtype, str) and isinstance(rname, str)
    index = parts[i + 2].value if len(parts) > i + 2 and isinstance(parts[i + 2], Key) else None  # type: ignore[union-attr]
    return tuple(module), rtype, rname, index


def module_address(path: ModulePath) -> str:
    out = []
    for name, key in path:
        out.append(f"module.{name}" + ("" if key is None else f"[{json.dumps(key)}]"))
    return ".".join(out)


def is_prefix(short: Traversal, long: Traversal) -> bool:
    return len(short) < len(long) and long[: len(short)] == short


def maximal(references: list[str]) -> list[Traversal]:
    """Terraform lists every prefix of a traversal; keep only the longest, in order."""
    return list(_maximal(tuple(references)))


@lru_cache(maxsize=65536)
def _maximal(references: tuple[str, ...]) -> tuple[Traversal, ...]:
    """Every instance of a resource shares its expressions: each reference list is read once."""
    parsed: list[Traversal] = []
    for ref in references:
        try:
            traversal = parse_traversal(ref)
        except ValueError:
            continue
        if traversal and traversal not in parsed:
            parsed.append(traversal)
    return tuple(t for t in parsed if not any(is_prefix(t, other) for other in parsed))
