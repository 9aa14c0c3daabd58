"""Read a `terraform show -json` document and check the envelope tfreach relies on."""

from __future__ import annotations

import gc
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, BinaryIO

import fastjsonschema

from tfreach.budget import LIMITS
from tfreach.errors import InputError, NotAPlan
from tfreach.inputs.plan.references import split_instance_address

if TYPE_CHECKING:
    import jsonschema

SUPPORTED_MAJORS = {"0", "1"}  # 0.x (Terraform 0.12-0.15) has the same shape as 1.x
_ZIP_MAGIC = b"PK\x03\x04"


def load_plan(path: str) -> dict[str, Any]:
    """The parsed plan (or state) JSON of `path` ("-" is stdin); InputError otherwise."""
    document = load_json_document(path)
    check_envelope(path, document)
    _check_resources(path, document)
    _check_addresses(path, document)
    return dict(document)


def load_json_document(path: str) -> Any:
    """The JSON of `path`, read within the budget (a raw state is read so: it has no envelope)."""
    data = _read_bytes(path)
    _check_size(path, data)
    return _parse_json(path, data)


def _check_size(path: str, data: bytes) -> None:
    """Refuse at once, by counting bytes, what would take minutes and gigabytes to parse: a plan
    of a million resources, or millions of nested arrays. Real plans are far below (the 20,000
    resource benchmark plan: 40,000 addresses and 830,000 objects and arrays)."""
    if data.count(b'"address"') > 4 * LIMITS.plan_resources:  # a resource is listed 2 to 4 times
        raise InputError(path, f"lists more than {LIMITS.plan_resources:,} resources, more than tfreach reads")
    if data.count(b"{") + data.count(b"[") > LIMITS.plan_containers:
        raise InputError(path, f"holds more than {LIMITS.plan_containers:,} JSON objects and arrays")


def _check_resources(path: str, document: dict[str, Any]) -> None:
    changes = document.get("resource_changes")
    if isinstance(changes, list) and len(changes) > LIMITS.plan_resources:
        raise InputError(path, f"lists more than {LIMITS.plan_resources:,} resources, more than tfreach reads")


def _check_addresses(path: str, document: dict[str, Any]) -> None:
    """Terraform never writes one address twice; a file that does cannot be trusted for either."""
    seen: set[str] = set()
    for change in document.get("resource_changes") or []:
        address = _readable_address(path, change["address"])
        if change.get("deposed"):
            continue  # an object create_before_destroy replaces: it shares the current one's address
        if address in seen:
            raise InputError(path, f"resource_changes lists {address} twice: it is not terraform's output")
        seen.add(address)
    for section in ("planned_values", "values", "prior_state"):
        values = document.get(section) or {}
        values = values.get("values") or {} if section == "prior_state" else values
        _check_module_addresses(path, values.get("root_module") or {}, 0)


def _check_module_addresses(path: str, module: dict[str, Any], depth: int) -> None:
    if depth > 64:
        raise InputError(path, "modules nest more than 64 deep: it is not terraform's output")
    for resource in module.get("resources") or []:
        _readable_address(path, resource["address"])
    for child in module.get("child_modules") or []:
        _check_module_addresses(path, child, depth + 1)


def _readable_address(path: str, address: str) -> str:
    try:
        split_instance_address(address)
    except ValueError as error:
        raise InputError(path, str(error)) from None
    return address


def _read_bytes(path: str) -> bytes:
    """The plan's bytes: a regular file, or stdin ("-"), within the budget. A device or a FIFO
    named as the plan is refused (`/dev/zero` never ends, a FIFO nobody writes hangs): pipe a plan
    to `-` instead."""
    limit = LIMITS.plan_bytes
    try:
        if path == "-":
            return _read_stream(path, sys.stdin.buffer, limit)
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError(path, "is not a regular file (a FIFO, a device?): pipe the plan to `tfreach check -`")
        if info.st_size > limit:
            raise InputError(path, f"is larger than {limit >> 20} MiB, more than tfreach reads")
        with open(path, "rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a plan JSON file") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None


