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
from dataclasses import dataclass, field
from typing import Any

from tfreach.inputs.plan.instances import ConfigModule, ResourceInstance
from tfreach.inputs.plan.references import STAND_IN_PREFIX, Key, ModulePath, Traversal, maximal

# An instance's values as its sources evaluate them (ids of other resources as stand-ins).
SourceValues = Callable[[str, tuple[str | int, ...]], Any]  # (address, path) -> the value the sources give

_NON_RESOURCE_ROOTS = {"count", "each", "path", "terraform", "self"}

# Why a link is not exact, in words shared by every link of the kind (reports group by them).
KEYED = (
    "picked by count.index or each.key, which the plan JSON does not record; every candidate is considered"
    " (run beside the .tf files for the exact link)"
)
LOCAL = "read through a local, which the plan JSON does not hold; every candidate is considered"
OUTSIDE = "read from a data source or a variable without value; outside the plan"
UNREFERENCED = "known only after apply and no candidate is referenced"
TOO_DEEP = "reference chain too deep"
_MAX_DEPTH = 40


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
class _Scope:
    module: ModulePath
    key: int | str | None  # count.index / each.key of the referring instance or module call
    keyed: bool  # the expression mentions count.index or each.*
    each: dict[str, Any] | None = field(default=None, hash=False, compare=False)  # the for_each expression


@dataclass
class _Found:
    instances: list[ResourceInstance] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    open_ended: bool = False  # some reference leads out of the plan (a data source, a variable without value)

    def add(self, other: _Found) -> None:
        self.open_ended = self.open_ended or other.open_ended
        if not self.instances:
            self.instances = list(other.instances)
        elif other.instances:
            self.instances = list({i.address: i for i in [*self.instances, *other.instances]}.values())
        self.problems.extend(p for p in other.problems if p not in self.problems)
        self.causes.extend(c for c in other.causes if c not in self.causes)

    def copy(self) -> _Found:
        return _Found(list(self.instances), list(self.problems), list(self.causes), self.open_ended)

    def problem(self, text: str, cause: str) -> _Found:
        if text not in self.problems:
            self.problems.append(text)
        if cause not in self.causes:
            self.causes.append(cause)
        return self


