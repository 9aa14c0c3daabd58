"""Resolve "known after apply" links to the resource instances they will point at.

In a plan for new infrastructure `subnet_id`, `vpc_id`, security group ids... are unknown.
The configuration still says where they come from: each expression lists the traversals
it reads (`aws_vpc.main.id`, `module.vpc.private_subnets[0]`, `var.subnet_id`,
`local.this_sg_id`, `count.index`). `Resolver.link` follows them through resources,
module calls (`var.*` -> the caller's expression), module outputs and `local.*` (locals are
not in the JSON: the single instance of the expected type in that module instance).

What it cannot pin down is returned with every candidate and a `problem`, never guessed.
`count.index` and `each.key` are such a case: the JSON keeps that an expression reads them,
not how (`aws_subnet.s[count.index + 1]` and `aws_subnet.s[count.index]` look the same), so
"the element with the referring instance's key" is only likely. The one exact case is
`for_each` over a whole resource, whose `each.value` is that resource's element of the same
key. The sources beside a plan (`source_values`) make every link exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from tfreach.inputs.plan.configuration import (
    NAMED_ROOTS,
    NON_RESOURCE_ROOTS,
    expression_at,
    expressions_in,
    mentions_key,
    rendered,
    whole_resource,
)
from tfreach.inputs.plan.instances import ConfigModule, ResourceInstance
from tfreach.inputs.plan.links import Found, Link, Scope, keyed_link_problem, module_label, pick, sort_key
from tfreach.inputs.plan.references import STAND_IN_PREFIX, Key, ModulePath, Traversal, maximal

# An instance's values as its sources evaluate them (ids of other resources as stand-ins).
SourceValues = Callable[[str, tuple[str | int, ...]], Any]  # (address, path) -> the value the sources give


# Why a link is not exact, in words shared by every link of the kind (reports group by them).
KEYED = (
    "picked by count.index or each.key, which the plan JSON does not record; every candidate is considered"
    " (run beside the .tf files for the exact link)"
)
LOCAL = "read through a local, which the plan JSON does not hold; every candidate is considered"
OUTSIDE = "read from a data source or a variable without value; outside the plan"
UNREFERENCED = "known only after apply and no candidate is referenced"
TOO_DEEP = "reference chain too deep"
NOT_AN_ID = "a value that cannot be the id of what the attribute names; the most exposed of its kind"

IdCheck = Callable[[str, frozenset[str]], bool]  # can this value be the id of one of these types?
_MAX_DEPTH = 40


class Resolver:
    def __init__(
        self,
        instances: Iterable[ResourceInstance],
        modules: dict[tuple[str, ...], ConfigModule],
        unset_variables: frozenset[str] = frozenset(),
        source_values: SourceValues | None = None,
        can_be_id: IdCheck | None = None,
    ) -> None:
        self.modules = modules
        self.can_be_id = can_be_id  # ids outside the plan are shown: only what can be an id is one
        self.unset_variables = unset_variables  # root variables without a value (sources, not plans)
        self.source_values = source_values  # the sources beside a plan: exact where its JSON is not
        self.by_address: dict[str, ResourceInstance] = {}
        self.by_resource: dict[tuple[ModulePath, str], list[ResourceInstance]] = defaultdict(list)
        self.by_module: dict[ModulePath, list[ResourceInstance]] = defaultdict(list)
        self.module_keys: dict[tuple[ModulePath, str], list[int | str | None]] = defaultdict(list)
        self.by_id: dict[str, str] = {}
        for instance in instances:
            self._index(instance)
        for group in self.by_resource.values():
            group.sort(key=sort_key)
        self._cache: dict[tuple[Any, ...], Found] = {}
        self._links: dict[tuple[Any, ...], Link] = {}
        self._expressions: dict[tuple[Any, ...], tuple[Found, tuple[str, ...]]] = {}

    def _index(self, instance: ResourceInstance) -> None:
        self.by_address[instance.address] = instance
        self.by_resource[(instance.module, instance.config_key)].append(instance)
        self.by_module[instance.module].append(instance)
        for depth in range(len(instance.module)):
            parent, (call, key) = instance.module[:depth], instance.module[depth]
            keys = self.module_keys[(parent, call)]
            if key not in keys:
                keys.append(key)
        known_id = instance.values.get("id")
        if isinstance(known_id, str) and known_id:
            self.by_id[known_id] = instance.address

    # --- public -------------------------------------------------------------------------

    def link(self, instance: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str]) -> Link:
        """Where `instance.<path>` points, as addresses of instances of `types` (asked once)."""
        key = (instance.address, path, types)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = self._ids_checked(self._link(instance, path, types, 0), types)
        return found

    def _ids_checked(self, link: Link, types: frozenset[str]) -> Link:
        """A value that cannot be an id of `types` (not AWS's shape for them) names nothing: it
        is unreadable, the most exposed of its kind, and never shown as if it were an id."""
        if self.can_be_id is None or not link.external:
            return link
        ids = tuple(v for v in link.external if self.can_be_id(v, types))
        if len(ids) == len(link.external):
            return link
        problem = "; ".join(p for p in (link.problem, f"holds a value that cannot be the id of a {_kind(types)}") if p)
        causes = (*link.causes, NOT_AN_ID)
        return Link(link.addresses, ids, problem, link.configured, complete=False, causes=causes)

    def referenced_by(self, instance: ResourceInstance, types: frozenset[str]) -> list[str]:
        """Instances of `types` that any expression of the resource's configuration reaches."""
        found = Found()
        for expression in expressions_in(instance.expressions):
            found.add(self._expression(expression, self._scope_of(instance, expression), types, 0))
        return [i.address for i in found.instances]

    def targets_of(self, instance: ResourceInstance, expression: dict[str, Any], types: frozenset[str]) -> list[str]:
        """Instances of `types` that one configuration expression of the resource references (a
        block of a set, whose values the plan orders differently from its configuration)."""
        found = self._expression(expression, self._scope_of(instance, expression), types, 0)
        return [i.address for i in found.instances]

    def in_module(self, module: ModulePath, types: frozenset[str]) -> list[str]:
        return [i.address for i in self.by_module.get(module, []) if i.type in types]

    def reads_other_than(self, instance: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str]) -> bool:
        """Does the expression at `path` read anything but resources of `types` (and constants)?

        `cidr_blocks = [aws_vpc.main.cidr_block]` reads only a VPC; `["${aws_eip.x.public_ip}/32"]`
        reads an Elastic IP. Attribute-style blocks share one expression, so every block counts.
        """
        expression = expression_at(instance.expressions, path)
        return expression is None or self._reads_other(expression, self._scope_of(instance, expression), types, 0)

    def _reads_other(self, expression: dict[str, Any], scope: Scope, types: frozenset[str], depth: int) -> bool:
        for traversal in maximal(expression.get("references") or []):
            root = str(traversal[0])
            if root in NON_RESOURCE_ROOTS or (root == "var" and not scope.module):
                continue
            if root == "var" and depth < _MAX_DEPTH:
                caller = self._caller_expression(scope, traversal)
                if caller is None or self._reads_other(caller[0], caller[1], types, depth + 1):
                    return True
                continue
            if root in NAMED_ROOTS or len(traversal) < 2:
                return True  # locals, module outputs, data sources: not followed here
            candidates = self.by_resource.get((scope.module, f"{root}.{traversal[1]}"), [])
            if not candidates or any(c.type not in types for c in candidates):
                return True
        return False

    def address_of_id(self, value: str) -> str | None:
        return self.by_id.get(value)

    def set_after_apply(self, instance: ResourceInstance, path: tuple[str | int, ...]) -> bool:
        """Does the configuration give `path` a value that may be known only after apply?

        An unknown attribute whose expression reads only constants, variables the caller
        leaves at their default, count.index or each.* was set to null: the provider computes
        it, and AWS's default applies.
        """
        expression = expression_at(instance.expressions, path)
        return expression is not None and self._may_be_unknown(expression, self._scope_of(instance, expression), 0)

    def _may_be_unknown(self, expression: dict[str, Any], scope: Scope, depth: int) -> bool:
        if depth > _MAX_DEPTH or expression.get("unevaluated"):
            return True  # sources mode: a configured value its evaluator could not compute
        for traversal in maximal(expression.get("references") or []):
            root = traversal[0]
            if root == "each" and scope.each is not None:
                if self._may_be_unknown(scope.each, Scope(scope.module, scope.key, False), depth + 1):
                    return True
                continue
            if root in NON_RESOURCE_ROOTS:
                continue
            if root != "var":
                return True  # resources, module outputs, data sources and locals
            if not scope.module and traversal[1:2] and traversal[1] in self.unset_variables:
                return True
            caller = self._caller_expression(scope, traversal)
            if caller is not None and self._may_be_unknown(caller[0], caller[1], depth + 1):
                return True
        return False

    def _caller_expression(self, scope: Scope, traversal: Traversal) -> tuple[dict[str, Any], Scope] | None:
        """The module call's expression for `var.x`, in the caller's scope; None for a default."""
        if not scope.module or len(traversal) < 2:
            return None
        parent = scope.module[:-1]
        call, key = scope.module[-1]
        config = self.modules.get(tuple(name for name, _ in parent))
        expression = (
            ((config.calls.get(call) or {}).get("expressions") or {}).get(str(traversal[1])) if config else None
        )
        if not isinstance(expression, dict):
            return None
        each = (config.calls.get(call) or {}).get("for_each_expression") if config else None
        return expression, Scope(parent, key, mentions_key(expression), each)

    # --- links --------------------------------------------------------------------------

    def _link(self, instance: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str], depth: int) -> Link:
        value, unknown = instance.value_at(path), instance.unknown_at(path) or instance.partly_unknown(path)
        known_ids = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and v]
        addresses = [self.by_id[v] for v in known_ids if v in self.by_id]
        external = tuple(v for v in known_ids if v not in self.by_id)
        if not unknown:
            return Link(tuple(addresses), external, configured=bool(known_ids))
        exact = self._from_sources(instance, path, types)
        if exact is not None:
            return exact
        expression = expression_at(instance.expressions, path)
        scope = self._scope_of(instance, expression) if expression is not None else None
        if expression is None or scope is None or not self._may_be_unknown(expression, scope, depth):
            return Link(tuple(addresses), external, configured=bool(known_ids))
        found, candidates = self._shared_expression(expression, scope, types, depth)
        addresses = list(dict.fromkeys([*addresses, *candidates])) if addresses else list(candidates)
        problems, causes = list(found.problems), list(found.causes)
        if not addresses and not problems:
            problems.append(f"no {' or '.join(sorted(types))} is referenced by its configuration")
            causes.append(UNREFERENCED)
        problem = "; ".join(problems) or None
        complete = bool(addresses) and not found.open_ended
        return Link(tuple(addresses), external, problem, complete=complete, causes=tuple(causes))

    def _from_sources(
        self, instance: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str]
    ) -> Link | None:
        """The link the sources evaluate to, when every id in it is a planned instance of `types`.

        The plan JSON keeps only which names an expression reads, not how
        (`aws_vpc.this[count.index + 1]` lists `aws_vpc.this` and `count.index`); the sources say.
        """
        if self.source_values is None:
            return None
        value = self.source_values(instance.address, path)
        addresses: list[str] = []
        external: list[str] = []
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or not item:
                return None  # not evaluated: the plan's references will have to do
            if not item.startswith(STAND_IN_PREFIX):
                # a literal id beside the references: a planned resource's known id, or outside the plan
                (addresses if item in self.by_id else external).append(self.by_id.get(item, item))
                continue
            target = self.by_address.get(item[len(STAND_IN_PREFIX) :])
            if target is None or target.type not in types:
                return None
            addresses.append(target.address)
        return Link(tuple(addresses), tuple(external)) if addresses or external else None

    def _scope_of(self, instance: ResourceInstance, expression: dict[str, Any]) -> Scope:
        each = (instance.config or {}).get("for_each_expression")
        return Scope(instance.module, instance.key, mentions_key(expression), each)

    def _expression(self, expression: dict[str, Any], scope: Scope, types: frozenset[str], depth: int) -> Found:
        """What an expression reaches: the same for every instance of a count, so asked once (by
        the key only where `each.*` may pick by it)."""
        return self._shared_expression(expression, scope, types, depth)[0].copy()

    def _shared_expression(
        self, expression: dict[str, Any], scope: Scope, types: frozenset[str], depth: int
    ) -> tuple[Found, tuple[str, ...]]:
        """`_expression`'s answer as kept (read only), with its instances' addresses."""
        references = expression.get("references") or []
        by_key = scope.key if any(r.startswith("each.") for r in references) else type(scope.key)
        key = (id(expression), scope.module, scope.keyed, by_key, id(scope.each), types)
        entry = self._expressions.get(key)
        if entry is None:
            found = self._read_expression(expression, scope, types, depth)
            entry = self._expressions[key] = (found, tuple(dict.fromkeys(i.address for i in found.instances)))
        return entry

    def _read_expression(self, expression: dict[str, Any], scope: Scope, types: frozenset[str], depth: int) -> Found:
        found = Found()
        if depth > _MAX_DEPTH:
            found.problem("reference chain too deep (a cycle between modules?)", TOO_DEEP)
            return found
        traversals = maximal(expression.get("references") or [])
        for traversal in traversals:
            if traversal[0] != "local":
                found.add(self._traversal(traversal, scope, types, depth + 1))
        if not found.instances:
            # A local stands for a resource only when nothing else in the expression does;
            # beside a resource reference it is usually an index or a condition.
            for traversal in traversals:
                if traversal[0] == "local":
                    found.add(self._local(traversal, scope, types))
        return found

    def _traversal(self, traversal: Traversal, scope: Scope, types: frozenset[str], depth: int) -> Found:
        root = traversal[0]
        if root == "each" and traversal[1:2] == ("value",) and scope.each is not None:
            # each.value is an element of the for_each collection: it holds what that does,
            # and over a whole resource (`for_each = aws_subnet.public`) it is the same key's.
            if whole_resource(scope.each):
                return self._same_key_of_resource(scope.each, scope, types, depth)
            return self._expression(scope.each, Scope(scope.module, scope.key, False), types, depth)
        if root in NON_RESOURCE_ROOTS:
            return Found()
        if root == "var":
            return self._variable(traversal, scope, types, depth)
        if root == "local":
            return self._local(traversal, scope, types)
        if root == "module":
            return self._module(traversal, scope, types, depth)
        if root == "data":
            return Found(open_ended=True).problem(
                f"{rendered(traversal)} is a data source, read only at apply", OUTSIDE
            )
        return self._resource(traversal, scope, types, depth)

    def _resource(self, traversal: Traversal, scope: Scope, types: frozenset[str], depth: int) -> Found:
        if len(traversal) < 2 or not isinstance(traversal[1], str):
            return Found()
        candidates = self.by_resource.get((scope.module, f"{traversal[0]}.{traversal[1]}"), [])
        rest = traversal[2:]
        found = Found()
        if rest and isinstance(rest[0], Key):
            candidates = [c for c in candidates if c.key == rest[0].value]
            rest = rest[1:]
        elif scope.keyed and len(candidates) > 1:
            found.problem(keyed_link_problem(traversal, scope, len(candidates)), KEYED)
        attribute = rest[0] if rest and isinstance(rest[0], str) else None
        for candidate in candidates:
            if candidate.type in types:
                found.instances.append(candidate)
            elif attribute and attribute not in ("id", "arn"):
                found.add(self._follow(candidate, attribute, types, depth))
        return found

    def _same_key_of_resource(self, each: dict[str, Any], scope: Scope, types: frozenset[str], depth: int) -> Found:
        """`for_each = aws_subnet.public`, then `each.value`: the subnet of the same key, exactly."""
        found = self._expression(each, Scope(scope.module, None, False), types, depth)
        same = [i for i in found.instances if i.key == scope.key]
        return Found(same, found.problems, found.causes, found.open_ended) if same else found

    def _follow(self, instance: ResourceInstance, attribute: str, types: frozenset[str], depth: int) -> Found:
        """`aws_network_interface.x.subnet_id` where a subnet is wanted: ask that instance."""
        link = self._link(instance, (attribute,), types, depth + 1)
        found = Found([self.by_address[a] for a in link.addresses if a in self.by_address])
        found.open_ended = link.configured and link.unresolved
        if link.problem and link.configured:
            found.problems.append(link.problem)
            found.causes.extend(c for c in link.causes if c not in found.causes)
        return found

    def _variable(self, traversal: Traversal, scope: Scope, types: frozenset[str], depth: int) -> Found:
        caller = self._caller_expression(scope, traversal)
        if caller is None:
            if not scope.module and traversal[1:2] and traversal[1] in self.unset_variables:
                return Found(open_ended=True).problem(f"var.{traversal[1]} has no value", OUTSIDE)
            return Found()  # a root variable or a default: a constant, never a resource
        expression, caller_scope = caller
        cache_key = ("var", caller_scope.module, scope.module[-1], traversal[1], types)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._expression(expression, caller_scope, types, depth)
        return pick(self._cache[cache_key], traversal[2:])

    def _local(self, traversal: Traversal, scope: Scope, types: frozenset[str]) -> Found:
        """Locals are not in the plan JSON: accept the one instance of the wanted type."""
        candidates = [i for i in self.by_module.get(scope.module, []) if i.type in types]
        if len(candidates) <= 1:
            return Found(candidates)
        where = module_label(scope.module)
        names = ", ".join(c.address for c in candidates[:4]) + (", ..." if len(candidates) > 4 else "")
        text = f"{rendered(traversal)} is not in the plan JSON and {where} has several candidates ({names})"
        return Found(candidates).problem(text, LOCAL)

    def _module(self, traversal: Traversal, scope: Scope, types: frozenset[str], depth: int) -> Found:
        if len(traversal) < 2 or not isinstance(traversal[1], str):
            return Found()
        call = traversal[1]
        keys = self.module_keys.get((scope.module, call), [])
        rest = traversal[2:]
        keyed_problem = None
        if rest and isinstance(rest[0], Key):
            keys = [k for k in keys if k == rest[0].value]
            rest = rest[1:]
        elif scope.keyed and len(keys) > 1:
            keyed_problem = keyed_link_problem(traversal[:2], scope, len(keys))
        output = rest[0] if rest and isinstance(rest[0], str) else None
        found = Found()
        for key in keys:
            child = scope.module + ((call, key),)
            found.add(self._outputs(child, output, types, depth))
        found = pick(found, rest[1:] if output else rest)
        if output and scope.keyed and not rest[1:] and len(found.instances) > 1 and keyed_problem is None:
            keyed_problem = keyed_link_problem(traversal[:3], scope, len(found.instances))
        if keyed_problem:
            found.problem(keyed_problem, KEYED)
        return found

    def _outputs(self, child: ModulePath, output: str | None, types: frozenset[str], depth: int) -> Found:
        cache_key = ("out", child, output, types)
        if cache_key in self._cache:
            return self._cache[cache_key]
        config = self.modules.get(tuple(name for name, _ in child))
        found = Found()
        if config is not None:
            names = [output] if output else sorted(config.outputs)
            for name in names:
                expression = (config.outputs.get(name) or {}).get("expression")
                if isinstance(expression, dict):
                    found.add(self._expression(expression, Scope(child, None, False), types, depth))
        self._cache[cache_key] = found
        return found


def _kind(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))
