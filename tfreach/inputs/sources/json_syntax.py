"""Terraform's JSON configuration syntax (`*.tf.json`), read as the native syntax it stands for.

A `.tf.json` file declares the same blocks as a `.tf` file: `{"resource": {"aws_vpc": {"main":
{"cidr_block": "10.0.0.0/16"}}}}` is `resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }`.
Its strings are templates (`"${aws_vpc.main.id}"`), as in native syntax, so each JSON value is
written back as the native expression it means and the whole is parsed by the one HCL reader.
Nested blocks are written as attributes holding objects or lists of objects, which evaluate to
the same values; `dynamic` and the meta-blocks (`lifecycle`, `provisioner`) stay blocks.
https://developer.hashicorp.com/terraform/language/syntax/json
"""

from __future__ import annotations

import json
from typing import Any

_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1}
_BARE = frozenset({"type", "depends_on", "provider", "providers"})  # expressions, not templates, in JSON
_META_BLOCKS = frozenset({"lifecycle", "provisioner", "connection", "precondition", "postcondition"})


class NotConfiguration(ValueError):
    """The JSON is not a configuration (its top level is not an object of block types)."""


def native_text(document: Any) -> str:
    """The native-syntax text a JSON configuration stands for."""
    if not isinstance(document, dict):
        raise NotConfiguration("the top level is not an object")
    lines: list[str] = []
    for kind, content in document.items():
        if kind == "//":
            continue  # a comment
        if kind == "locals":
            for item in content if isinstance(content, list) else [content]:
                lines += ["locals {", *_attributes(_object(item), 1), "}"]
        elif kind in _LABELS:
            lines += _labelled(kind, content, _LABELS[kind], [])
        elif kind == "terraform":
            continue  # settings: nothing tfreach reads
        else:
            raise NotConfiguration(f"{kind!r} is not a block type of a configuration")
    return "\n".join(lines) + "\n"


def _labelled(kind: str, content: Any, labels: int, given: list[str]) -> list[str]:
    if len(given) == labels:
        bodies = content if isinstance(content, list) else [content]
        heading = " ".join([kind, *(json.dumps(label) for label in given)])
        return [line for body in bodies for line in [f"{heading} {{", *_body(_object(body), 1), "}"]]
    return [line for name, inner in _object(content).items() for line in _labelled(kind, inner, labels, [*given, name])]


def _body(body: dict[str, Any], depth: int) -> list[str]:
    lines: list[str] = []
    for name, value in body.items():
        if name == "//":
            continue
        if name == "dynamic":
            lines += _dynamic(_object(value), depth)
        elif name in _META_BLOCKS:
            continue
        else:
            lines.append(f"{'  ' * depth}{_key(name)} = {_expression(value, name in _BARE)}")
    return lines


def _attributes(body: dict[str, Any], depth: int) -> list[str]:
    return [f"{'  ' * depth}{_key(name)} = {_expression(value, False)}" for name, value in body.items() if name != "//"]


def _dynamic(blocks: dict[str, Any], depth: int) -> list[str]:
    pad = "  " * depth
    lines: list[str] = []
    for label, spec in blocks.items():
        for item in spec if isinstance(spec, list) else [spec]:
            settings = _object(item)
            lines.append(f"{pad}dynamic {json.dumps(label)} {{")
            lines += [
                f"{pad}  {_key(k)} = {_expression(v, k == 'iterator')}" for k, v in settings.items() if k != "content"
            ]
            lines += [
                f"{pad}  content {{",
                *_body(_object(settings.get("content")), depth + 2),
                f"{pad}  }}",
                f"{pad}}}",
            ]
    return lines


def _expression(value: Any, bare: bool) -> str:
    if isinstance(value, str):
        return _bare(value) if bare else _template(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_expression(v, bare) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_expression(v, False)}" for k, v in value.items()) + "}"
    raise NotConfiguration("a value of an unknown kind")


def _template(text: str) -> str:
    """A JSON string is a template: the same template in native syntax is a quoted string with the
    same escapes (JSON's are a subset of HCL's)."""
    return json.dumps(text, ensure_ascii=False)


def _bare(text: str) -> str:
    """`"type": "list(string)"`, `"depends_on": ["aws_vpc.main"]`: the expression itself."""
    inner = text.strip()
    if inner.startswith("${") and inner.endswith("}"):
        inner = inner[2:-1]
    if not all(c.isalnum() or c in "_.()[]\"', -*:" for c in inner):
        return _template(text)  # not a plain type or reference: read it as the string it is
    return inner


def _key(name: str) -> str:
    return name if name.replace("_", "a").replace("-", "a").isalnum() and not name[:1].isdigit() else json.dumps(name)


def _object(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise NotConfiguration("a block is not an object")