class Resolver:
    def __init__(
        self,
        instances: Iterable[ResourceInstance],
        modules: dict[tuple[str, ...], ConfigModule],
        unset_variables: frozenset[str] = frozenset(),
        source_values: SourceValues | None = None,
    ) -> None:
        self.modules = modules
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
            group.sort(key=_sort_key)
        self._cache: dict[tuple[Any, ...], _Found] = {}
        self._links: dict[tuple[Any, ...], Link] = {}
        self._expressions: dict[tuple[Any, ...], _Found] = {}

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
            found = self._links[key] = self._link(instance, path, types, 0)
        return found

    def referenced_by(self, instance: ResourceInstance, types: frozenset[str]) -> list[str]:
        """Instances of `types` that any expression of the resource's configuration reaches."""
        found = _Found()
        for expression in _expressions_in(instance.expressions):
            found.add(self._expression(expression, self._scope_of(instance, expression), types, 0))
        return [i.address for i in found.instances]

    def in_module(self, module: ModulePath, types: frozenset[str]) -> list[str]:
        return [i.address for i in self.by_module.get(module, []) if i.type in types]

    def reads_other_than(self, instance: ResourceInstance, path: tuple[str | int, ...], types: frozenset[str]) -> bool:
        """Does the expression at `path` read anything but resources of `types` (and constants)?

        `cidr_blocks = [aws_vpc.main.cidr_block]` reads only a VPC; `["${aws_eip.x.public_ip}/32"]`
        reads an Elastic IP. Attribute-style blocks share one expression, so every block counts.
        """
        expression = _expression_at(instance.expressions, path)
        return expression is None or self._reads_other(expression, self._scope_of(instance, expression), types, 0)

    def _reads_other(self, expression: dict[str, Any], scope: _Scope, types: frozenset[str], depth: int) -> bool:
        for traversal in maximal(expression.get("references") or []):
            root = str(traversal[0])
            if root in _NON_RESOURCE_ROOTS or (root == "var" and not scope.module):
                continue
            if root == "var" and depth < _MAX_DEPTH:
                caller = self._caller_expression(scope, traversal)
                if caller is None or self._reads_other(caller[0], caller[1], types, depth + 1):
                    return True
                continue
            if root in _NAMED_ROOTS or len(traversal) < 2:
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
        expression = _expression_at(instance.expressions, path)
        return expression is not None and self._may_be_unknown(expression, self._scope_of(instance, expression), 0)

    def _may_be_unknown(self, expression: dict[str, Any], scope: _Scope, depth: int) -> bool:
        if depth > _MAX_DEPTH or expression.get("unevaluated"):
            return True  # sources mode: a configured value its evaluator could not compute
        for traversal in maximal(expression.get("references") or []):
            root = traversal[0]
            if root == "each" and scope.each is not None:
                if self._may_be_unknown(scope.each, _Scope(scope.module, scope.key, False), depth + 1):
                    return True
                continue
            if root in _NON_RESOURCE_ROOTS:
                continue
            if root != "var":
                return True  # resources, module outputs, data sources and locals
            if not scope.module and traversal[1:2] and traversal[1] in self.unset_variables:
                return True
            caller = self._caller_expression(scope, traversal)
            if caller is not None and self._may_be_unknown(caller[0], caller[1], depth + 1):
                return True
        return False

    def _caller_expression(self, scope: _Scope, traversal: Traversal) -> tuple[dict[str, Any], _Scope] | None:
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
        return expression, _Scope(parent, key, _mentions_key(expression), each)

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
        expression = _expression_at(instance.expressions, path)
        if expression is None or not self._may_be_unknown(expression, self._scope_of(instance, expression), depth):
            return Link(tuple(addresses), external, configured=bool(known_ids))
        found = self._expression(expression, self._scope_of(instance, expression), types, depth)
        addresses = list(dict.fromkeys([*addresses, *(candidate.address for candidate in found.instances)]))
        if not addresses and not found.problems:
            found.problem(f"no {' or '.join(sorted(types))} is referenced by its configuration", UNREFERENCED)
        problem = "; ".join(found.problems) or None
        complete = bool(addresses) and not found.open_ended
        return Link(tuple(addresses), external, problem, complete=complete, causes=tuple(found.causes))

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

    def _scope_of(self, instance: ResourceInstance, expression: dict[str, Any]) -> _Scope:
        each = (instance.config or {}).get("for_each_expression")
        return _Scope(instance.module, instance.key, _mentions_key(expression), each)

    def _expression(self, expression: dict[str, Any], scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        """What an expression reaches: the same for every instance of a count, so asked once (by
        the key only where `each.*` may pick by it)."""
        references = expression.get("references") or []
        by_key = scope.key if any(r.startswith("each.") for r in references) else type(scope.key)
        key = (id(expression), scope.module, scope.keyed, by_key, id(scope.each), types)
        found = self._expressions.get(key)
        if found is None:
            found = self._expressions[key] = self._read_expression(expression, scope, types, depth)
        return found.copy()

    def _read_expression(self, expression: dict[str, Any], scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        found = _Found()
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

    def _traversal(self, traversal: Traversal, scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        root = traversal[0]
        if root == "each" and traversal[1:2] == ("value",) and scope.each is not None:
            # each.value is an element of the for_each collection: it holds what that does,
            # and over a whole resource (`for_each = aws_subnet.public`) it is the same key's.
            if _whole_resource(scope.each):
                return self._same_key_of_resource(scope.each, scope, types, depth)
            return self._expression(scope.each, _Scope(scope.module, scope.key, False), types, depth)
        if root in _NON_RESOURCE_ROOTS:
            return _Found()
        if root == "var":
            return self._variable(traversal, scope, types, depth)
        if root == "local":
            return self._local(traversal, scope, types)
        if root == "module":
            return self._module(traversal, scope, types, depth)
        if root == "data":
            return _Found(open_ended=True).problem(
                f"{_render(traversal)} is a data source, read only at apply", OUTSIDE
            )
        return self._resource(traversal, scope, types, depth)

    def _resource(self, traversal: Traversal, scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        if len(traversal) < 2 or not isinstance(traversal[1], str):
            return _Found()
        candidates = self.by_resource.get((scope.module, f"{traversal[0]}.{traversal[1]}"), [])
        rest = traversal[2:]
        found = _Found()
        if rest and isinstance(rest[0], Key):
            candidates = [c for c in candidates if c.key == rest[0].value]
            rest = rest[1:]
        elif scope.keyed and len(candidates) > 1:
            found.problem(_keyed_problem(traversal, scope, len(candidates)), KEYED)
        attribute = rest[0] if rest and isinstance(rest[0], str) else None
        for candidate in candidates:
            if candidate.type in types:
                found.instances.append(candidate)
            elif attribute and attribute not in ("id", "arn"):
                found.add(self._follow(candidate, attribute, types, depth))
        return found

    def _same_key_of_resource(self, each: dict[str, Any], scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        """`for_each = aws_subnet.public`, then `each.value`: the subnet of the same key, exactly."""
        found = self._expression(each, _Scope(scope.module, None, False), types, depth)
        same = [i for i in found.instances if i.key == scope.key]
        return _Found(same, found.problems, found.causes, found.open_ended) if same else found

    def _follow(self, instance: ResourceInstance, attribute: str, types: frozenset[str], depth: int) -> _Found:
        """`aws_network_interface.x.subnet_id` where a subnet is wanted: ask that instance."""
        link = self._link(instance, (attribute,), types, depth + 1)
        found = _Found([self.by_address[a] for a in link.addresses if a in self.by_address])
        found.open_ended = link.configured and link.unresolved
        if link.problem and link.configured:
            found.problems.append(link.problem)
            found.causes.extend(c for c in link.causes if c not in found.causes)
        return found

    def _variable(self, traversal: Traversal, scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        caller = self._caller_expression(scope, traversal)
        if caller is None:
            if not scope.module and traversal[1:2] and traversal[1] in self.unset_variables:
                return _Found(open_ended=True).problem(f"var.{traversal[1]} has no value", OUTSIDE)
            return _Found()  # a root variable or a default: a constant, never a resource
        expression, caller_scope = caller
        cache_key = ("var", caller_scope.module, scope.module[-1], traversal[1], types)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._expression(expression, caller_scope, types, depth)
        return _pick(self._cache[cache_key], traversal[2:])

    def _local(self, traversal: Traversal, scope: _Scope, types: frozenset[str]) -> _Found:
        """Locals are not in the plan JSON: accept the one instance of the wanted type."""
        candidates = [i for i in self.by_module.get(scope.module, []) if i.type in types]
        if len(candidates) <= 1:
            return _Found(candidates)
        where = _module_label(scope.module)
        names = ", ".join(c.address for c in candidates[:4]) + (", ..." if len(candidates) > 4 else "")
        text = f"{_render(traversal)} is not in the plan JSON and {where} has several candidates ({names})"
        return _Found(candidates).problem(text, LOCAL)

    def _module(self, traversal: Traversal, scope: _Scope, types: frozenset[str], depth: int) -> _Found:
        if len(traversal) < 2 or not isinstance(traversal[1], str):
            return _Found()
        call = traversal[1]
        keys = self.module_keys.get((scope.module, call), [])
        rest = traversal[2:]
        keyed_problem = None
        if rest and isinstance(rest[0], Key):
            keys = [k for k in keys if k == rest[0].value]
            rest = rest[1:]
        elif scope.keyed and len(keys) > 1:
            keyed_problem = _keyed_problem(traversal[:2], scope, len(keys))
        output = rest[0] if rest and isinstance(rest[0], str) else None
        found = _Found()
        for key in keys:
            child = scope.module + ((call, key),)
            found.add(self._outputs(child, output, types, depth))
        found = _pick(found, rest[1:] if output else rest)
        if output and scope.keyed and not rest[1:] and len(found.instances) > 1 and keyed_problem is None:
            keyed_problem = _keyed_problem(traversal[:3], scope, len(found.instances))
        if keyed_problem:
            found.problem(keyed_problem, KEYED)
        return found

    def _outputs(self, child: ModulePath, output: str | None, types: frozenset[str], depth: int) -> _Found:
        cache_key = ("out", child, output, types)
        if cache_key in self._cache:
            return self._cache[cache_key]
        config = self.modules.get(tuple(name for name, _ in child))
        found = _Found()
        if config is not None:
            names = [output] if output else sorted(config.outputs)
            for name in names:
                expression = (config.outputs.get(name) or {}).get("expression")
                if isinstance(expression, dict):
                    found.add(self._expression(expression, _Scope(child, None, False), types, depth))
        self._cache[cache_key] = found
        return found


# --- helpers ------------------------------------------------------------------------------


def _sort_key(instance: ResourceInstance) -> tuple[int, int | str]:
    key = instance.key
    return (0, key) if isinstance(key, int) else (1, "" if key is None else str(key))


def _whole_resource(expression: dict[str, Any]) -> bool:
    """`for_each = aws_subnet.public`: a resource's instances, keyed as the referring ones are."""
    traversals = maximal(expression.get("references") or [])
    return len(traversals) == 1 and len(traversals[0]) == 2 and str(traversals[0][0]) not in _NAMED_ROOTS


_NAMED_ROOTS = _NON_RESOURCE_ROOTS | {"var", "local", "module", "data"}


def _mentions_key(expression: dict[str, Any]) -> bool:
    """Does the expression read the referring instance's own key (count.index, each.*)?"""
    references = expression.get("references") or []
    return any(ref.startswith(("count.index", "each.")) for ref in references)


def _keyed_problem(traversal: Traversal, scope: _Scope, candidates: int) -> str:
    """Why a `[count.index]`-style link is not narrowed to the element of the same key."""
    key = "count.index" if isinstance(scope.key, int) else "each.key"
    return (
        f"{_render(traversal)} is indexed with {key} and the plan JSON does not record how "
        f"(e.g. [{key} + 1]): each of its {candidates} instances may be meant; run beside the .tf files to resolve"
    )


def _pick(found: _Found, rest: Traversal) -> _Found:
    """Apply a constant index (`...private_subnets[1]`) to an ordered list of instances."""
    if not rest or not isinstance(rest[0], Key) or not isinstance(rest[0].value, int):
        return found
    index = rest[0].value
    groups: dict[tuple[ModulePath, str], list[ResourceInstance]] = defaultdict(list)
    for instance in found.instances:
        groups[(instance.module, instance.config_key)].append(instance)
    picked = [group[index] for group in groups.values() if index < len(group)]
    return _Found(picked, found.problems, found.causes, found.open_ended)


def _expression_at(expressions: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The configuration expression that sets `path`.

    Attribute-style blocks (`route`, `ingress`) are one expression whose references cover
    every element; real nested blocks are lists of per-attribute expressions.
    """
    node: Any = expressions
    for step in path:
        if isinstance(node, dict) and ("references" in node or "constant_value" in node):
            return node
        if isinstance(step, int):
            if not isinstance(node, list) or not node:
                return None
            node = node[step] if step < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if node is None:
            return None
    if isinstance(node, dict) and ("references" in node or "constant_value" in node):
        return node
    return None


def _expressions_in(node: Any) -> list[dict[str, Any]]:
    """Every expression object in a resource's (possibly nested) expressions."""
    if isinstance(node, dict):
        if "references" in node or "constant_value" in node:
            return [node]
        return [e for value in node.values() for e in _expressions_in(value)]
    if isinstance(node, list):
        return [e for value in node for e in _expressions_in(value)]
    return []


def _render(traversal: Traversal) -> str:
    out = ""
    for part in traversal:
        if isinstance(part, Key):
            out += f"[{part.value!r}]".replace("'", '"')
        else:
            out += ("." if out else "") + part
    return out


def _module_label(module: ModulePath) -> str:
    from tfreach.inputs.plan.references import module_address

    return module_address(module) or "the root module"
