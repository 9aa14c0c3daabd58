"""Values of the root module's variables, in Terraform's order of precedence.

terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in name order, then each
--var-file and --var in the order given; a later value wins.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hcl2
from lark.exceptions import LarkError

from tfreach.budget import LIMITS
from tfreach.errors import InputError
from tfreach.inputs.sources.expressions import EvaluationError, evaluate
from tfreach.inputs.sources.root import root_of
from tfreach.inputs.sources.source import Block, module_source, name_of, parse_file, read_regular_file
from tfreach.inputs.sources.values import Unknown, contains_unknown, parse_number


class _Constants:
    """The scope of a .tfvars file or a --var: no names at all."""

    def root(self, name: str) -> Any:
        raise EvaluationError(f"{name} cannot be used here: only constant values can")


CONSTANTS = _Constants()


def root_values(folder: Path, var_files: list[str], variables: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    automatic = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    automatic += sorted(folder.glob("*.auto.tfvars")) + sorted(folder.glob("*.auto.tfvars.json"))
    root = root_of(folder)
    for path in [p for p in automatic if p.is_file() or p.is_symlink()]:
        values.update(read_tfvars(root.check(path, str(path))))
    for given in var_files:  # named on the command line: the operator's choice, not the sources'
        values.update(read_tfvars(Path(given)))
    for assignment in variables:
        name, value = _assignment(assignment)
        values[name] = value
    return typed_values(folder, values)


def typed_values(folder: Path, values: dict[str, Any]) -> dict[str, Any]:
    """Strings converted to the declared primitive type, as Terraform converts -var and plan inputs."""
    declared = module_source(folder).variables
    return {name: _typed(name, v, declared.get(name)) if isinstance(v, str) else v for name, v in values.items()}


def read_tfvars(path: Path) -> dict[str, Any]:
    text = read_regular_file(path, LIMITS.source_file_bytes)
    if path.name.endswith(".json"):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(str(path), f"not valid JSON (line {error.lineno})") from None
        except RecursionError:
            raise InputError(str(path), "nests too deeply to be a variables file") from None
        if not isinstance(loaded, dict):
            raise InputError(str(path), "a variables file must hold an object")
        return loaded
    tree = parse_file(path, text)
    out = {}
    body = next((c for c in tree.children if getattr(c, "data", None) == "body"), None)
    for child in body.children if body is not None else []:
        if getattr(child, "data", None) == "attribute":
            name = name_of(child.children[0])
            try:
                out[name] = evaluate(child.children[-1], CONSTANTS)
            except (EvaluationError, ValueError) as error:  # TooLarge is a ValueError
                raise InputError(str(path), f"{name}: {error}") from None
    return out


def _assignment(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise InputError("--var", "an assignment is not NAME=VALUE")
    return name.strip(), value


def _typed(name: str, value: str, declaration: Block | None) -> Any:
    """A --var value: primitives as given (converted to the declared type), the rest parsed as HCL.
    Its errors name the variable, never the value (it may be a secret)."""
    type_expression = declaration.attribute("type") if declaration is not None else None
    kind = " ".join(type_expression.text.split()) if type_expression is not None else "string"
    if kind in ("string", "any"):
        return value
    if kind == "number":
        try:
            return parse_number(value)
        except ValueError:
            raise InputError(f"--var {name}", "the value is not a number") from None
    if kind == "bool":
        if value not in ("true", "false"):
            raise InputError(f"--var {name}", "the value is not true or false")
        return value == "true"
    try:
        tree = hcl2.parses_to_tree(f"value = {value}\n")
        body = next(c for c in tree.children if getattr(c, "data", None) == "body")
        attribute = next(c for c in body.children if getattr(c, "data", None) == "attribute")
        parsed = evaluate(attribute.children[-1], CONSTANTS)
    except (LarkError, ValueError, StopIteration, RecursionError):
        raise InputError(f"--var {name}", f"the value is not a valid {kind}") from None
    return parsed if not contains_unknown(parsed) else Unknown(f"--var {name} could not be evaluated")
