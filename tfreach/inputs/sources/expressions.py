"""Evaluate HCL expressions (python-hcl2's parse tree) the way Terraform would at plan time.

Names resolve through a `Scope` (variables, locals, resources, modules, count/each, for
iterators). Whatever only apply can tell, or the sources do not hold, evaluates to `Unknown`
and travels through every operation, as "known after apply" does in a plan.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from lark import Token, Tree

from tfreach import budget
from tfreach.inputs.sources.functions import FILE_FUNCTIONS, FUNCTIONS, FunctionError
from tfreach.inputs.sources.root import root_of
from tfreach.inputs.sources.values import Unknown, keyed, merged, parse_number, to_text


class EvaluationError(ValueError):
    """An expression Terraform would reject (a missing attribute, a bad operand)."""


class Scope(Protocol):
    def root(self, name: str) -> Any:
        """The value of a root name: var, local, module, data, a resource type, an iterator..."""


class Namespace:
    """A value whose attributes are computed on demand (var, local, a resource, a module...)."""

    def attr(self, name: str) -> Any:
        raise EvaluationError(f"unsupported attribute {name!r}")

    def index(self, key: Any) -> Any:
        raise EvaluationError("this value cannot be indexed")

    def as_value(self) -> Any:
        """What a function receives for it."""
        return self


class Iterators:
    """A scope that adds for-expression or dynamic-block iterators to another."""

    def __init__(self, parent: Scope, names: dict[str, Any]) -> None:
        self.parent = parent
        self.names = names

    def root(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.root(name)


_ESCAPES = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt\"\\])")


def trees(node: Tree[Any]) -> list[Tree[Any]]:
    """The sub-trees that carry meaning (tokens, newlines and comments left out).

    Kept on the node: the same expression is evaluated once per resource instance.
    """
    found: list[Tree[Any]] | None = node.__dict__.get("_meaningful")
    if found is None:
        found = [c for c in node.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]
        node.__dict__["_meaningful"] = found
    return found


def first_tree(node: Tree[Any]) -> Tree[Any]:
    found = trees(node)
    if not found:
        raise EvaluationError(f"an empty {node.data}")
    return found[0]


def token_text(node: Tree[Any]) -> str:
    """The text of a tree's first token: a literal, a name, an operator."""
    found: str | None = node.__dict__.get("_token")
    if found is None:
        found = node.__dict__["_token"] = str(next(c for c in node.children if isinstance(c, Token)))
    return found


def has_ellipsis(node: Tree[Any]) -> bool:
    return any(isinstance(c, Token) and c.type == "ELLIPSIS" for c in node.children)


def evaluate(node: Tree[Any] | Token, scope: Scope, meter: budget.Meter | None = None) -> Any:
    return _Evaluator(scope, meter).eval(node)


