"""Which attributes terraform would mark sensitive: those whose value reads a sensitive variable.

Terraform marks a value sensitive when it is derived from a `sensitive = true` variable or output,
whatever the functions in between (`cidrsubnet(var.secret, 2, 1)` is sensitive), and prints it as
"(sensitive value)". Sources mode marks the same attributes in the plan it writes
(`after_sensitive`), by following what each expression reads: variables (through the module calls
that set them), locals, module outputs and other resources' attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from lark import Tree

from tfreach.inputs.sources.expressions import trees
from tfreach.inputs.sources.references import references_in
from tfreach.inputs.sources.source import Block, Body, Expression, name_of

if TYPE_CHECKING:
    from tfreach.inputs.sources.evaluate import ModuleInstance


class Sensitivity:
    """Answers "does this read a sensitive value?" for the expressions of one project, once each."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, str, str], bool] = {}

    def of_expression(self, module: ModuleInstance, expression: Expression) -> bool:
        types = module.source.resource_types
        return any(self._of_reference(module, reference, types) for reference in references_in(expression.tree, types))

    def marks(self, module: ModuleInstance, expression: Expression) -> bool | dict[str, bool]:
        """As terraform marks it: an object written out (`tags = { a = var.secret }`) element by
        element, anything else as a whole."""
        elements = _object_elements(expression)
        if elements is None:
            return self.of_expression(module, expression)
        marked = {key: True for key, value in elements if self.of_expression(module, value)}
        return marked or False

    def of_body(self, module: ModuleInstance, body: Body) -> bool:
        """A nested block (dynamic ones too): sensitive when anything in it is."""
        return any(self.of_expression(module, e) for e in body.attributes.values()) or any(
            self.of_body(module, b.body) for b in body.blocks
        )

    def _of_reference(self, module: ModuleInstance, reference: str, types: set[str]) -> bool:
        parts = reference.split(".")
        if len(parts) < 2:
            return False
        if parts[0] == "var":
            return self._once(module, "var", parts[1], lambda: self._variable(module, parts[1]))
        if parts[0] == "local":
            local = module.source.locals.get(parts[1])
            return local is not None and self._once(
                module, "local", parts[1], lambda: self.of_expression(module, local)
            )
        if parts[0] == "module":
            output = parts[2] if len(parts) > 2 else ""
            return self._once(module, "module", f"{parts[1]}.{output}", lambda: self._output(module, parts[1], output))
        if parts[0] in types:
            key, attribute = f"{parts[0]}.{parts[1]}", parts[2] if len(parts) > 2 else ""
            block = module.source.resources.get(key)
            return block is not None and self._once(
                module, "resource", f"{key}.{attribute}", lambda: self._resource(module, block, attribute)
            )
        return False

    def _once(self, module: ModuleInstance, kind: str, name: str, compute: Callable[[], bool]) -> bool:
        key = (id(module), kind, name)
        if key not in self._known:
            self._known[key] = False  # a cycle reads nothing sensitive through itself
            self._known[key] = compute()
        return self._known[key]

    def _variable(self, module: ModuleInstance, name: str) -> bool:
        block = module.source.variables.get(name)
        if block is not None and _declared_sensitive(block):
            return True
        if module.caller is None:
            return False
        caller, call = module.caller
        argument = call.attribute(name)
        return argument is not None and self.of_expression(caller, argument)

    def _output(self, module: ModuleInstance, call: str, output: str) -> bool:
        for child in module.children():
            if child.path[-1][0] != call:
                continue
            names = [output] if output else list(child.source.outputs)
            for name in names:
                block = child.source.outputs.get(name)
                value = block.attribute("value") if block is not None else None
                if block is not None and (_declared_sensitive(block) or (value and self.of_expression(child, value))):
                    return True
        return False

    def _resource(self, module: ModuleInstance, block: Block, attribute: str) -> bool:
        if attribute and attribute in block.body.attributes:
            return self.of_expression(module, block.body.attributes[attribute])
        nested = [
            b for b in block.body.blocks if b.kind == attribute or (b.kind == "dynamic" and b.labels == [attribute])
        ]
        if attribute and not nested:
            return False
        return self.of_body(module, Body({}, nested) if attribute else block.body)


def _object_elements(expression: Expression) -> list[tuple[str, Expression]] | None:
    """(key, value) of an object constructor with plain keys; None for any other expression."""
    node = expression.tree
    while isinstance(node, Tree) and node.data in ("expression", "expr_term") and len(trees(node)) == 1:
        node = trees(node)[0]
    if not isinstance(node, Tree) or node.data != "object":
        return None
    out = []
    for element in (c for c in trees(node) if c.data == "object_elem"):
        value = element.children[-1]
        text = Expression(value, expression.text, expression.file, expression.line)
        out.append((name_of(element.children[0]).strip('"'), text))
    return out


def _declared_sensitive(block: Block) -> bool:
    flag = block.attribute("sensitive")
    return flag is not None and name_of(flag.tree).strip() == "true"
