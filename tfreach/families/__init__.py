"""Terraform resources -> the network model, one module per family of AWS resources.

Each parser registers the resource types it maps with `@parses(...)`. Parsers run in
phases so that a parser can rely on the objects of earlier phases: 0 creates containers
(VPCs, subnets, gateways, tables, ACLs, groups, interfaces), 1 adds what belongs to them
(routes, rules, associations, instances) and 2 attaches addresses and interfaces. A type
may have one parser per phase (a route table is created in 0, its inline routes read in 1).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from tfreach.aws.outside import can_be_id
from tfreach.families.context import NAME_ATTRIBUTE, NAMED_TYPES, ParseContext
from tfreach.families.unknowns import UNREADABLE_RESOURCE
from tfreach.families.unmodelled import warn_unmodelled
from tfreach.inputs.context import Context, beyond
from tfreach.inputs.plan.instances import (
    ResourceInstance,
    config_modules,
    planned_instances,
    prior_instances,
    removed_instances,
)
from tfreach.inputs.plan.resolve import Resolver, SourceValues
from tfreach.model.network import Network

Parser = Callable[[ResourceInstance, ParseContext], None]
Fallback = Callable[[ResourceInstance, ParseContext], str]  # -> the assumption made
Finisher = Callable[[ParseContext], None]
PARSERS: dict[str, dict[int, Parser]] = {}
FALLBACKS: dict[str, Fallback] = {}
PHASES = (0, 1, 2)
FINISHERS: list[Finisher] = []


def parses(*types: str, phase: int = 0) -> Callable[[Parser], Parser]:
    def register(parser: Parser) -> Parser:
        for resource_type in types:
            PARSERS.setdefault(resource_type, {})[phase] = parser
        return parser

    return register


def when_unreadable(*types: str) -> Callable[[Fallback], Fallback]:
    """Registers the most exposed reading of a resource of these types whose values cannot be
    read (a rule block that is a string, a list where an object belongs): never its absence."""

    def register(fallback: Fallback) -> Fallback:
        for resource_type in types:
            FALLBACKS[resource_type] = fallback
        return fallback

    return register


def finishes(finisher: Finisher) -> Finisher:
    """Registers a step that runs once every resource is parsed (cross-resource conclusions)."""
    FINISHERS.append(finisher)
    return finisher


LAST_FINISHERS: list[Finisher] = []


def finishes_last(finisher: Finisher) -> Finisher:
    """Registers a step that runs after every other (the ids nothing holds, once all are named)."""
    LAST_FINISHERS.append(finisher)
    return finisher


def modelled_types() -> list[str]:
    return sorted(PARSERS)


def build_network(
    instances: list[ResourceInstance],
    configuration: dict[str, Any] | None,
    removed: Sequence[ResourceInstance] = (),
    unset_variables: frozenset[str] = frozenset(),
    source_values: SourceValues | None = None,
    contexts: Sequence[Context] = (),
) -> Network:
    """The network these resource instances make; `removed` are resources the plan deletes.

    `source_values`: the configuration evaluated from its sources, to resolve what the plan
    JSON cannot (see `Resolver`). `contexts`: resources beyond the plan (other stacks, data
    sources, the live account) that join it by AWS id; they are `foreign` (never reported).
    """
    foreign = beyond(instances, list(removed), list(contexts))
    every = instances + foreign
    resolver = Resolver(every, config_modules(configuration), unset_variables, source_values, can_be_id)
    context = ParseContext(Network(), resolver, list(removed))
    context.network.foreign = {i.address for i in foreign}
    facts = {i.address for c in contexts if c.facts for i in c.instances}
    context.facts = {i.address for i in foreign if i.address in facts}
    for instance in every:
        name = instance.get(NAME_ATTRIBUTE.get(instance.type, "name"))
        if instance.type in NAMED_TYPES and isinstance(name, str):
            context.names.setdefault((instance.type, name), instance.address)
    for instance in instances:
        counts = context.network.modelled if instance.type in PARSERS else context.network.skipped
        counts[instance.type] += 1
    warn_unmodelled(context.network, context.network.skipped)
    for phase in PHASES:
        for instance in every:
            parser = PARSERS.get(instance.type, {}).get(phase)
            if parser is not None:
                _parse(parser, instance, context)
    for finisher in FINISHERS + LAST_FINISHERS:
        finisher(context)
    return context.network


def planned_network(
    plan: dict[str, Any], source_values: SourceValues | None = None, contexts: Sequence[Context] = ()
) -> Network:
    """The network after apply, as the plan describes it (joined by the contexts beyond it)."""
    return build_network(
        planned_instances(plan),
        plan.get("configuration"),
        removed_instances(plan),
        unset_variables(plan),
        source_values,
        contexts,
    )


def prior_network(plan: dict[str, Any], contexts: Sequence[Context] = ()) -> Network | None:
    """The network deployed now (the plan's prior state); None for a plan without one."""
    instances = prior_instances(plan)
    return None if instances is None else build_network(instances, plan.get("configuration"), contexts=contexts)


def unset_variables(plan: dict[str, Any]) -> frozenset[str]:
    """Root variables declared without a value: never in a real plan, common in bare sources."""
    if not isinstance(plan.get("variables"), dict):
        return frozenset()
    root = ((plan.get("configuration") or {}).get("root_module") or {}).get("variables") or {}
    given = plan["variables"]
    if not isinstance(root, dict):
        return frozenset()
    return frozenset(name for name in root if not isinstance(given.get(name), dict) or "value" not in given[name])


_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError, ArithmeticError, RecursionError)


