"""Values of the HCL evaluator: plain Python values, and `Unknown` for what only apply can tell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value the sources cannot tell: why, and the references it came through (Terraform style)."""

    reason: str
    references: tuple[str, ...] = ()
    warn: bool = field(default=True, compare=False)  # False: computed by AWS, which plans leave unknown too

    def through(self, *references: str) -> Unknown:
        return Unknown(self.reason, tuple(dict.fromkeys((*self.references, *references))), self.warn)


def merged(*values: Any) -> Unknown:
    """One Unknown for an operation on unknown operands (reasons and references pooled)."""
    unknowns = [v for v in values if isinstance(v, Unknown)]
    reasons = list(dict.fromkeys(u.reason for u in unknowns))
    references = tuple(dict.fromkeys(r for u in unknowns for r in u.references))
    return Unknown("; ".join(reasons) or "unknown", references, any(u.warn for u in unknowns))


def contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_unknown(v) for v in value)
    return False


def unknowns_in(value: Any) -> list[Unknown]:
    if isinstance(value, Unknown):
        return [value]
    if isinstance(value, dict):
        return [u for v in value.values() for u in unknowns_in(v)]
    if isinstance(value, list | tuple):
        return [u for v in value for u in unknowns_in(v)]
    return []


def to_text(value: Any) -> str:
    """How Terraform interpolates a value into a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return ""
    return str(value)


class SetValue(list):  # type: ignore[type-arg]
    """A Terraform set (toset, setunion...): iterated, each element is its own key."""


def keyed(collection: Any) -> list[tuple[Any, Any]]:
    """(key, value) pairs as `for` and `dynamic` see them: map keys in order, list indexes,
    a set's elements themselves."""
    if isinstance(collection, dict):
        return sorted(collection.items())
    if isinstance(collection, SetValue):
        return [(item, item) for item in collection]
    return list(enumerate(collection))


def parse_number(text: Any) -> int | float:
    """A number as Terraform reads it from a string ("8080", "0.5", "1e3"); ValueError if none."""
    text = str(text).strip()
    try:
        return int(text)
    except ValueError:
        number = float(text)  # Terraform has one number type: 1.0 is 1
        return int(number) if number.is_integer() else number
