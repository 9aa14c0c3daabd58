"""Where each resource block is written: file and lines, following local modules.

SARIF, GitHub annotations and the Markdown report point a finding at the block that
declares its resource, so a reviewer lands on the right line of the pull request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree

from ..plan.references import split_instance_address


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    end_line: int


def resource_locations(root: Path) -> dict[str, Location]:
    """Configuration addresses (module.web.aws_instance.this) -> where their block is written."""
    return _module(root.resolve(), "", ())


def location_of(locations: dict[str, Location], address: str) -> Location | None:
    """The block of a resource instance (module.web["blue"].aws_instance.this[0])."""
    try:
        modules, rtype, name, _ = split_instance_address(address)
    except (ValueError, AssertionError, IndexError):
        return None
    prefix = "".join(f"module.{call}." for call, _ in modules)
    return locations.get(f"{prefix}{rtype}.{name}")


def has_sources(folder: Path) -> bool:
    return folder.is_dir() and any(folder.glob("*.tf"))


def _module(folder: Path, prefix: str, within: tuple[Path, ...]) -> dict[str, Location]:
    """`within`: the folders of the calling modules, so that a module calling itself ends."""
    if folder in within or not folder.is_dir():
        return {}
    out: dict[str, Location] = {}
    calls: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.tf")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = hcl2.parses_to_tree(text)
        except Exception:
            continue
        for kind, labels, block in _blocks(tree):
            if kind == "resource" and len(labels) == 2:
                out[f"{prefix}{labels[0]}.{labels[1]}"] = Location(str(path), block.meta.line, block.meta.end_line)
            elif kind == "module" and len(labels) == 1:
                source = _attribute_string(block, "source")
                if source and source.startswith(("./", "../")):
                    calls.append((labels[0], source))
    for name, source in calls:
        out.update(_module((folder / source).resolve(), f"{prefix}module.{name}.", (*within, folder)))
    return out


def _blocks(tree: Tree[Any]) -> list[tuple[str, list[str], Tree[Any]]]:
    """Top-level blocks: (kind, labels, block)."""
    body = tree.children[0] if tree.children else None
    out = []
    for child in body.children if isinstance(body, Tree) else []:
        if isinstance(child, Tree) and child.data == "block":
            parts = [c for c in child.children if isinstance(c, Tree) and c.data in ("identifier", "string")]
            if parts:
                out.append((_text(parts[0]), [_text(p) for p in parts[1:]], child))
    return out


def _attribute_string(block: Tree[Any], name: str) -> str | None:
    body = next((c for c in block.children if isinstance(c, Tree) and c.data == "body"), None)
    for child in body.children if body is not None else []:
        if isinstance(child, Tree) and child.data == "attribute" and _text(child.children[0]) == name:
            return _text(child.children[-1])
    return None


def _text(node: Tree[Any] | Token) -> str:
    """The characters of an identifier or a plain string literal."""
    if isinstance(node, Token):
        return str(node) if node.type not in ("DBLQUOTE",) else ""
    return "".join(_text(c) for c in node.children if isinstance(c, Tree | Token))
