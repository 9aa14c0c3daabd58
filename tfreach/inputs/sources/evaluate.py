"""Evaluate a configuration as `terraform plan` would, without credentials or a provider.

A `Project` is a root module folder and the values of its variables. Module instances
expand `module` calls (local sources only) and resource blocks (`count`, `for_each`) into
instances with Terraform's own addresses. A resource instance's attributes are what its
block sets; an attribute the provider computes is `Unknown` (as "known after apply" in a
plan), except `id` and `arn`, which get a stable stand-in ("tfreach:<address>") so that
references between resources resolve exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfreach.budget import Meter, TooLarge
from tfreach.errors import InputError
from tfreach.inputs.plan.references import ModulePath
from tfreach.inputs.sources.addresses import key_text
from tfreach.inputs.sources.expressions import EvaluationError, Iterators, Namespace, evaluate
from tfreach.inputs.sources.resources import ResourceValue, iterators
from tfreach.inputs.sources.root import OutsideRoot, Root, root_of
from tfreach.inputs.sources.source import Block, Expression, ModuleSource, folder_size, module_source, name_of
from tfreach.inputs.sources.values import Unknown, to_text

CALL_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_MAX_MODULE_DEPTH = 16
MAX_INSTANCES = 10_000  # of one resource or module block: sources from a pull request may be hostile


def _instances(address: str, meta: str, count: int) -> int:
    """A `count` or `for_each` within reach: beyond it the run stops (exit 2), it never hangs."""
    if count > MAX_INSTANCES:
        raise InputError(address, f"{meta} makes {count} instances, more than tfreach reads ({MAX_INSTANCES})")
    return count


@dataclass(frozen=True)
class SourceWarning:
    address: str
    attribute: str | None
    message: str


@dataclass
class Project:
    """A root module folder and its variables' values (tfvars files and --var)."""

    folder: Path
    values: dict[str, Any] = field(default_factory=dict)
    warnings: list[SourceWarning] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.top = root_of(self.folder)  # what the sources cannot leave
        self.meter = Meter(str(self.folder))
        self._folders: set[Path] = set()
        self.root = ModuleInstance(self, self.module_source(self.folder), (), None)

    def module_source(self, folder: Path) -> ModuleSource:
        """A module folder's declarations; its .tf files count for the budget once."""
        folder = folder.resolve()
        if folder not in self._folders:
            self.meter.read_source(str(folder), folder_size(folder))
            self._folders.add(folder)
        return module_source(folder, self.top)

    def warn(self, address: str, attribute: str | None, message: str) -> None:
        warning = SourceWarning(address, attribute, message)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def modules(self) -> Iterator[ModuleInstance]:
        """Every module instance, callers before the modules they call."""
        pending = [self.root]
        while pending:
            module = pending.pop(0)
            yield module
            pending.extend(module.children())


class _Lookup(Namespace):
    """`var`, `local`, `module`, `data.<type>`, a resource type: attribute access is a lookup."""

    def __init__(self, lookup: Callable[[str], Any]) -> None:
        self.lookup = lookup

    def attr(self, name: str) -> Any:
        return self.lookup(name)


class _Unreadable(Namespace):
    """A data source or a remote module: whatever is read from it is unknown here."""

    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown

    def attr(self, name: str) -> Any:
        return self.unknown.through(f"{self.unknown.references[0]}.{name}") if self.unknown.references else self.unknown

    def index(self, key: Any) -> Any:
        return self

    def as_value(self) -> Any:
        return self.unknown