class _Evaluator:
    def __init__(self, scope: Scope, meter: budget.Meter | None = None) -> None:
        self.scope = scope
        self.meter = meter or budget.current()

    def eval(self, node: Tree[Any] | Token) -> Any:
        if isinstance(node, Token):
            raise EvaluationError(f"unexpected {node.type}")
        meter = self.meter  # Meter.step, inlined: it runs for every node evaluated
        meter.steps += 1
        if meter.steps >= meter.next_check:
            meter.check()
        handler: Callable[[Tree[Any]], Any] | None = getattr(self, f"_{node.data}", None)
        if handler is None:
            return Unknown(f"expression {node.data!r} is not supported")
        return handler(node)

    def _inner(self, names: dict[str, Any]) -> _Evaluator:
        return _Evaluator(Iterators(self.scope, names), self.meter)

    # --- terms ---------------------------------------------------------------------------

    def _expr_term(self, node: Tree[Any]) -> Any:
        return self.eval(first_tree(node))

    def _int_lit(self, node: Tree[Any]) -> Any:
        return self.meter.value(int(token_text(node)))

    def _float_lit(self, node: Tree[Any]) -> Any:
        return float(token_text(node))

    def _literal_value(self, node: Tree[Any]) -> Any:
        return {"true": True, "false": False, "null": None}[token_text(node)]

    def _identifier(self, node: Tree[Any]) -> Any:
        return self.scope.root(token_text(node))

    def _string(self, node: Tree[Any]) -> Any:
        nodes = [part for part in trees(node) if part.data == "string_part"]
        parts = [self._string_part(part) for part in nodes]
        if len(nodes) == 1 and _is_interpolation(nodes[0]):
            return parts[0]  # "${x}" alone is x itself, whatever its type (as in Terraform)
        if any(isinstance(p, Unknown) for p in parts):
            return merged(*parts)
        texts = [to_text(p) for p in parts]
        self.meter.string_of(sum(map(len, texts)))
        return self.meter.value("".join(texts))

    def _string_part(self, node: Tree[Any]) -> Any:
        child = node.children[0]
        if isinstance(child, Tree):
            if child.data == "interpolation":
                return self.eval(first_tree(child))
            return Unknown("template directives are not supported")
        text = str(child)
        if child.type == "ESCAPED_INTERPOLATION":
            return "$" + text[2:]
        if child.type == "ESCAPED_DIRECTIVE":
            return "%" + text[2:]
        return _ESCAPES.sub(lambda m: codecs.decode(m.group(0), "unicode_escape"), text)

    def _heredoc_template(self, node: Tree[Any]) -> Any:
        text = token_text(node)
        body = text.split("\n", 1)[1].rsplit("\n", 2)[0] + "\n"
        return Unknown("heredoc templates with interpolation are not evaluated") if "${" in body else body

    _heredoc_template_trim = _heredoc_template

    def _tuple(self, node: Tree[Any]) -> Any:
        return self.meter.value([self.eval(c) for c in trees(node)])

    def _object(self, node: Tree[Any]) -> Any:
        out: dict[str, Any] = {}
        for element in (c for c in trees(node) if c.data == "object_elem"):
            key = self._object_key(element.children[0])
            if isinstance(key, Unknown):
                return key
            out[key] = self.eval(element.children[-1])
        return self.meter.value(out)

    def _object_key(self, node: Tree[Any]) -> Any:
        """A bare name is the key itself; anything else is evaluated."""
        inner = first_tree(node)
        while inner.data == "expr_term" and len(trees(inner)) == 1:
            inner = first_tree(inner)
        if inner.data in ("identifier", "keyword"):
            return token_text(inner)
        value = self.eval(inner)
        return value if isinstance(value, Unknown) else to_text(value)

    # --- access --------------------------------------------------------------------------

    def _get_attr_expr_term(self, node: Tree[Any]) -> Any:
        base, step = trees(node)
        return get_attr(self.eval(base), attribute_name(step))

    def _index_expr_term(self, node: Tree[Any]) -> Any:
        base, step = trees(node)
        return index(self.eval(base), self._index_key(step))

    def _index_key(self, node: Tree[Any]) -> Any:
        if node.data == "short_index":
            return int(str(node.children[-1]).lstrip("."))
        return self.eval(first_tree(node))

    def _full_splat_expr_term(self, node: Tree[Any]) -> Any:
        base_node, splat = trees(node)
        base = self.eval(base_node)
        if isinstance(base, Unknown):
            return base
        items = base if isinstance(base, list) else [] if base is None else [base]  # one object: a list of it
        out = []
        for item in items:
            for step in trees(splat):
                item = (
                    get_attr(item, attribute_name(step))
                    if step.data == "get_attr"
                    else index(item, self._index_key(step))
                )
            out.append(item)
        return self.meter.value(out)

    _attr_splat_expr_term = _full_splat_expr_term

    def _function_call(self, node: Tree[Any]) -> Any:
        name = "::".join(token_text(c) for c in trees(node) if c.data == "identifier")
        arguments = next((c for c in trees(node) if c.data == "arguments"), None)
        nodes = trees(arguments) if arguments is not None else []
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"function {name}() is not supported here")
        args = [self._attempt(n) if name in ("try", "can") else self.eval(n) for n in nodes]
        if arguments is not None and has_ellipsis(arguments) and args:
            last = args.pop()
            if isinstance(last, Unknown):
                return last
            args += list(last)
        args = [a.as_value() if isinstance(a, Namespace) else a for a in args]
        if name in FILE_FUNCTIONS and args and isinstance(args[0], str):
            args[0] = str(self._inside_root(args[0]))
        try:
            return self.meter.value(function(*args))
        except budget.TooLarge:
            raise
        except FunctionError as error:
            raise EvaluationError(str(error)) from None
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError) as error:
            raise EvaluationError(f"{name}(): the arguments are not valid ({type(error).__name__})") from None

    def _inside_root(self, path: str) -> Path:
        """A path a file function reads: relative to the root module, as Terraform runs there,
        and inside the root the sources cannot leave (OutsideRoot otherwise: never opened)."""
        folder = Path(self.scope.root("path")["root"])
        return root_of(folder).inside(folder / path)

    def _attempt(self, node: Tree[Any]) -> Any:
        try:
            return self.eval(node)
        except EvaluationError as error:
            return FunctionError(str(error))

    # --- operators -----------------------------------------------------------------------

    def _conditional(self, node: Tree[Any]) -> Any:
        condition, if_true, if_false = trees(node)
        value = self.eval(condition)
        if isinstance(value, Unknown):
            # Either branch may apply: an unknown that names what both reference.
            branches = [self._attempt(if_true), self._attempt(if_false)]
            return merged(value, *(b for b in branches if not isinstance(b, FunctionError)))
        return self.eval(if_true if value else if_false)

    def _binary_op(self, node: Tree[Any]) -> Any:
        left_node, term = trees(node)
        operator_node, right_node = trees(term)
        left, right = self.eval(left_node), self.eval(right_node)
        if isinstance(left, Unknown) or isinstance(right, Unknown):
            return merged(left, right)
        return self.meter.value(_binary(token_text(operator_node), left, right))

    def _unary_op(self, node: Tree[Any]) -> Any:
        operator = token_text(node)
        value = self.eval(first_tree(node))
        if isinstance(value, Unknown):
            return value
        return -_number(value) if operator == "-" else not value

    # --- for expressions ------------------------------------------------------------------

    def _for_tuple_expr(self, node: Tree[Any]) -> Any:
        intro, body, condition = _for_parts(node)
        out = []
        for names in self._iterations(intro):
            if isinstance(names, Unknown):
                return names
            inner = self._inner(names)
            if condition is None or _truth(inner.eval(condition)):
                out.append(inner.eval(body[0]))
        return self.meter.value(out)

    def _for_object_expr(self, node: Tree[Any]) -> Any:
        intro, body, condition = _for_parts(node)
        grouping = has_ellipsis(node)
        out: dict[str, Any] = {}
        for names in self._iterations(intro):
            if isinstance(names, Unknown):
                return names
            inner = self._inner(names)
            if condition is not None and not _truth(inner.eval(condition)):
                continue
            key, value = inner.eval(body[0]), inner.eval(body[1])
            if isinstance(key, Unknown):
                return key
            if grouping:
                out.setdefault(to_text(key), []).append(value)
            else:
                out[to_text(key)] = value
        return self.meter.value(out)

    def _iterations(self, intro: Tree[Any]) -> list[Any]:
        names = [token_text(c) for c in trees(intro) if c.data == "identifier"]
        collection = self.eval(next(c for c in trees(intro) if c.data != "identifier"))
        if isinstance(collection, Namespace):
            collection = collection.as_value()
        if isinstance(collection, Unknown):
            return [collection]
        if collection is not None and not isinstance(collection, dict | list | tuple):
            raise EvaluationError(f"cannot iterate over {kind_of(collection)}")
        items = keyed(collection or [])
        return [{names[0]: key, names[1]: value} if len(names) == 2 else {names[0]: value} for key, value in items]


