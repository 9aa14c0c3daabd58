"""What resolving a link gives: the instances an id may be, and why it may not be exact."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tfreach.inputs.plan.configuration import rendered
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.inputs.plan.references import Key, ModulePath, Traversal


@dataclass(frozen=True)
class Link:
    """What an id-valued attribute will point at after apply."""

    addresses: tuple[str, ...] = ()
    external: tuple[str, ...] = ()  # known ids of resources this plan does not manage
    problem: str | None = None  # why the answer may be incomplete or ambiguous
    configured: bool = True  # False: not set at all, so AWS's default applies
    complete: bool = True  # False: part of the value comes from somewhere the plan does not show
    causes: tuple[str, ...] = ()  # the kinds of `problem` (KEYED, LOCAL...)

    @property
    def unresolved(self) -> bool:
        """Some of it may be something this plan does not manage: a careful reader assumes the worst."""
        return not self.complete or bool(self.external)

    @property
    def single(self) -> str | None:
        return self.addresses[0] if len(self.addresses) == 1 and not self.external else None


@dataclass(frozen=True)
class Scope:
    module: ModulePath
    key: int | str | None  # count.index / each.key of the referring instance or module call
    keyed: bool  # the expression mentions count.index or each.*
    each: dict[str, Any] | None = field(default=None, hash=False, compare=False)  # the for_each expression


@dataclass
class Found:
    instances: list[ResourceInstance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    open_ended: bool = False  # some reference leads out of the plan (a data source, a variable without value)

    def add(self, other: Found) -> None:
        self.open_ended = self.open_ended or other.open_ended
        if not self.instances:
            self.instances = list(other.instances)
        elif other.instances:
            self.instances = list({i.address: i for i in [*self.instances, *other.instances]}.values())
        self.problems.extend(p for p in other.problems if p not in self.problems)
        self.causes.extend(c for c in other.causes if c not in self.causes)

    def copy(self) -> Found:
        return Found(list(self.instances), list(self.problems), list(self.causes), self.open_ended)

    def problem(self, text: str, cause: str) -> Found:
        if text not in self.problems:
            self.problems.append(text)
        if cause not in self.causes:
            self.causes.append(cause)
        return self


# --- helpers ------------------------------------------------------------------------------


def sort_key(instance: ResourceInstance) -> tuple[int, int | str]:
    key = instance.key
    return (0, key) if isinstance(key, int) else (1, "" if key is None else str(key))


def keyed_link_problem(traversal: Traversal, scope: Scope, candidates: int) -> str:
    """Why a `[count.index]`-style link is not narrowed to the element of the same key."""
    key = "count.index" if isinstance(scope.key, int) else "each.key"
    return (
        f"{rendered(traversal)} is indexed with {key} and the plan JSON does not record how "
        f"(e.g. [{key} + 1]): each of its {candidates} instances may be meant; run beside the .tf files to resolve"
    )


def pick(found: Found, rest: Traversal) -> Found:
    """Apply a constant index (`...private_subnets[1]`) to an ordered list of instances."""
    if not rest or not isinstance(rest[0], Key) or not isinstance(rest[0].value, int):
        return found
    index = rest[0].value
    groups: dict[tuple[ModulePath, str], list[ResourceInstance]] = defaultdict(list)
    for instance in found.instances:
        groups[(instance.module, instance.config_key)].append(instance)
    picked = [group[index] for group in groups.values() if index < len(group)]
    return Found(picked, found.problems, found.causes, found.open_ended)


def module_label(module: ModulePath) -> str:
    from tfreach.inputs.plan.references import module_address

    return module_address(module) or "the root module"