class ModuleInstance:
    """One instance of a module (the root, or module.web["blue"]): a scope for its expressions."""

    def __init__(
        self,
        project: Project,
        source: ModuleSource,
        path: ModulePath,
        inputs: dict[str, Callable[[], Any]] | None,
        within: tuple[Path, ...] = (),
    ) -> None:
        self.project = project
        self.source = source
        self.path = path
        self.within = (*within, source.folder.resolve())  # the folders of its callers and its own
        self.inputs = inputs  # None for the root module, whose variables come from the project
        self.prefix = "".join(f"module.{call}{key_text(key)}." for call, key in path)
        self._memo: dict[tuple[str, str], Any] = {}
        self._busy: set[tuple[str, str]] = set()
        self._children: list[ModuleInstance] | None = None
        self.caller: tuple[ModuleInstance, Block] | None = None  # the module and the block calling it

    @property
    def address(self) -> str:
        return self.prefix.rstrip(".")

    # --- Scope ---------------------------------------------------------------------------

    def root(self, name: str) -> Any:
        if name == "var":
            return _Lookup(self.variable)
        if name == "local":
            return _Lookup(self.local)
        if name == "module":
            return _Lookup(self.call)
        if name == "data":
            return _Lookup(lambda kind: _Lookup(lambda label: self.data(kind, label)))
        if name == "path":
            return {"module": str(self.source.folder), "root": str(self.project.folder), "cwd": str(Path.cwd())}
        if name == "terraform":
            return {"workspace": Unknown("terraform.workspace is chosen when terraform runs", ("terraform.workspace",))}
        if name in self.source.resource_types:
            return _Lookup(lambda label: self.collection(f"{name}.{label}"))
        if name in ("count", "each", "self"):
            raise EvaluationError(f"{name} is only defined inside a block that uses it")
        raise EvaluationError(f"{name!r} is not declared in {self.source.folder}")

    def _once(self, kind: str, name: str, compute: Callable[[], Any]) -> Any:
        """Memoised, and a value that depends on itself is an error rather than a hang."""
        key = (kind, name)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            raise EvaluationError(f"{kind}.{name} depends on itself")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    # --- variables and locals ------------------------------------------------------------

    def variable(self, name: str) -> Any:
        block = self.source.variables.get(name)
        if block is None:
            raise EvaluationError(f"var.{name} is not declared in {self.source.folder}")
        return self._once("var", name, lambda: self._variable_value(name, block))

    def _variable_value(self, name: str, block: Block) -> Any:
        if self.inputs is not None and name in self.inputs:
            return self.inputs[name]()
        if self.inputs is None and name in self.project.values:
            return self.project.values[name]
        default = block.attribute("default")
        if default is not None:
            return self.attempt(default, self)
        where = block.where
        return Unknown(f"var.{name} ({where}) has no value: set it in a .tfvars file or with --var", (f"var.{name}",))

    def local(self, name: str) -> Any:
        expression = self.source.locals.get(name)
        if expression is None:
            raise EvaluationError(f"local.{name} is not declared in {self.source.folder}")
        return self._once("local", name, lambda: self.attempt(expression, self))

    def attempt(self, expression: Expression, scope: Any) -> Any:
        """The value, or Unknown naming where and why Terraform (or we) could not evaluate it.

        A value over the budget for one value is unknown too (the more exposed reading); a path
        outside the root is an input error naming the expression.
        """
        meter = self.project.meter
        saved = meter.enter()
        try:
            return evaluate(expression.tree, scope, meter)
        except OutsideRoot as outside:
            raise InputError(expression.where, outside.what) from None
        except EvaluationError as error:
            return Unknown(f"{expression.where}: {error}")
        except RecursionError:
            return Unknown(f"{expression.where}: nested too deeply to evaluate")
        except (TypeError, ValueError, ArithmeticError, KeyError, IndexError, AttributeError) as error:
            # Values of the wrong type where Terraform would stop with an error of its own (a
            # value over the budget is a ValueError too). Python's message may quote a value.
            problem = str(error) if isinstance(error, TooLarge) else type(error).__name__
            return Unknown(f"{expression.where}: cannot be evaluated ({problem})")
        finally:
            meter.leave(saved)

    # --- data sources ----------------------------------------------------------------------

    def data(self, kind: str, label: str) -> Any:
        if f"{kind}.{label}" not in self.source.data:
            raise EvaluationError(f"data.{kind}.{label} is not declared in {self.source.folder}")
        reference = f"data.{kind}.{label}"
        return _Unreadable(Unknown(f"{reference} is read from AWS by terraform plan", (reference,)))

    # --- resources -------------------------------------------------------------------------

    def collection(self, config_key: str) -> Any:
        """`aws_subnet.public`: one instance, a list (count) or a map (for_each) of them."""
        if config_key not in self.source.resources:
            raise EvaluationError(f"{config_key} is not declared in {self.source.folder}")
        return self._once("resource", config_key, lambda: self._collection(config_key))

    def _collection(self, config_key: str) -> Any:
        mode, instances = self.resource_instances(config_key)
        if mode == "count":
            return list(instances)
        if mode == "for_each":
            return {instance.key: instance for instance in instances}
        return instances[0] if instances else None

    def resource_instances(self, config_key: str) -> tuple[str | None, list[ResourceValue]]:
        return self._once("instances", config_key, lambda: self._expand_resource(config_key))  # type: ignore[no-any-return]

    def _expand_resource(self, config_key: str) -> tuple[str | None, list[ResourceValue]]:
        block = self.source.resources[config_key]
        address = self.prefix + config_key
        mode, keys = self.expansion(block, address)
        return mode, [ResourceValue(self, block, key, each) for key, each in keys]

    def all_resources(self) -> list[ResourceValue]:
        return [instance for key in self.source.resources for instance in self.resource_instances(key)[1]]

    def expansion(self, block: Block, address: str) -> tuple[str | None, list[tuple[Any, Any]]]:
        """(mode, [(key, each.value)]) from `count` or `for_each`, evaluated in this module."""
        return self._once("expansion", address, lambda: self._expansion(block, address))  # type: ignore[no-any-return]

    def _expansion(self, block: Block, address: str) -> tuple[str | None, list[tuple[Any, Any]]]:
        count, for_each = block.attribute("count"), block.attribute("for_each")
        if count is not None:
            value = self.attempt(count, self)
            if isinstance(value, Unknown):
                self._warn_unknown(address, "count", count, value, "assumed to be 1")
                return "count", [(0, None)]
            try:
                return "count", [(i, None) for i in range(_instances(address, "count", int(value)))]
            except (TypeError, ValueError, OverflowError):
                self.project.warn(address, "count", f"{count.where}: count = {count.text} is not a number; assumed 1")
                return "count", [(0, None)]
        if for_each is not None:
            value = self.attempt(for_each, self)
            if isinstance(value, Unknown):
                self._warn_unknown(address, "for_each", for_each, value, 'assumed to make one instance, ["unknown"]')
                return "for_each", [("unknown", value)]
            if isinstance(value, dict):
                _instances(address, "for_each", len(value))
                return "for_each", sorted(value.items())
            if isinstance(value, list):
                _instances(address, "for_each", len(value))
                return "for_each", [(to_text(v), v) for v in sorted(set(map(to_text, value)))]
            self.project.warn(address, "for_each", f"{for_each.where}: for_each = {for_each.text} is not a map or set")
            return "for_each", []
        return None, [(None, None)]

    def _warn_unknown(self, address: str, attribute: str, expression: Expression, value: Unknown, then: str) -> None:
        self.project.warn(address, attribute, f"{expression.where}: {expression.text}: {value.reason}; {then}")

    # --- module calls ----------------------------------------------------------------------

    def call(self, name: str) -> Any:
        if name not in self.source.calls:
            raise EvaluationError(f"module.{name} is not declared in {self.source.folder}")
        return self._once("module", name, lambda: self._call_value(name))

    def _call_value(self, name: str) -> Any:
        block = self.source.calls[name]
        mode, keys = self.expansion(block, f"{self.prefix}module.{name}")
        children = {key: child for key, child in self._calls(name, block, mode, keys)}
        outputs = {
            key: _Lookup(child.output) if child else self._remote(name, block) for key, child in children.items()
        }
        if mode == "count":
            return list(outputs.values())
        if mode == "for_each":
            return outputs
        return next(iter(outputs.values()), None)

    def _remote(self, name: str, block: Block) -> _Unreadable:
        reference = f"module.{name}"
        source = self.module_folder(block)
        why = f"{self.prefix}{reference} is not a local module" if source is None else f"{reference} is nested too deep"
        return _Unreadable(Unknown(why, (reference,)))

    def module_folder(self, block: Block) -> Path | None:
        expression = block.attribute("source")
        source = name_of(expression.tree) if expression is not None else ""
        return local_folder(self.source.folder, source, self.project.top, block.where)

    def _calls(
        self, name: str, block: Block, mode: str | None, keys: list[tuple[Any, Any]]
    ) -> list[tuple[Any, ModuleInstance | None]]:
        return self._once("calls", name, lambda: self._instantiate(name, block, mode, keys))  # type: ignore[no-any-return]

    def _instantiate(
        self, name: str, block: Block, mode: str | None, keys: list[tuple[Any, Any]]
    ) -> list[tuple[Any, ModuleInstance | None]]:
        folder = self.module_folder(block)
        why_not = self._not_followed(block, folder)
        if folder is None or why_not is not None:
            self.project.warn(f"{self.prefix}module.{name}", "source", f"{block.where}: {why_not}")
            return [(key, None) for key, _ in keys]
        child = self.project.module_source(folder)
        out: list[tuple[Any, ModuleInstance | None]] = []
        for key, each in keys:
            scope = Iterators(self, iterators(mode, key, each))
            inputs = {
                argument: _deferred(self, expression, scope)
                for argument, expression in block.body.attributes.items()
                if argument not in CALL_ARGUMENTS
            }
            instance = ModuleInstance(self.project, child, (*self.path, (name, key)), inputs, self.within)
            instance.caller = (self, block)
            out.append((key, instance))
        return out

    def _not_followed(self, block: Block, folder: Path | None) -> str | None:
        """Why a module call is not analysed; None when it is."""
        if folder is None:
            source = block.attribute("source")
            text = source.text if source is not None else "(none)"
            what = "no such folder" if text.strip('"').startswith(("./", "../")) else "not a local folder"
            return f"source = {text}: {what}; its resources are not analysed and its outputs are unknown"
        if folder.resolve() in self.within:
            raise InputError(block.where, calls_itself(folder))
        if len(self.path) >= _MAX_MODULE_DEPTH:
            return f"modules nest deeper than {_MAX_MODULE_DEPTH} (a module calling itself?); not followed"
        return None

    def children(self) -> list[ModuleInstance]:
        if self._children is None:
            self._children = []
            for name, block in self.source.calls.items():
                mode, keys = self.expansion(block, f"{self.prefix}module.{name}")
                self._children += [child for _, child in self._calls(name, block, mode, keys) if child is not None]
        return self._children

    def output(self, name: str) -> Any:
        block = self.source.outputs.get(name)
        if block is None:
            raise EvaluationError(f"{self.address} has no output {name!r}")
        value = block.attribute("value")
        return self._once("output", name, lambda: self.attempt(value, self) if value is not None else None)


def calls_itself(folder: Path) -> str:
    """A module whose calls lead back into its own folder: Terraform cannot install it either."""
    return f"the module at {folder} calls itself; Terraform cannot install such a configuration"


def local_folder(caller: Path, source: str, root: Root, where: str) -> Path | None:
    """The folder of a local module source ("./x", "../x"); None for registry, git, http...
    InputError, naming the call, for a folder outside the root."""
    if not source.startswith(("./", "../")):
        return None
    folder = root.check(caller / source, where)
    return folder if folder.is_dir() else None


def _deferred(module: ModuleInstance, expression: Expression, scope: Any) -> Callable[[], Any]:
    return lambda: module.attempt(expression, scope)