def _parse(parser: Parser, instance: ResourceInstance, context: ParseContext) -> None:
    """A malformed resource (a CIDR that is not one, a list where a string belongs) is read as
    the most exposed resource of its kind, with a warning that names it, never its values."""
    try:
        parser(instance, context)
    except _MALFORMED as error:
        fallback = FALLBACKS.get(instance.type)
        assumed = "ignored"
        if fallback is not None:
            try:
                assumed = f"assumed {fallback(instance, context)}"
            except _MALFORMED:
                assumed = "ignored"
        message = f"could not be read ({type(error).__name__}); {assumed}"
        context.network.notice(instance.address, None, message, UNREADABLE_RESOURCE)


# Every module of this package that documents its types (AWS_DOCS) is a family: importing it
# registers its parsers. A new family is one new module; the docs table lists it (this order first).
_HELPERS = frozenset({"context", "outside", "unknowns", "unmodelled"})
_DOCS_ORDER = ("vpc", "route_tables", "security_groups", "nacls", "prefix_lists", "compute", "autoscaling")


def _families() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name not in _HELPERS)
    ordered = [n for n in _DOCS_ORDER if n in names] + [n for n in names if n not in _DOCS_ORDER]
    return [importlib.import_module(f"{__name__}.{name}") for name in ordered]


_FAMILIES = _families()


def modelled_table() -> str:
    """The generated part of docs/modelled.md: every modelled type by family, with its AWS doc."""
    out = []
    for family in _FAMILIES:
        summary = (family.__doc__ or "").strip().splitlines()[0].rstrip(".")
        name = family.__name__.rsplit(".", 1)[-1]
        out += [f"### {summary}", "", f"Parsed in `tfreach/families/{name}.py`.", ""]
        out += ["| resource type | what AWS documents |", "|---|---|"]
        out += [f"| `{t}` | [{_page(url)}]({url}) |" for t, url in family.AWS_DOCS.items()]
        out.append("")
    return "\n".join(out)


def unmodelled_table() -> str:
    """The generated list of docs/modelled.md: types that can be reachable and are not modelled yet."""
    from tfreach.families.unmodelled import not_modelled

    rows = [f"| `{t}` | {what} |" for t, what in not_modelled(set(PARSERS)).items()]
    return "\n".join(["| resource type | what it can expose |", "|---|---|", *rows, ""])


def _page(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")