def _for_parts(node: Tree[Any]) -> tuple[Tree[Any], list[Tree[Any]], Tree[Any] | None]:
    """(the `for x in y` intro, the result expression(s), the `if` condition)."""
    parts = trees(node)
    condition = next((t for t in parts if t.data == "for_cond"), None)
    body = [t for t in parts[1:] if t.data != "for_cond"]
    return parts[0], body, first_tree(condition) if condition is not None else None


def _truth(value: Any) -> bool:
    if isinstance(value, Unknown):
        raise EvaluationError(f"a for condition is unknown ({value.reason})")
    return bool(value)


def attribute_name(node: Tree[Any]) -> str:
    """The name of a `.name` step."""
    return token_text(first_tree(node))


def get_attr(base: Any, name: str) -> Any:
    if isinstance(base, Unknown):
        return base
    if isinstance(base, Namespace):
        return base.attr(name)
    if isinstance(base, dict):
        if name in base:
            return base[name]
        raise EvaluationError(f"this object has no attribute {name!r}")
    raise EvaluationError(f"cannot read attribute {name!r} of {kind_of(base)}")


def index(base: Any, key: Any) -> Any:
    if isinstance(base, Unknown):
        return base
    if isinstance(key, Unknown):
        return key if not isinstance(base, Namespace) else base.index(key)
    if isinstance(base, Namespace):
        return base.index(key)
    try:
        if isinstance(base, list):
            return base[int(key)]
        if isinstance(base, dict):
            return base[to_text(key)]
    except (IndexError, KeyError, ValueError):
        raise EvaluationError("no element with that key or index") from None
    raise EvaluationError(f"cannot index {kind_of(base)}")


def _binary(operator: str, left: Any, right: Any) -> Any:
    try:
        if operator == "==":
            return left == right
        if operator == "!=":
            return left != right
        if operator == "&&":
            return bool(left) and bool(right)
        if operator == "||":
            return bool(left) or bool(right)
        numbers = _number(left), _number(right)
        result = {
            "+": lambda a, b: a + b,
            "-": lambda a, b: a - b,
            "*": lambda a, b: a * b,
            "/": lambda a, b: a / b,
            "%": lambda a, b: a % b,
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }[operator](*numbers)
        return int(result) if isinstance(result, float) and result.is_integer() and operator != "/" else result
    except (TypeError, ZeroDivisionError, KeyError, OverflowError) as error:
        what = f"{kind_of(left)} {operator} {kind_of(right)}"
        raise EvaluationError(f"{what} cannot be computed ({type(error).__name__})") from None


def _number(value: Any) -> float | int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise EvaluationError(f"{kind_of(value)} is not a number")
    try:
        return parse_number(value)
    except ValueError:
        raise EvaluationError("a string that is not a number is used as one") from None


def kind_of(value: Any) -> str:
    """What a value is, without saying what it holds (error messages never quote a value)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "a value"


def _is_interpolation(part: Tree[Any]) -> bool:
    child = part.children[0] if part.children else None
    return isinstance(child, Tree) and child.data == "interpolation"
