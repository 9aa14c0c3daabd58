"""The values a plan marks sensitive: what terraform itself prints as "(sensitive value)".

A plan holds sensitive values in the clear and marks where they are: `after_sensitive` and
`before_sensitive` beside a change's values, `sensitive_values` beside planned and prior values,
`"sensitive": true` on a root variable, an output's `sensitive`. tfreach still analyses them (a
sensitive CIDR admits what it admits) but never prints them: reports hide each of these values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def sensitive_values(document: dict[str, Any]) -> frozenset[str]:
    """Every value the plan marks sensitive, as text (numbers too; booleans and nulls say nothing)."""
    found: set[str] = set()
    for change in _list(document.get("resource_changes")):
        body = change.get("change") if isinstance(change, dict) else None
        if isinstance(body, dict):
            found.update(_marked(body.get("after"), body.get("after_sensitive")))
            found.update(_marked(body.get("before"), body.get("before_sensitive")))
    for section in ("planned_values", "values"):
        found.update(_module_values(_dict(document.get(section)).get("root_module")))
    found.update(_module_values(_dict(_dict(document.get("prior_state")).get("values")).get("root_module")))
    found.update(_variables(document))
    for name, output in _dict(document.get("output_changes")).items():
        if isinstance(output, dict) and isinstance(name, str):
            found.update(_marked(output.get("after"), output.get("after_sensitive")))
    return frozenset(found)


def _variables(document: dict[str, Any]) -> Iterator[str]:
    declared = _dict(_dict(_dict(document.get("configuration")).get("root_module")).get("variables"))
    given = _dict(document.get("variables"))
    for name, declaration in declared.items():
        if isinstance(declaration, dict) and declaration.get("sensitive") is True:
            yield from _leaves(_dict(given.get(name)).get("value"))


def _module_values(module: Any) -> Iterator[str]:
    """Planned or prior values of a module and its children (iteratively: a plan may nest deep)."""
    pending = [module]
    while pending:
        current = _dict(pending.pop())
        for resource in _list(current.get("resources")):
            if isinstance(resource, dict):
                yield from _marked(resource.get("values"), resource.get("sensitive_values"))
        pending.extend(_list(current.get("child_modules")))


def _marked(values: Any, marks: Any) -> Iterator[str]:
    """The leaves of `values` under a `true` in `marks` (a tree of the same shape)."""
    pending = [(values, marks)]
    while pending:
        value, mark = pending.pop()
        if mark is True:
            yield from _leaves(value)
        elif isinstance(mark, dict) and isinstance(value, dict):
            # Most marks are empty ({"tags": {}, "ebs_block_device": []}): only non-empty ones lead anywhere.
            pending.extend((value.get(key), inner) for key, inner in mark.items() if inner)
        elif isinstance(mark, list) and isinstance(value, list):
            pending.extend((item, inner) for item, inner in zip(value, mark, strict=False) if inner)


def _leaves(value: Any) -> Iterator[str]:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and item:
            yield item
        elif isinstance(item, int | float) and not isinstance(item, bool):
            yield str(int(item)) if isinstance(item, float) and item.is_integer() else str(item)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
