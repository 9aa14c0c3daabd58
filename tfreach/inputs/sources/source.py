"""Read a module folder's `.tf` files (python-hcl2) into its declarations, unevaluated.

Each expression keeps its parse tree, its source text and its file:line, so that whatever
cannot be evaluated is reported where it is written.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from tfreach.budget import LIMITS, expression_depth
from tfreach.errors import InputError
from tfreach.inputs.sources.json_syntax import NotConfiguration, native_text
from tfreach.inputs.sources.locations import has_sources
from tfreach.inputs.sources.root import OutsideRoot, Root, root_of

_ALLOW_COMMENT = re.compile(
    r"(?:#|//)\s*tfreach:allow\s+(?P<ports>[^\s]+(?:\s*,\s*[^\s]+)*)(?:\s+reason:\s*(?P<reason>.*))?"
)


@dataclass(frozen=True)
class Expression:
    tree: Tree[Any]
    text: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Body:
    attributes: dict[str, Expression] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    kind: str
    labels: list[str]
    body: Body
    file: str
    line: int
    end_line: int

    def attribute(self, name: str) -> Expression | None:
        return self.body.attributes.get(name)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Allowance:
    """An inline `# tfreach:allow tcp/443 reason: public web` comment on a resource block."""

    ports: str
    reason: str
    line: int


@dataclass
class ModuleSource:
    folder: Path
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Expression] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)  # "aws_vpc.main" -> block
    data: dict[str, Block] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    allowances: dict[str, list[Allowance]] = field(default_factory=dict)  # "aws_vpc.main" -> comments

    @cached_property  # asked at every identifier an expression names
    def resource_types(self) -> set[str]:
        return {key.split(".", 1)[0] for key in self.resources}


def module_source(folder: Path, root: Root | None = None) -> ModuleSource:
    """The declarations of every `.tf` file of a folder; InputError for a file that is not HCL,
    is too large or nests too deeply, or lies outside `root` (default: the folder's repository)."""
    folder = folder.resolve()
    return _module_source(folder, root or root_of(folder))


@lru_cache(maxsize=256)
def _module_source(folder: Path, root: Root) -> ModuleSource:
    module = ModuleSource(folder)
    paths = _source_files(folder, root)
    for path in paths:
        text = _native(path, _read(path))
        _collect(module, _blocks_of(_body_of(parse_file(path, text)), text, str(path)), text)
    return module


def _native(path: Path, text: str) -> str:
    """A file's text in native syntax: a `.tf.json` file is rewritten as the blocks it declares
    (its lines are those of the rewritten text)."""
    if not path.name.endswith(".tf.json"):
        return text
    try:
        return native_text(json.loads(text))
    except json.JSONDecodeError as error:
        raise InputError(str(path), f"not valid JSON (line {error.lineno})") from None
    except RecursionError:
        raise InputError(str(path), "nests too deeply") from None
    except NotConfiguration as error:
        raise InputError(str(path), f"not a Terraform configuration in JSON syntax ({error})") from None


def _source_files(folder: Path, root: Root) -> list[Path]:
    """The folder's .tf files, each inside the root and within the budget, before any is parsed."""
    root.check(folder, str(folder))
    paths = sorted([*folder.glob("*.tf"), *folder.glob("*.tf.json")])
    total = 0
    for path in paths:
        root.check(path, str(path))
        total += _size(path)
    if total > LIMITS.source_total_bytes:
        raise InputError(str(folder), f"its .tf files exceed {LIMITS.source_total_bytes >> 20} MiB in all")
    return paths


def folder_size(folder: Path) -> int:
    """Bytes of a folder's .tf files, read without parsing them (what the budget counts)."""
    return sum(_size(path) for path in [*folder.glob("*.tf"), *folder.glob("*.tf.json")])


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def parse_file(path: Path, text: str) -> Tree[Any]:
    """The parse tree of a .tf file; its errors say where, never what the file holds."""
    try:
        tree = hcl2.parses_to_tree(text)
    except (LarkError, ValueError, RecursionError) as error:
        line, column = getattr(error, "line", None), getattr(error, "column", None)
        at = f"line {line}, column {column}" if isinstance(line, int) and line > 0 else type(error).__name__
        raise InputError(str(path), f"not valid HCL ({at})") from None
    depth = expression_depth(tree)
    if depth > LIMITS.nesting:
        raise InputError(f"{path}:{_deepest_line(tree)}", f"nests {depth} levels deep, more than tfreach reads")
    return tree


def _deepest_line(tree: Tree[Any]) -> int:
    """The line of the attribute or block whose expression nests deepest."""
    body = _body_of(tree)
    best, line = 0, 1
    for child in body.children if body is not None else []:
        if isinstance(child, Tree) and expression_depth(child) > best:
            best, line = expression_depth(child), getattr(child.meta, "line", 1)
    return line


def _read(path: Path) -> str:
    return read_regular_file(path, LIMITS.source_file_bytes)


def read_regular_file(path: Path, limit: int) -> str:
    """A regular file's UTF-8 text; a FIFO, a device (a symlink to /dev/zero) or a huge file is an
    input error, never a hang: sources may come from an untrusted pull request."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(str(path), "is not a regular file (a FIFO, a device, a link to one?)")
        if info.st_size > limit:
            raise InputError(str(path), f"is larger than {limit >> 10} KiB, more than tfreach reads")
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(str(path), f"is not UTF-8 text (byte {error.start})") from None


def _collect(module: ModuleSource, blocks: list[Block], text: str) -> None:
    lines = text.splitlines()
    tables = {
        ("variable", 1): module.variables,
        ("resource", 2): module.resources,
        ("data", 2): module.data,
        ("module", 1): module.calls,
        ("output", 1): module.outputs,
    }
    for block in blocks:
        name = ".".join(block.labels)
        if block.kind == "locals":
            for local, expression in block.body.attributes.items():
                _declare(module.locals, local, expression, f"local.{local}", expression.where)
        elif (block.kind, len(block.labels)) in tables:
            _declare(tables[(block.kind, len(block.labels))], name, block, f"{block.kind} {name}", block.where)
            if block.kind == "resource":
                module.allowances[name] = _allowances(lines, block)


def _declare(table: dict[str, Any], name: str, declaration: Any, what: str, where: str) -> None:
    """Terraform refuses a name declared twice in a module; so do we, rather than pick one."""
    if name in table:
        file, _, line = where.rpartition(":")
        raise InputError(file, f"line {line}: {what} is already declared at {table[name].where}")
    table[name] = declaration


def _allowances(lines: list[str], block: Block) -> list[Allowance]:
    """Comments inside the block, or in the comment lines right above it."""
    first = block.line - 1
    while first > 0 and lines[first - 1].strip().startswith(("#", "//")):
        first -= 1
    out = []
    for number in range(first, min(block.end_line, len(lines))):
        match = _ALLOW_COMMENT.search(lines[number])
        if match:
            out.append(Allowance(match["ports"].replace(" ", ""), (match["reason"] or "").strip(), number + 1))
    return out


# --- the parse tree ------------------------------------------------------------------------


def _body_of(tree: Tree[Any]) -> Tree[Any] | None:
    return next((c for c in tree.children if isinstance(c, Tree) and c.data == "body"), None)


def _blocks_of(body: Tree[Any] | None, text: str, file: str) -> list[Block]:
    return _read_body(body, text, file).blocks


def _read_body(body: Tree[Any] | None, text: str, file: str) -> Body:
    out = Body()
    for child in body.children if body is not None else []:
        if not isinstance(child, Tree):
            continue
        if child.data == "attribute":
            name = name_of(child.children[0])
            value = child.children[-1]
            out.attributes[name] = Expression(value, _text_of(value, text), file, child.meta.line)
        elif child.data == "block":
            out.blocks.append(_read_block(child, text, file))
    return out


def _read_block(node: Tree[Any], text: str, file: str) -> Block:
    labels = [c for c in node.children if isinstance(c, Tree) and c.data in ("identifier", "string", "keyword")]
    inner = next((c for c in node.children if isinstance(c, Tree) and c.data == "body"), None)
    return Block(
        name_of(labels[0]),
        [name_of(label) for label in labels[1:]],
        _read_body(inner, text, file),
        file,
        node.meta.line,
        node.meta.end_line,
    )


def name_of(node: Tree[Any] | Token) -> str:
    """The characters of an identifier, a keyword or a plain string literal."""
    if isinstance(node, Token):
        return "" if node.type == "DBLQUOTE" or str(node) == '"' else str(node)
    return "".join(name_of(c) for c in node.children if isinstance(c, Tree | Token))


def _text_of(node: Tree[Any], text: str) -> str:
    meta = node.meta
    if getattr(meta, "empty", True):
        return ""
    return " ".join(text[meta.start_pos : meta.end_pos].split())


def calling_root(folder: Path, top: Path) -> Path:
    """The root module that calls `folder` as a local module, searching upwards to `top`.

    A pre-commit hook passes the changed files; a change in modules/web/main.tf is checked
    through the configuration that uses the module, where its variables have values.
    """
    folder, top = folder.resolve(), top.resolve()
    for ancestor in folder.parents:
        if top != ancestor and top not in ancestor.parents:
            break
        if folder in _local_modules(ancestor, ()):
            return calling_root(ancestor, top)
    return folder


def _local_modules(folder: Path, within: tuple[Path, ...]) -> set[Path]:
    """Every folder `folder` calls as a local module, directly or not (inside its root only)."""
    if folder in within or not has_sources(folder):
        return set()
    root = root_of(folder)
    try:
        calls = module_source(folder, root).calls.values()
    except InputError:
        return set()
    found: set[Path] = set()
    for call in calls:
        expression = call.attribute("source")
        source = name_of(expression.tree) if expression is not None else ""
        if source.startswith(("./", "../")):
            try:
                child = root.inside(folder / source)
            except OutsideRoot:
                continue
            found |= {child} | _local_modules(child, (*within, folder))
    return found
