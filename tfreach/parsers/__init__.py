"""Terraform resources -> the network model, one module per family of AWS resources.

Each parser registers the resource types it maps with `@parses(...)`. Parsers run in
phases so that a parser can rely on the objects of earlier phases: 0 creates containers
(VPCs, subnets, gateways, tables, ACLs, groups, interfaces), 1 adds what belongs to them
(routes, rules, associations, instances) and 2 attaches addresses and interfaces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Network
from ..plan.instances import ResourceInstance, config_modules, planned_instances
from ..plan.resolve import Resolver
from .context import NAMED_TYPES, ParseContext

Parser = Callable[[ResourceInstance, ParseContext], None]
Finisher = Callable[[ParseContext], None]
PARSERS: dict[str, tuple[int, Parser]] = {}
FINISHERS: list[Finisher] = []


def parses(*types: str, phase: int = 0) -> Callable[[Parser], Parser]:
    def register(parser: Parser) -> Parser:
        for resource_type in types:
            PARSERS[resource_type] = (phase, parser)
        return parser

    return register


def finishes(finisher: Finisher) -> Finisher:
    """Registers a step that runs once every resource is parsed (cross-resource conclusions)."""
    FINISHERS.append(finisher)
    return finisher


def modelled_types() -> list[str]:
    return sorted(PARSERS)


def build_network(plan: dict[str, Any]) -> Network:
    """The network after apply, as the plan describes it."""
    instances = planned_instances(plan)
    resolver = Resolver(instances, config_modules(plan.get("configuration")))
    context = ParseContext(Network(), resolver)
    for instance in instances:
        if instance.type in NAMED_TYPES and isinstance(instance.get("name"), str):
            context.names[(instance.type, instance.get("name"))] = instance.address
    for phase in (0, 1, 2):
        for instance in instances:
            entry = PARSERS.get(instance.type)
            if entry is None:
                if phase == 0:
                    context.network.skipped[instance.type] += 1
                continue
            if entry[0] == phase:
                context.network.modelled[instance.type] += 1
                _parse(entry[1], instance, context)
    for finisher in FINISHERS:
        finisher(context)
    return context.network


def _parse(parser: Parser, instance: ResourceInstance, context: ParseContext) -> None:
    """A malformed resource (a CIDR that is not one, a list where a string belongs) is a warning."""
    try:
        parser(instance, context)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        context.network.notice(instance.address, None, f"could not be read ({type(error).__name__}: {error}); ignored")


# Importing the families registers their parsers.
from . import autoscaling, compute, load_balancers, nacls, security_groups, vpc  # noqa: E402,F401
