"""An evaluated configuration as the JSON `terraform show -json` would print for its plan.

Every resource instance is a `create` whose `after` holds what the sources determine and
whose `after_unknown` marks the rest, and `configuration` carries each expression's
references exactly as Terraform lists them. The plan pipeline then reads it like any plan,
so both modes reach the same answers by the same code.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tfreach.errors import InputError
from tfreach.inputs.plan.references import ModulePath
from tfreach.inputs.sources.addresses import key_text
from tfreach.inputs.sources.evaluate import CALL_ARGUMENTS, ModuleInstance, Project, calls_itself, local_folder
from tfreach.inputs.sources.expressions import EvaluationError, Namespace, evaluate
from tfreach.inputs.sources.provider import computed_attributes, defaults_of
from tfreach.inputs.sources.references import references_in
from tfreach.inputs.sources.resources import META_ATTRIBUTES, META_BLOCKS, ResourceValue
from tfreach.inputs.sources.sensitivity import Sensitivity
from tfreach.inputs.sources.source import Block, Body, Expression, ModuleSource, name_of
from tfreach.inputs.sources.values import Unknown, unknowns_in
from tfreach.inputs.sources.variables import CONSTANTS

FORMAT_VERSION = "1.2"

# Attributes that never decide reachability: an unknown value there needs no warning.
_NOT_NETWORK = frozenset(
    {
        "ami", "instance_type", "user_data", "user_data_base64", "user_data_replace_on_change", "key_name",
        "iam_instance_profile", "tags", "tags_all", "description", "name", "name_prefix", "monitoring",
        "ebs_optimized", "root_block_device", "ebs_block_device", "metadata_options", "credit_specification",
        "health_check", "access_logs", "certificate_arn", "ssl_policy", "image_id", "timeouts", "availability_zone",
        "min_size", "max_size", "desired_capacity", "launch_template", "stickiness", "deregistration_delay",
    }
)  # fmt: skip


# (module call names, `type.name`) -> attributes whose value the sources could not evaluate
Unevaluated = dict[tuple[tuple[str, ...], str], set[str]]


def plan_document(project: Project) -> dict[str, Any]:
    changes, planned = [], defaultdict(list)
    unevaluated: Unevaluated = defaultdict(set)
    sensitivity = Sensitivity()
    for module in project.modules():
        for resource in module.all_resources():
            after, unknown = _resource_values(project, resource)
            sensitive = _sensitive(sensitivity, module, resource)
            changes.append(_change(module, resource, after, unknown, sensitive))
            planned[module.path].append(_planned(resource, after, sensitive))
            calls = tuple(name for name, _ in module.path)
            unevaluated[(calls, f"{resource.type}.{resource.name}")] |= _unevaluated(resource)
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": None,
        "planned_values": {"root_module": _planned_module((), planned)},
        "resource_changes": changes,
        "configuration": {"root_module": _configuration(project, project.root.source, frozenset(), (), unevaluated)},
        "variables": {name: {"value": value} for name, value in project.values.items()},
    }


# --- values ------------------------------------------------------------------------------


def _resource_values(project: Project, resource: ResourceValue) -> tuple[dict[str, Any], dict[str, Any]]:
    after: dict[str, Any] = {"id": resource.id}
    unknown: dict[str, Any] = {}
    for name in resource.configured():
        value = resource.attr(name)
        _warn_unknowns(project, resource, name, value)
        after[name], marker = split_unknown(value)
        if marker is not False:
            unknown[name] = marker
    if "arn" not in after:
        after["arn"] = resource.id
    for name, value in defaults_of(resource.type).items():
        after.setdefault(name, value)
    for name in _computed_unset(resource, after):
        unknown[name] = True
    return after, unknown


def _unevaluated(resource: ResourceValue) -> set[str]:
    """Attributes with a value the sources could not evaluate (a function tfreach lacks, a file it
    cannot read): unlike a value AWS computes, it is configured, so it must count as set."""
    return {name for name in resource.configured() if any(u.warn for u in unknowns_in(resource.attr(name)))}


def _computed_unset(resource: ResourceValue, after: dict[str, Any]) -> list[str]:
    """Attributes the provider fills in: "known after apply" in a plan."""
    return sorted(name for name in computed_attributes(resource.type) if name not in after)


def _warn_unknowns(project: Project, resource: ResourceValue, name: str, value: Any) -> None:
    if name in _NOT_NETWORK:
        return
    reasons = list(dict.fromkeys(u.reason for u in unknowns_in(value) if u.warn))
    if not reasons:
        return
    expression = resource.expression(name)
    if expression is not None:
        where = f"{expression.where}: {name} = {expression.text}"
    else:
        where = f"{_culprit(resource, name, reasons).where}: {name} block"
    project.warn(resource.address, name, f"{where}: {'; '.join(reasons)}; treated as known only after apply")


def _culprit(resource: ResourceValue, kind: str, reasons: list[str]) -> Block:
    """The nested block of `kind` an unknown most likely comes from: one whose text names the
    function that failed, else the first dynamic one, else the first of that kind."""
    blocks = [b for b in resource.block.body.blocks if b.kind == kind or (b.kind == "dynamic" and b.labels == [kind])]
    named = [word.split("()")[0].rsplit(" ", 1)[-1] + "(" for word in reasons if "()" in word]
    for block in blocks:
        if any(call in text for call in named for text in _texts(block.body)):
            return block
    dynamic = [b for b in blocks if b.kind == "dynamic"]
    return (dynamic or blocks or [resource.block])[0]


def _texts(body: Body) -> list[str]:
    return [e.text for e in body.attributes.values()] + [t for b in body.blocks for t in _texts(b.body)]


def split_unknown(value: Any) -> tuple[Any, Any]:
    """(the known part, the after_unknown marker): True where unknown, False where fully known."""
    if isinstance(value, Unknown | Namespace):
        return None, True
    if isinstance(value, dict):
        known, markers = {}, {}
        for key, item in value.items():
            known[key], marker = split_unknown(item)
            if marker is not False:
                markers[key] = marker
        return known, markers or False
    if isinstance(value, list | tuple):
        pairs = [split_unknown(item) for item in value]
        markers_list = [m for _, m in pairs]
        return [k for k, _ in pairs], markers_list if any(m is not False for m in markers_list) else False
    return value, False


def _sensitive(sensitivity: Sensitivity, module: ModuleInstance, resource: ResourceValue) -> dict[str, Any]:
    """The attributes terraform would print as "(sensitive value)" (after_sensitive's shape)."""
    marked: dict[str, Any] = {}
    for name in resource.configured():
        expression = resource.expression(name)
        if expression is not None:
            marked[name] = sensitivity.marks(module, expression)
        else:
            blocks = [b for b in resource.block.body.blocks if name in (b.kind, *b.labels[:1])]
            marked[name] = any(sensitivity.of_body(module, b.body) for b in blocks)
    return {name: sensitive for name, sensitive in marked.items() if sensitive}


def _change(
    module: ModuleInstance,
    resource: ResourceValue,
    after: dict[str, Any],
    unknown: dict[str, Any],
    sensitive: dict[str, bool],
) -> dict[str, Any]:
    body = {
        "actions": ["create"],
        "before": None,
        "after": after,
        "after_unknown": unknown,
        "after_sensitive": sensitive,
    }
    change = {
        "address": resource.address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": body,
    }
    if module.path:
        change["module_address"] = module.address
    if resource.key is not None:
        change["index"] = resource.key
    return change


def _planned(resource: ResourceValue, after: dict[str, Any], sensitive: dict[str, Any]) -> dict[str, Any]:
    entry = {
        "address": resource.address,
        "mode": "managed",
        "type": resource.type,
        "name": resource.name,
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "values": after,
        "sensitive_values": sensitive,
    }
    if resource.key is not None:
        entry["index"] = resource.key
    return entry


def _planned_module(path: ModulePath, planned: dict[ModulePath, list[dict[str, Any]]]) -> dict[str, Any]:
    children = sorted({p[: len(path) + 1] for p in planned if len(p) > len(path) and p[: len(path)] == path}, key=str)
    module: dict[str, Any] = {"resources": planned.get(path, [])}
    if children:
        module["child_modules"] = [
            {"address": _module_address(child), **_planned_module(child, planned)} for child in children
        ]
    return module


def _module_address(path: ModulePath) -> str:
    return ".".join(f"module.{call}{key_text(key)}" for call, key in path)


# --- configuration -------------------------------------------------------------------------


def _configuration(
    project: Project,
    source: ModuleSource,
    within: frozenset[Path],
    call_path: tuple[str, ...],
    unevaluated: Unevaluated,
) -> dict[str, Any]:
    """The configuration section of one module and, recursively, the local modules it calls.

    `within` holds the folders of the calling modules: a call back into one of them stops at once.
    An expression the sources could not evaluate is marked `"unevaluated": true` (never in a
    real plan), so that the resolver treats its value as set, known only after apply.
    """
    within = within | {source.folder.resolve()}
    types = source.resource_types
    resources = []
    for config_key, block in source.resources.items():
        rtype, name = block.labels
        entry: dict[str, Any] = {
            "address": config_key,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_config_key": "aws",
            "expressions": _body_expressions(block.body, types),
        }
        for name in unevaluated.get((call_path, config_key), ()):
            if isinstance(entry["expressions"].get(name), dict):
                entry["expressions"][name]["unevaluated"] = True
        for meta in ("count", "for_each"):
            expression = block.attribute(meta)
            if expression is not None:
                entry[f"{meta}_expression"] = _expression(expression, types)
        resources.append(entry)
    calls = {}
    for name, block in source.calls.items():
        call: dict[str, Any] = {
            "source": _source_text(block.attribute("source")),
            "expressions": {
                k: _expression(e, types) for k, e in block.body.attributes.items() if k not in CALL_ARGUMENTS
            },
            "module": {},
        }
        for meta in ("count", "for_each"):
            expression = block.attribute(meta)
            if expression is not None:
                call[f"{meta}_expression"] = _expression(expression, types)
        folder = local_folder(source.folder, call["source"], project.top, block.where)
        if folder is not None and folder.resolve() in within:
            raise InputError(block.where, calls_itself(folder))
        if folder is not None:
            child = project.module_source(folder)
            call["module"] = _configuration(project, child, within, (*call_path, name), unevaluated)
        calls[name] = call
    outputs = {
        name: {"expression": _expression(block.attribute("value"), types)}
        for name, block in source.outputs.items()
        if block.attribute("value") is not None
    }
    variables: dict[str, Any] = {name: {} for name in source.variables}
    return {"resources": resources, "module_calls": calls, "outputs": outputs, "variables": variables}


def _source_text(expression: Expression | None) -> str:
    return name_of(expression.tree) if expression is not None else ""


def _body_expressions(body: Body, types: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: _expression(expression, types)
        for name, expression in body.attributes.items()
        if name not in META_ATTRIBUTES
    }
    dynamic = {b.labels[0] for b in body.blocks if b.kind == "dynamic" and b.labels}
    for block in body.blocks:
        if block.kind in META_BLOCKS or block.kind in dynamic:
            continue
        if block.kind != "dynamic":
            if not isinstance(out.get(block.kind), list):
                out[block.kind] = []  # a block and an attribute of one name: Terraform refuses; the block wins
            out[block.kind].append(_body_expressions(block.body, types))
    for kind in dynamic:
        # One expression for every block of the kind: the references of for_each and contents.
        blocks = [b for b in body.blocks if b.kind == kind or (b.kind == "dynamic" and b.labels[:1] == [kind])]
        references = list(dict.fromkeys(r for b in blocks for r in _references_in_block(b.body, types)))
        out[kind] = {"references": references} if references else {"constant_value": None}
    return out


def _references_in_block(body: Body, types: set[str]) -> list[str]:
    found: list[str] = []
    for expression in body.attributes.values():
        found += references_in(expression.tree, types)
    for block in body.blocks:
        found += _references_in_block(block.body, types)
    return list(dict.fromkeys(found))


def _expression(expression: Expression | None, types: set[str]) -> dict[str, Any]:
    """{"references": [...]} or, for an expression that reads nothing, {"constant_value": ...}."""
    if expression is None:
        return {"constant_value": None}
    references = references_in(expression.tree, types)
    if references:
        return {"references": references}
    try:
        value = evaluate(expression.tree, CONSTANTS)
    except EvaluationError:
        value = None
    known, marker = split_unknown(value)
    return {"constant_value": known} if marker is False else {"references": []}
