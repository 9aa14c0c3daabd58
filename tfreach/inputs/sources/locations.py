"""Where each resource block is written: file and lines, following local modules.

SARIF, GitHub annotations and the Markdown report point a finding at the block that
declares its resource, so a reviewer lands on the right line of the pull request; the
block's `# tfreach:allow` comments travel with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tfreach.errors import InputError
from tfreach.inputs.plan.references import split_instance_address

if TYPE_CHECKING:
    from tfreach.inputs.sources.root import Root
    from tfreach.inputs.sources.source import Allowance


@dataclass(frozen=True)
class Location:
    file: str
    line: int
    end_line: int
    allowances: tuple[Allowance, ...] = ()


def resource_locations(root: Path) -> dict[str, Location]:
    """Configuration addresses (module.web.aws_instance.this) -> where their block is written.

    InputError when a .tf file is not valid HCL.
    """
    from tfreach.inputs.sources.root import root_of

    folder = root.resolve()
    return _module(folder, "", (), root_of(folder))


def location_of(locations: dict[str, Location], address: str) -> Location | None:
    """The block of a resource instance (module.web["blue"].aws_instance.this[0])."""
    try:
        modules, rtype, name, _ = split_instance_address(address)
    except (ValueError, AssertionError, IndexError):
        return None
    prefix = "".join(f"module.{call}." for call, _ in modules)
    return locations.get(f"{prefix}{rtype}.{name}")


def has_sources(folder: Path) -> bool:
    """Does the folder hold Terraform configuration files (.tf or .tf.json)?"""
    return folder.is_dir() and (any(folder.glob("*.tf")) or any(folder.glob("*.tf.json")))


def _module(folder: Path, prefix: str, within: tuple[Path, ...], root: Root) -> dict[str, Location]:
    """`within`: the folders of the calling modules, so that a module calling itself ends."""
    from tfreach.inputs.sources.source import module_source, name_of  # python-hcl2 and lark: only when sources exist

    if folder in within or not has_sources(folder):
        return {}
    source = module_source(folder, root)
    out = {
        f"{prefix}{key}": Location(block.file, block.line, block.end_line, tuple(source.allowances.get(key, ())))
        for key, block in source.resources.items()
    }
    for name, call in source.calls.items():
        expression = call.attribute("source")
        path = name_of(expression.tree) if expression is not None else ""
        if path.startswith(("./", "../")):
            try:
                child = root.check(folder / path, call.where)
                out.update(_module(child, f"{prefix}module.{name}.", (*within, folder), root))
            except InputError:
                continue  # a broken child module: its blocks have no location
    return out
