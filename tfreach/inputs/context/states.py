"""Other stacks' resources from their Terraform output (`--context FILE|DIR`).

- `terraform show -json` of a state: `values.root_module` (and child modules), as a plan's
  prior state;
- `terraform show -json` of a plan: what will exist after its apply (`planned_values`);
- a raw state file (`terraform state pull`, or a local backend's terraform.tfstate): format 4,
  `resources[].instances[].attributes`;
- a folder: every `*.json` and `*.tfstate` file in it (not below it), in name order.

Data sources in them are facts about resources of yet other stacks (data_sources.py).
"""

from __future__ import annotations

import os
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from tfreach.errors import InputError
from tfreach.inputs.context import Context
from tfreach.inputs.context.data_sources import as_resources
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.inputs.plan.load import check_envelope, load_json_document
from tfreach.inputs.plan.references import split_instance_address
from tfreach.inputs.plan.sensitive import sensitive_values


def load_context(path: str) -> list[Context]:
    """The contexts a path holds: a file, or every state and plan file of a folder."""
    return list(_load(str(Path(path).resolve()) if path != "-" else path))


@lru_cache(maxsize=32)
def _load(path: str) -> tuple[Context, ...]:
    """Read once per run, however many plans are checked against it."""
    target = Path(path)
    if target.is_dir():
        files = sorted(p for p in target.iterdir() if p.suffix in (".json", ".tfstate") and _regular(p))
        if not files:
            raise InputError(path, "holds no .json or .tfstate file to read as a context")
        return tuple(_context(str(f)) for f in files)
    return (_context(path),)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _context(path: str) -> Context:
    document = load_json_document(path)  # the same reading and budget as a plan
    name = f"{Path(path).parent.name}/{Path(path).stem}" if path != "-" else "stdin"
    if not isinstance(document, dict):
        raise InputError(path, "is neither a state nor a plan: the top level is not an object")
    if "resources" in document and document.get("version") == 4:
        instances = list(_from_raw_state(document, name))
    elif "planned_values" in document:
        check_envelope(path, document)
        instances = list(_from_module(document["planned_values"].get("root_module") or {}, name))
    elif "values" in document:
        check_envelope(path, document)
        instances = list(_from_module((document.get("values") or {}).get("root_module") or {}, name))
    else:
        raise InputError(path, "is neither a state nor a plan (no values, planned_values or resources)")
    return Context(name, tuple(instances), sensitive_values(document))


def _from_module(module: dict[str, Any], name: str) -> list[ResourceInstance]:
    """Resources of a `terraform show -json` module and its children (iteratively)."""
    out: list[ResourceInstance] = []
    pending = [module]
    while pending:
        current = pending.pop(0)
        managed = []
        for resource in current.get("resources") or []:
            values = resource.get("values") or {}
            if resource.get("mode", "managed") == "managed":
                managed.append(_instance(name, resource["address"], resource["type"], values))
            else:
                managed += [
                    _instance(name, f"{resource['address']}{suffix}", t, v)
                    for t, suffix, v in as_resources(resource["type"], values)
                ]
        out += managed
        pending.extend(current.get("child_modules") or [])
    return out


def _from_raw_state(document: dict[str, Any], name: str) -> list[ResourceInstance]:
    out: list[ResourceInstance] = []
    for resource in document.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        prefix = f"{resource['module']}." if resource.get("module") else ""
        data = resource.get("mode") == "data"
        base = f"{prefix}{'data.' if data else ''}{resource.get('type')}.{resource.get('name')}"
        for instance in resource.get("instances") or []:
            key = instance.get("index_key")
            address = base + ("" if key is None else f"[{key}]" if isinstance(key, int) else f'["{key}"]')
            values = instance.get("attributes") or {}
            if data:
                facts = as_resources(str(resource.get("type")), values)
                out += [_instance(name, f"{address}{suffix}", t, v) for t, suffix, v in facts]
            else:
                out.append(_instance(name, address, str(resource.get("type")), values))
    return out


def _instance(name: str, address: str, resource_type: str, values: dict[str, Any]) -> ResourceInstance:
    """A context resource, its address prefixed with its stack: `network:aws_subnet.public`."""
    try:
        module, _, rname, key = split_instance_address(address)
    except ValueError:
        module, rname, key = (), address, None
    outside = ((f"{name}:", None), *module)
    return ResourceInstance(f"{name}:{address}", resource_type, rname, outside, key, values, {}, ("no-op",))


def data_source_facts(plan: dict[str, Any]) -> Context:
    """The plan's own data sources, read during the plan: facts about resources of other stacks."""
    module = ((plan.get("prior_state") or {}).get("values") or {}).get("root_module") or {}
    facts = [i for i in _from_module(_data_only(module), "data") if i.type]
    return Context("data sources", tuple(facts), facts=True)


def _data_only(module: dict[str, Any]) -> dict[str, Any]:
    resources = [r for r in module.get("resources") or [] if isinstance(r, dict) and r.get("mode") == "data"]
    children = [_data_only(c) for c in module.get("child_modules") or [] if isinstance(c, dict)]
    return {"resources": resources, "child_modules": children}


def managed_ids(plan: dict[str, Any]) -> set[str]:
    """The AWS ids of the resources a plan manages (known before or after its apply)."""
    out: set[str] = set()
    for values in (plan.get("prior_state") or {}).get("values"), plan.get("planned_values"), plan.get("values"):
        pending = [(values or {}).get("root_module") or {}]
        while pending:
            module = pending.pop()
            for resource in module.get("resources") or []:
                identity = (resource.get("values") or {}).get("id") if resource.get("mode") == "managed" else None
                if isinstance(identity, str):
                    out.add(identity)
            pending.extend(module.get("child_modules") or [])
    return out
