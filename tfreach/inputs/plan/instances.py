"""Resource instances of a plan: planned values, what is unknown, and their configuration.

A plan spreads one resource over `resource_changes` (after values, after_unknown, actions),
`planned_values` and `configuration` (expressions, shared by every instance of a count or
for_each). `ResourceInstance` joins them under the instance address, which is the stable
identity everything downstream uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tfreach.inputs.plan.references import ModulePath, split_instance_address

Expression = dict[str, Any]


@dataclass(eq=False)
class ResourceInstance:
    address: str
    type: str
    name: str
    module: ModulePath
    key: int | str | None
    values: dict[str, Any]
    unknown: dict[str, Any]
    actions: tuple[str, ...]
    config: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def config_key(self) -> str:
        """`type.name` as written in the module's configuration."""
        return f"{self.type}.{self.name}"

    @property
    def expressions(self) -> dict[str, Any]:
        return (self.config or {}).get("expressions") or {}

    def get(self, attribute: str) -> Any:
        return self.values.get(attribute)

    def is_unknown(self, attribute: str) -> bool:
        """True when the whole attribute is "known after apply"."""
        return self.unknown.get(attribute) is True

    def is_configured(self, attribute: str) -> bool:
        return attribute in self.expressions

    def value_at(self, path: tuple[str | int, ...]) -> Any:
        """The known value at a path into nested blocks (None when absent or unknown)."""
        return value_at_path(self.values, path)

    def unknown_at(self, path: tuple[str | int, ...]) -> bool:
        """Is the value at `path` (or a block holding it) known only after apply?"""
        return self.unknown_node(path) is True

    def partly_unknown(self, path: tuple[str | int, ...]) -> bool:
        """A list some of whose elements are known only after apply: [known id, (unknown)]."""
        node = self.unknown_node(path)
        return isinstance(node, list) and any(u is True for u in node)

    def unknown_node(self, path: tuple[str | int, ...]) -> Any:
        """The after_unknown marker at `path`: True when it or a block holding it is unknown."""
        node: Any = self.unknown
        for step in path:
            if node is True:
                return True
            node = value_at_path(node, (step,))
        return node


def value_at_path(node: Any, path: tuple[str | int, ...]) -> Any:
    """The value under `path` in plan JSON values (None where it is absent)."""
    for step in path:
        if isinstance(step, int):
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
    return node


@dataclass
class ConfigModule:
    resources: dict[str, dict[str, Any]]
    calls: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]


def config_modules(configuration: dict[str, Any] | None) -> dict[tuple[str, ...], ConfigModule]:
    """Configuration modules by call path (("vpc",) for module.vpc, () for the root)."""
    out: dict[tuple[str, ...], ConfigModule] = {}

    def walk(module: dict[str, Any], path: tuple[str, ...]) -> None:
        calls = module.get("module_calls") or {}
        out[path] = ConfigModule(
            resources={
                f"{r['type']}.{r['name']}": r
                for r in module.get("resources") or []
                if r.get("mode", "managed") == "managed"
            },
            calls=calls,
            outputs=module.get("outputs") or {},
        )
        for name, call in calls.items():
            walk(call.get("module") or {}, path + (name,))

    walk((configuration or {}).get("root_module") or {}, ())
    return out


def planned_instances(plan: dict[str, Any]) -> list[ResourceInstance]:
    """Every managed resource instance that exists after apply (deleted ones excluded).

    A state (`terraform show -json` without a plan) has `values`: what exists now.
    """
    changes = plan.get("resource_changes")
    if changes:
        instances = list(_from_changes(changes))
    else:
        values = plan.get("planned_values") or plan.get("values") or {}
        instances = list(_from_values(values.get("root_module") or {}))
    return _with_config(instances, plan)


def prior_instances(plan: dict[str, Any]) -> list[ResourceInstance] | None:
    """What is deployed before the plan is applied (`prior_state`); None when the plan has none."""
    prior = (plan.get("prior_state") or {}).get("values")
    if not isinstance(prior, dict) or "planned_values" not in plan:
        return None
    return _with_config(list(_from_values(prior.get("root_module") or {})), plan)


def removed_instances(plan: dict[str, Any]) -> list[ResourceInstance]:
    """Instances the plan deletes (or replaces), as they were: their traces in other resources go too."""
    out = []
    for change in plan.get("resource_changes") or []:
        body = change["change"]
        if change.get("mode", "managed") == "managed" and "delete" in body["actions"] and body.get("before"):
            out.append(_instance(change["address"], body["before"], {}, tuple(body["actions"])))
    return out


def _with_config(instances: list[ResourceInstance], plan: dict[str, Any]) -> list[ResourceInstance]:
    modules = config_modules(plan.get("configuration"))
    for instance in instances:
        module = modules.get(tuple(name for name, _ in instance.module))
        if module is not None:
            instance.config = module.resources.get(instance.config_key)
    return instances


def _from_changes(changes: list[dict[str, Any]]) -> Iterator[ResourceInstance]:
    for change in changes:
        if change.get("mode", "managed") != "managed":
            continue
        body = change["change"]
        after = body.get("after")
        if after is None:
            continue  # deleted by this plan
        unknown = body.get("after_unknown")
        yield _instance(change["address"], after, unknown if isinstance(unknown, dict) else {}, tuple(body["actions"]))


def _from_values(module: dict[str, Any]) -> Iterator[ResourceInstance]:
    for resource in module.get("resources") or []:
        if resource.get("mode", "managed") == "managed":
            yield _instance(resource["address"], resource.get("values") or {}, {}, ("no-op",))
    for child in module.get("child_modules") or []:
        yield from _from_values(child)


def _instance(
    address: str, values: dict[str, Any], unknown: dict[str, Any], actions: tuple[str, ...]
) -> ResourceInstance:
    module, rtype, rname, key = split_instance_address(address)
    return ResourceInstance(address, rtype, rname, module, key, values, unknown, actions)
