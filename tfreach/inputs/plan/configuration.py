"""A plan's `configuration`: the expression that sets an attribute, and what it reads.

Terraform records, for each attribute of a resource block, either its constant value or the
traversals it references (`aws_vpc.main.id`, `count.index`); nested blocks are lists of such
objects, and attribute-style blocks (`route`, `ingress`) one expression for every element.
"""

from __future__ import annotations

from typing import Any

from tfreach.inputs.plan.references import Key, Traversal, maximal

NON_RESOURCE_ROOTS = frozenset({"count", "each", "path", "terraform", "self"})
NAMED_ROOTS = NON_RESOURCE_ROOTS | {"var", "local", "module", "data"}


def whole_resource(expression: dict[str, Any]) -> bool:
    """`for_each = aws_subnet.public`: a resource's instances, keyed as the referring ones are."""
    traversals = maximal(expression.get("references") or [])
    return len(traversals) == 1 and len(traversals[0]) == 2 and str(traversals[0][0]) not in NAMED_ROOTS


def mentions_key(expression: dict[str, Any]) -> bool:
    """Does the expression read the referring instance's own key (count.index, each.*)?"""
    references = expression.get("references") or []
    return any(ref.startswith(("count.index", "each.")) for ref in references)


def expression_at(expressions: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The configuration expression that sets `path`.

    Attribute-style blocks (`route`, `ingress`) are one expression whose references cover
    every element; real nested blocks are lists of per-attribute expressions.
    """
    node: Any = expressions
    for step in path:
        if isinstance(node, dict) and ("references" in node or "constant_value" in node):
            return node
        if isinstance(step, int):
            if not isinstance(node, list) or not node:
                return None
            node = node[step] if step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            return None
    if isinstance(node, dict) and ("references" in node or "constant_value" in node):
        return node
    return None


def configured_blocks(expressions: dict[str, Any], path: tuple[str | int, ...]) -> list[dict[str, Any]] | None:
    """The configuration of the nested blocks at `path`, each a dict of its attributes'
    expressions; None when there is none (no configuration, an attribute-style or dynamic block).

    Blocks of a set (a Global Accelerator endpoint group's endpoints, a weighted forward's target
    groups, a firewall policy's rule groups) are ordered apart in the plan's values and in its
    configuration: what pairs one block's attributes is the configuration."""
    node: Any = expressions
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) and "references" not in node else None
    blocks = [b for b in node if isinstance(b, dict)] if isinstance(node, list) else []
    return blocks or None


def constant_of(block: dict[str, Any], attribute: str) -> Any:
    """A configured block's constant value for `attribute` (None when it is an expression)."""
    expression = block.get(attribute)
    return expression.get("constant_value") if isinstance(expression, dict) else None


def expressions_in(node: Any) -> list[dict[str, Any]]:
    """Every expression object in a resource's (possibly nested) expressions."""
    if isinstance(node, dict):
        if "references" in node or "constant_value" in node:
            return [node]
        return [e for value in node.values() for e in expressions_in(value)]
    if isinstance(node, list):
        return [e for value in node for e in expressions_in(value)]
    return []


def rendered(traversal: Traversal) -> str:
    out = ""
    for part in traversal:
        if isinstance(part, Key):
            out += f"[{part.value!r}]".replace("'", '"')
        else:
            out += ("." if out else "") + part
    return out
