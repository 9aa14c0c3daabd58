"""The Terraform functions network configuration uses, over evaluator values.

An unknown argument makes the result unknown (except in try/coalesce, which skip it, and
length of a list that holds unknowns). A function not listed here is unknown, with a warning.
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import math
import os
import stat
from collections.abc import Callable
from typing import Any

from tfreach.budget import LIMITS, TooLarge, current
from tfreach.inputs.sources.values import SetValue, Unknown, merged, parse_number, to_text, unknowns_in


class FunctionError(ValueError):
    """A call Terraform would reject; the caller turns it into an unknown value with a warning."""


def _strict(function: Callable[..., Any], deep: bool = False) -> Callable[..., Any]:
    """Unknown arguments give an unknown result (`deep`: also an unknown element of a collection)."""

    def call(*args: Any) -> Any:
        unknown = [u for a in args for u in unknowns_in(a)] if deep else [a for a in args if isinstance(a, Unknown)]
        if unknown:
            return merged(*unknown)
        try:
            return function(*args)
        except TooLarge:
            raise
        except FunctionError:
            raise
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError) as error:
            # Python's own message may quote an argument, and arguments may be secrets.
            name = function.__name__.strip("_").replace("<lambda>", "the function")
            raise FunctionError(f"{name}: the arguments are not valid ({type(error).__name__})") from None

    return call


def _cidrsubnet(prefix: str, newbits: int, netnum: int) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    length = network.prefixlen + int(newbits)
    size = 1 << (network.max_prefixlen - length)
    first = int(network.network_address) + int(netnum) * size
    return str(ipaddress.ip_network((first, length)))


def _cidrhost(prefix: str, hostnum: int) -> str:
    network = ipaddress.ip_network(prefix, strict=False)
    number = int(hostnum)
    address = network.network_address + number if number >= 0 else network.broadcast_address + number + 1
    if address not in network:
        raise ValueError(f"host number {hostnum} is outside {prefix}")
    return str(address)


def _cidrsubnets(prefix: str, *newbits: int) -> list[str]:
    network = ipaddress.ip_network(prefix, strict=False)
    out, cursor = [], int(network.network_address)
    for bits in newbits:
        length = network.prefixlen + int(bits)
        size = 1 << (network.max_prefixlen - length)
        cursor = (cursor + size - 1) // size * size
        out.append(str(ipaddress.ip_network((cursor, length))))
        cursor += size
    return out


def _element(items: list[Any], index: int) -> Any:
    return items[int(index) % len(items)]


def _lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise KeyError(key)


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def _distinct(items: list[Any]) -> list[Any]:
    """In order, once each: by a hashable key, so that a long list costs its length, not its square."""
    seen: set[Any] = set()
    out: list[Any] = []
    for item in items:
        key = _hashable(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, _hashable(v)) for k, v in value.items())))
    if isinstance(value, list | tuple):
        return ("list", tuple(_hashable(v) for v in value))
    if isinstance(value, bool | int | float | str) or value is None:
        return (type(value).__name__ if isinstance(value, bool) else "", value)
    return ("other", id(value))


def _members(items: list[Any]) -> set[Any]:
    return {_hashable(item) for item in items}


def _join(separator: str, items: list[Any]) -> str:
    texts = [to_text(i) for i in items]
    current().string_of(sum(map(len, texts)) + len(separator) * len(texts))
    return separator.join(texts)


def _replace(text: str, old: str, new: str) -> str:
    if old:
        current().string_of(len(text) + text.count(old) * max(0, len(new) - len(old)))
    return text.replace(old, new)


def _format(spec: str, *args: Any) -> str:
    """%s, %d, %v and %% (what network code uses)."""
    current().string_of(len(spec) + sum(len(to_text(a)) for a in args if isinstance(a, str | int | float)))
    out, values, i = "", list(args), 0
    while i < len(spec):
        if spec[i] == "%" and i + 1 < len(spec):
            verb = spec[i + 1]
            if verb == "%":
                out += "%"
            else:
                out += to_text(values.pop(0)) if verb in "svdq" else spec[i : i + 2]
            i += 2
        else:
            out += spec[i]
            i += 1
    return out


MAX_RANGE = 1024  # Terraform's own limit: "more than 1024 values were generated"
MAX_PRODUCT = 100_000  # setproduct: the elements of a real configuration, not a memory bomb


def _range(*args: float) -> list[float]:
    start, stop, step = (0, args[0], 1) if len(args) == 1 else (args[0], args[1], args[2] if len(args) > 2 else 1)
    if step == 0 or not all(math.isfinite(float(a)) for a in (start, stop, step)):
        raise FunctionError("range: the step must be a finite number other than zero")
    if (float(stop) - float(start)) / float(step) > MAX_RANGE:
        raise FunctionError(f"range: more than {MAX_RANGE} values would be generated (Terraform's limit)")
    out = []
    value = start
    while (step > 0 and value < stop) or (step < 0 and value > stop):
        out.append(value)
        value += step
    return out


def _keys(mapping: dict[str, Any]) -> list[str]:
    return sorted(mapping)


def _values(mapping: dict[str, Any]) -> list[Any]:
    return [mapping[k] for k in sorted(mapping)]


def _merge(*maps: dict[str, Any]) -> dict[str, Any]:
    current().elements_of(sum(len(m) for m in maps if m is not None))
    out: dict[str, Any] = {}
    for mapping in maps:
        if mapping is not None:
            out.update(mapping)
    return out


def _concat(*lists: list[Any]) -> list[Any]:
    current().elements_of(sum(len(items) for items in lists))
    return [item for items in lists for item in items]


def _contains(items: list[Any], value: Any) -> bool:
    return value in items


def _zipmap(keys: list[str], values: list[Any]) -> dict[str, Any]:
    return dict(zip(keys, values, strict=True))


def _toset(items: list[Any]) -> SetValue:
    return SetValue(sorted(_distinct(items), key=lambda v: (str(type(v)), str(v))))


def _length(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value
    return len(value)


def _try(*args: Any) -> Any:
    """The first argument that evaluated (errors arrive as FunctionError instances) and is known."""
    for arg in args:
        if not isinstance(arg, Unknown | FunctionError):
            return arg
    unknown = [a for a in args if isinstance(a, Unknown)]
    return merged(*unknown) if unknown else Unknown("try: no argument could be evaluated")


def _coalesce(*args: Any) -> Any:
    for arg in args:
        if isinstance(arg, Unknown):
            return arg
        if arg not in (None, ""):
            return arg
    raise FunctionError("coalesce: no non-null argument")


def _transpose(mapping: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for key, values in mapping.items():
        for value in values:
            out.setdefault(value, set()).add(key)
    return {value: sorted(keys) for value, keys in out.items()}


def _formatlist(spec: str, *lists: list[Any]) -> list[str]:
    rows = list(zip(*lists, strict=True))
    current().string_of(len(rows) * len(spec))
    return [_format(spec, *row) for row in rows]


def _setintersection(first: list[Any], *rest: list[Any]) -> SetValue:
    others = [_members(items) for items in rest]
    return _toset([i for i in first if all(_hashable(i) in members for members in others)])


def _setsubtract(a: list[Any], b: list[Any]) -> SetValue:
    gone = _members(b)
    return _toset([i for i in a if _hashable(i) not in gone])


def _setproduct(*sets: list[Any]) -> list[list[Any]]:
    if math.prod(len(s) for s in sets) > MAX_PRODUCT:
        raise FunctionError(f"setproduct: more than {MAX_PRODUCT} combinations")
    return [list(combination) for combination in itertools.product(*sets)]


def _pow(base: float, exponent: float) -> float:
    """Terraform numbers are floating point: pow(9, pow(9, 9)) overflows, it never runs for hours."""
    result: float = float(base) ** float(exponent)
    return result


def _chunklist(items: list[Any], size: int) -> list[list[Any]]:
    size = int(size)
    return [items[i : i + size] for i in range(0, len(items), size)] if size > 0 else [items]


def _parseint(text: str, base: int) -> int:
    return int(str(text), int(base))


def read_text_file(path: str) -> str:
    """file(): a regular file's UTF-8 text. Never a FIFO, a device or a huge file (sources may come
    from an untrusted pull request), so the check cannot hang or exhaust memory. The caller has
    checked that the path lies inside the root."""
    limit = LIMITS.data_file_bytes
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise FunctionError(f"file: {path} is not a regular file")
        if info.st_size > limit:
            raise FunctionError(f"file: {path} is larger than {limit >> 10} KiB")
        with open(path, "rb") as handle:
            return handle.read(limit + 1).decode("utf-8")
    except OSError as error:
        raise FunctionError(f"file: {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise FunctionError(f"file: {path} is not UTF-8 text") from None


def _file_exists(path: str) -> bool:
    return os.path.isfile(path)


def _jsondecode(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise FunctionError(f"jsondecode: not JSON (line {error.lineno})") from None
    except RecursionError:
        raise FunctionError("jsondecode: the JSON nests too deeply") from None


def _no_constant(name: str) -> Any:
    raise FunctionError("jsondecode: NaN and Infinity are not JSON")


FILE_FUNCTIONS = frozenset({"file", "fileexists"})  # their path is relative to the root module's folder


def _one(items: list[Any]) -> Any:
    if len(items) > 1:
        raise FunctionError("one: more than one element")
    return items[0] if items else None


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "cidrsubnet": _strict(_cidrsubnet),
    "cidrhost": _strict(_cidrhost),
    "cidrsubnets": _strict(_cidrsubnets, deep=True),
    "cidrnetmask": _strict(lambda prefix: str(ipaddress.ip_network(prefix, strict=False).netmask)),
    "concat": _strict(_concat),
    "merge": _strict(_merge),
    "lookup": _strict(_lookup),
    "element": _strict(_element),
    "length": _length,
    "format": _strict(_format, deep=True),
    "join": _strict(_join, deep=True),
    "split": _strict(lambda separator, text: text.split(separator)),
    "flatten": _strict(_flatten),
    "distinct": _strict(_distinct, deep=True),
    "keys": _strict(_keys),
    "values": _strict(_values),
    "tolist": _strict(list),
    "toset": _strict(_toset, deep=True),
    "tomap": _strict(dict),
    "tostring": _strict(to_text, deep=True),
    "tonumber": _strict(lambda v: v if isinstance(v, int | float) and not isinstance(v, bool) else parse_number(v)),
    "tobool": _strict(lambda v: v if isinstance(v, bool) else str(v) == "true"),
    "try": _try,
    "can": lambda *args: not any(isinstance(a, FunctionError) for a in args),
    "coalesce": _coalesce,
    "coalescelist": _strict(lambda *lists: next((items for items in lists if items), [])),
    "compact": _strict(lambda items: [i for i in items if i not in (None, "")]),
    "range": _strict(_range),
    "zipmap": _strict(_zipmap),
    "contains": _strict(_contains, deep=True),
    "min": _strict(min, deep=True),
    "max": _strict(max, deep=True),
    "abs": _strict(abs),
    "lower": _strict(str.lower),
    "upper": _strict(str.upper),
    "trimspace": _strict(str.strip),
    "replace": _strict(_replace),
    "substr": _strict(lambda text, offset, length: text[offset : offset + length if length >= 0 else None]),
    "slice": _strict(lambda items, start, end: items[start:end]),
    "reverse": _strict(lambda items: list(reversed(items))),
    "sort": _strict(lambda items: sorted(items), deep=True),
    "index": _strict(lambda items, value: items.index(value), deep=True),
    "one": _strict(_one),
    "sum": _strict(sum, deep=True),
    "jsonencode": _strict(lambda value: json.dumps(value, separators=(",", ":")), deep=True),
    "jsondecode": _strict(_jsondecode),
    "file": _strict(read_text_file),
    "fileexists": _strict(_file_exists),
    "startswith": _strict(lambda text, prefix: text.startswith(prefix)),
    "endswith": _strict(lambda text, suffix: text.endswith(suffix)),
    "ceil": _strict(math.ceil),
    "floor": _strict(math.floor),
    "pow": _strict(_pow),
    "signum": _strict(lambda n: (n > 0) - (n < 0)),
    "parseint": _strict(_parseint),
    "formatlist": _strict(_formatlist, deep=True),
    "setproduct": _strict(_setproduct),
    "setunion": _strict(lambda *sets: _toset(_concat(*sets)), deep=True),
    "setintersection": _strict(_setintersection, deep=True),
    "setsubtract": _strict(_setsubtract, deep=True),
    "chunklist": _strict(_chunklist),
    "trimprefix": _strict(lambda text, prefix: text.removeprefix(prefix)),
    "trimsuffix": _strict(lambda text, suffix: text.removesuffix(suffix)),
    "trim": _strict(lambda text, characters: text.strip(characters)),
    "title": _strict(str.title),
    "strrev": _strict(lambda text: text[::-1]),
    "alltrue": _strict(lambda items: all(items), deep=True),
    "anytrue": _strict(lambda items: any(items), deep=True),
    "transpose": _strict(_transpose, deep=True),
}
