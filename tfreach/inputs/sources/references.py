"""The references of an expression, listed the way Terraform lists them in a plan.

`aws_subnet.public[count.index].id` reads `aws_subnet.public` and `count.index`: a traversal
stops at the first index that is not a literal, whose own references are listed too.
"""

from __future__ import annotations

import json
from typing import Any

from lark import Token, Tree

from tfreach.inputs.sources.expressions import attribute_name, first_tree, token_text, trees

ROOTS = frozenset({"var", "local", "module", "data", "count", "each", "self", "path", "terraform"})
_CHAIN = frozenset({"get_attr_expr_term", "index_expr_term", "identifier"})


def references_in(tree: Tree[Any] | Token, resource_types: set[str]) -> list[str]:
    """Traversals an expression reads whose root is a Terraform name or a resource type of the module."""
    found: list[str] = []
    _collect(tree, resource_types, found)
    return list(dict.fromkeys(found))


def _collect(node: Tree[Any] | Token, resource_types: set[str], found: list[str]) -> None:
    if not isinstance(node, Tree):
        return
    if node.data in _CHAIN or (node.data == "expr_term" and len(trees(node)) == 1 and trees(node)[0].data in _CHAIN):
        chain = _traversal(node)
        if chain is not None:
            steps, dynamic = chain
            if steps[0] in ROOTS or steps[0] in resource_types:
                found.extend(_as_terraform_lists(steps))
            for index_node in dynamic:
                _collect(index_node, resource_types, found)
            return
    for child in node.children:
        _collect(child, resource_types, found)


def _traversal(node: Tree[Any]) -> tuple[list[str], list[Tree[Any]]] | None:
    """(static steps, index expressions that are not literals) of a traversal chain."""
    if node.data == "expr_term":
        inner = trees(node)
        return _traversal(inner[0]) if len(inner) == 1 else None
    if node.data == "identifier":
        return [token_text(node)], []
    if node.data not in ("get_attr_expr_term", "index_expr_term"):
        return None
    base_node, step = trees(node)
    base = _traversal(base_node)
    if base is None:
        return None
    steps, dynamic = base
    if node.data == "get_attr_expr_term":
        return (steps + [attribute_name(step)], dynamic) if not dynamic else base
    literal = _literal_index(step)
    if literal is not None and not dynamic:
        return steps + [literal], dynamic
    return steps, dynamic + trees(step)


def _literal_index(node: Tree[Any]) -> str | None:
    if node.data == "short_index":
        return f"[{int(str(node.children[-1]).lstrip('.'))}]"
    term = first_tree(node)
    while term.data == "expr_term" and len(trees(term)) == 1:
        term = first_tree(term)
    if term.data == "int_lit":
        return f"[{int(token_text(term))}]"
    if term.data == "string":
        parts = trees(term)
        if all(isinstance(p.children[0], Token) for p in parts):
            return "[" + json.dumps("".join(str(p.children[0]) for p in parts)) + "]"
    return None


def _as_terraform_lists(steps: list[str]) -> list[str]:
    """`aws_vpc.main.id` -> ["aws_vpc.main.id", "aws_vpc.main"], as Terraform prints them."""
    out = [_join(steps)]
    if steps[0] not in ROOTS and len(steps) > 2:
        out.append(_join(steps[:2]))
    elif steps[0] == "data" and len(steps) > 3:
        out.append(_join(steps[:3]))
    elif steps[0] == "module" and len(steps) > 2:
        out.append(_join(steps[:2]))
    return out


def _join(steps: list[str]) -> str:
    out = ""
    for step in steps:
        out += step if step.startswith("[") else (f".{step}" if out else step)
    return out
