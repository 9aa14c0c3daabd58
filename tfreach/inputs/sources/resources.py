"""Resource instances in sources mode: what a block sets, evaluated in its count/each scope.

An attribute the provider computes is `Unknown` (as "known after apply" in a plan), except `id`
and `arn`, which get a stable stand-in so that references between resources resolve exactly.
Nested blocks (dynamic ones expanded) are lists of objects, as a plan shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tfreach.inputs.sources.addresses import key_text, stand_in_id
from tfreach.inputs.sources.expressions import EvaluationError, Iterators, Namespace
from tfreach.inputs.sources.provider import computed_attributes
from tfreach.inputs.sources.source import Block, Body, Expression, name_of
from tfreach.inputs.sources.values import Unknown, keyed

if TYPE_CHECKING:
    from tfreach.inputs.sources.evaluate import ModuleInstance

META_ATTRIBUTES = frozenset({"count", "for_each", "provider", "depends_on"})
META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection"})


def iterators(mode: str | None, key: Any, each: Any) -> dict[str, Any]:
    if mode == "count":
        return {"count": {"index": key}}
    if mode == "for_each":
        return {"each": {"key": key, "value": each}}
    return {}


class ResourceValue(Namespace):
    """One resource instance: what its block sets, evaluated in its own count/each scope."""

    def __init__(self, module: ModuleInstance, block: Block, key: Any, each: Any) -> None:
        self.module = module
        self.block = block
        self.type, self.name = block.labels
        self.key = key
        mode = "count" if block.attribute("count") is not None else "for_each" if key is not None else None
        self.scope = Iterators(module, {**iterators(mode, key, each), "self": self})
        self.address = f"{module.prefix}{self.type}.{self.name}{key_text(key)}"
        self.id = stand_in_id(self.address)
        self._values: dict[str, Any] = {}
        self._busy: set[str] = set()

    def attr(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        if name in self._busy:
            return Unknown(f"{self.address}.{name} depends on itself")
        self._busy.add(name)
        try:
            value = self._attribute(name)
        finally:
            self._busy.discard(name)
        self._values[name] = value
        return value

    def index(self, key: Any) -> Any:
        raise EvaluationError(f"{self.address} is a single instance and cannot be indexed")

    def _attribute(self, name: str) -> Any:
        expression = self.block.body.attributes.get(name)
        if expression is not None and name not in META_ATTRIBUTES:
            return self.module.attempt(expression, self.scope)
        blocks = evaluate_blocks(self.module, self.block.body, self.scope, name)
        if blocks is not None:
            return blocks
        if name in ("id", "arn"):
            return self.id
        if name in computed_attributes(self.type):
            return Unknown(f"{self.address}.{name} is known only after apply", (f"{self.address}.{name}",), warn=False)
        return None

    def configured(self) -> list[str]:
        """The attributes and block types the block sets (meta-arguments excluded)."""
        names = [n for n in self.block.body.attributes if n not in META_ATTRIBUTES]
        for block in self.block.body.blocks:
            kind = block.labels[0] if block.kind == "dynamic" and block.labels else block.kind
            if kind not in META_BLOCKS and kind not in names:
                names.append(kind)
        return names

    def expression(self, name: str) -> Expression | None:
        return self.block.body.attributes.get(name)


def evaluate_blocks(module: ModuleInstance, body: Body, scope: Any, kind: str) -> list[Any] | Unknown | None:
    """Nested `kind` blocks (dynamic ones expanded) as a list of objects; None when there are none."""
    found = False
    out: list[Any] = []
    for block in body.blocks:
        if block.kind == kind and kind not in META_BLOCKS:
            found = True
            out.append(evaluate_body(module, block.body, scope))
        elif block.kind == "dynamic" and block.labels == [kind]:
            found = True
            expanded = _dynamic(module, block, scope)
            if isinstance(expanded, Unknown):
                return expanded
            out += expanded
    return out if found else None


def _dynamic(module: ModuleInstance, block: Block, scope: Any) -> list[Any] | Unknown:
    for_each = block.attribute("for_each")
    iterator = block.attribute("iterator")
    name = name_of(iterator.tree) if iterator is not None else block.labels[0]
    content = next((b for b in block.body.blocks if b.kind == "content"), None)
    if for_each is None or content is None:
        return []
    items = module.attempt(for_each, scope)
    if isinstance(items, Unknown):
        return items
    if items is None:
        return []
    if not isinstance(items, dict | list):
        return Unknown(f"{for_each.where}: dynamic {block.labels[0]} for_each is not a collection")
    return [
        evaluate_body(module, content.body, Iterators(scope, {name: {"key": k, "value": v}})) for k, v in keyed(items)
    ]


def evaluate_body(module: ModuleInstance, body: Body, scope: Any) -> dict[str, Any]:
    values: dict[str, Any] = {name: module.attempt(e, scope) for name, e in body.attributes.items()}
    kinds = dict.fromkeys(b.labels[0] if b.kind == "dynamic" and b.labels else b.kind for b in body.blocks)
    for kind in kinds:
        blocks = evaluate_blocks(module, body, scope, kind)
        if blocks is not None:
            values[kind] = blocks
    return values