def _read_stream(path: str, stream: BinaryIO, limit: int) -> bytes:
    """A pipe's bytes: refused as soon as they cannot be JSON (`< /dev/zero`) or exceed `limit`."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(1 << 20):
        if not chunks and chunk.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] not in (b"{", b"[", b'"', b""):
            raise InputError(path, "is not JSON (it does not begin with a JSON value)")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise InputError(path, f"is larger than {limit >> 20} MiB, more than tfreach reads")
    return b"".join(chunks)


def _parse_json(path: str, data: bytes) -> Any:
    if not data.strip():
        raise InputError(path, "is empty (expected the output of `terraform show -json`)")
    if data.startswith(_ZIP_MAGIC):
        raise InputError(
            path,
            "is a binary plan file; convert it with `terraform show -json PLANFILE > plan.json`",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"is not UTF-8 text (byte {error.start}); is it a plan JSON file?") from None
    _refuse_lone_surrogates(path, text)
    # The collector only slows down building millions of small objects; nothing here cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except DuplicateKey as duplicate:
        raise InputError(path, str(duplicate)) from None
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise InputError(path, f"is truncated: the JSON ends early (line {error.lineno})") from None
        raise InputError(path, f"is not valid JSON: {error.msg} (line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise InputError(path, "is nested too deeply to be a Terraform plan") from None
    finally:
        if enabled:
            gc.enable()


_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<![dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F]"
)


def _refuse_lone_surrogates(path: str, text: str) -> None:
    """`"\\ud800"` alone is valid JSON but no text: it could not be printed or written as UTF-8.
    Terraform never writes one (the check costs a scan only when the text holds such an escape)."""
    if ("\\ud" in text or "\\uD" in text) and _LONE_SURROGATE.search(text):
        raise InputError(path, "holds an unpaired UTF-16 surrogate escape: it is not text terraform writes")


class DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused when a key appears twice: Terraform never writes one, and reading
    either copy silently (a second, empty `resource_changes`) would hide what the other says.

    Checking here costs ~0.15 s on a 43 MB plan over orjson, which cannot see duplicates.
    """
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        shown = json.dumps(key)[:80]
        raise DuplicateKey(f"the key {shown} appears twice in one object: it is not terraform's output")
    return found


def check_envelope(path: str, document: Any) -> None:
    if not isinstance(document, dict):
        kind = type(document).__name__.replace("dict", "object").replace("list", "array")
        raise NotAPlan(path, f"is not a Terraform plan: the top level is a JSON {kind}, not an object")
    version = document.get("format_version")
    if version is None:
        raise NotAPlan(path, "is not a Terraform plan: it has no format_version")
    if not isinstance(version, str) or version.split(".")[0] not in SUPPORTED_MAJORS:
        raise InputError(
            path, f"format_version {json.dumps(version)[:40]} is not supported (tfreach reads 0.x and 1.x)"
        )
    try:
        _compiled_schema()(document)
    except fastjsonschema.JsonSchemaException:
        pass  # invalid: jsonschema below names the most relevant problem
    else:
        return
    import jsonschema  # only to word a plan that fails the schema

    error = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)[:_QUOTED] or "top level"
        raise InputError(path, f"is not a Terraform plan or state: {where}: {_problem(error)}")


_QUOTED = 200  # at most this much of the input is ever quoted in an error (a CI log is public)
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def _problem(error: Any) -> str:
    """What is wrong, without the offending value: a plan's values can hold secrets."""
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        found = _JSON_TYPES.get(type(error.instance), "a number")
        return f"is {found}, where the format wants {' or '.join(map(str, expected))}"
    if error.validator == "required":
        return str(error.message)[:_QUOTED]  # names the missing property, which is the schema's
    return f"does not match the format ({error.validator})"


def _schema() -> dict[str, Any]:
    return dict(json.loads(resources.files("tfreach.inputs.plan").joinpath("schema.json").read_text()))


@lru_cache(maxsize=1)
def _compiled_schema() -> Callable[[Any], Any]:
    """fastjsonschema compiles the schema to Python: 20x faster than jsonschema on a large plan."""
    return fastjsonschema.compile(_schema())


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(_schema())
