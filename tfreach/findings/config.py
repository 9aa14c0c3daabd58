""".tfreach.yml: defaults for the command line, recognized ports, and accepted exposures.

Found in the current directory or its parents up to the repository root (or given with
--config), checked against config_schema.json; every error names the file, the key and the
problem. Command-line options override the file.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from tfreach.errors import InputError
from tfreach.findings.catalogue import Service, Severity
from tfreach.model.packets import IntervalSet, Span, addresses
from tfreach.model.protocols import protocol_span
from tfreach.questions.intents import Intent, allowed_packets
from tfreach.questions.selectors import parse as parse_selector
from tfreach.questions.selectors import parse_target

if TYPE_CHECKING:
    import jsonschema

CONFIG_NAME = ".tfreach.yml"
_MAX_CONFIG_BYTES = 1 << 20


class _Loader(yaml.SafeLoader):
    """Safe YAML, with dates left as text: the schema and the error messages speak of text.

    No aliases: a settings file has no use for them, and nested ones ("billion laughs") would
    make a few hundred bytes expand past any memory."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class AllowEntry:
    """An accepted exposure: which findings it covers, and why."""

    key: str  # where it is in the file: allow[2]
    resource: str  # glob over addresses: * and ? are wildcards, brackets are literal
    reason: str
    via: str | None = None
    protocol: str | None = None
    ports: tuple[Span, ...] | None = None
    source: str | None = None
    cidrs: IntervalSet | None = None
    expires: datetime.date | None = None


@dataclass(frozen=True)
class Config:
    path: str | None = None
    fail_on: str | None = None
    sources: tuple[str, ...] | None = None
    new_only: bool | None = None
    fail_on_possible: bool | None = None
    ephemeral_ports: Span | None = None
    recognized_ports: tuple[Service, ...] = ()
    allow: tuple[AllowEntry, ...] = ()
    intents: tuple[Intent, ...] = ()
    contexts: tuple[str, ...] = ()  # other stacks' states or plans, or "aws" (paths as read: resolved)


def find_config(start: Path) -> Path | None:
    """The nearest .tfreach.yml from `start` up to the repository root (a folder with .git)."""
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def load_config(path: Path) -> Config:
    name = str(path)
    try:
        if path.stat().st_size > _MAX_CONFIG_BYTES:
            raise InputError(name, f"is larger than {_MAX_CONFIG_BYTES} bytes: not a settings file")
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as error:
        raise InputError(name, f"cannot be read ({error.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(name, "is not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InputError(name, f"is not valid YAML: {getattr(error, 'problem', None) or error}{where}") from None
    document = {} if document is None else document
    import jsonschema  # imported only when a settings file is read

    problem = jsonschema.exceptions.best_match(_validator().iter_errors(document))
    if problem is not None:
        raise InputError(name, f"{_key(list(problem.absolute_path))}: {problem.message}")
    return _config(name, document)


def _config(name: str, document: dict[str, Any]) -> Config:
    ephemeral = document.get("ephemeral_ports")
    if ephemeral is not None and ephemeral[0] > ephemeral[1]:
        raise InputError(name, f"ephemeral_ports: {ephemeral[0]}-{ephemeral[1]} is an empty range")
    return Config(
        path=name,
        fail_on=document.get("fail_on"),
        sources=tuple(document["sources"]) if "sources" in document else None,
        new_only=document.get("new_only"),
        fail_on_possible=document.get("fail_on_possible"),
        ephemeral_ports=(ephemeral[0], ephemeral[1]) if ephemeral else None,
        recognized_ports=tuple(
            s for i, entry in enumerate(document.get("recognized_ports", [])) for s in _services(name, i, entry)
        ),
        allow=tuple(_allow(name, i, entry) for i, entry in enumerate(document.get("allow", []))),
        intents=tuple(_intent(name, i, entry) for i, entry in enumerate(document.get("intents", []))),
        contexts=tuple(_context_path(name, entry) for entry in document.get("context", [])),
    )


def _context_path(name: str, entry: str) -> str:
    """A context named in the settings file: `aws`, or a path relative to the file's folder."""
    return entry if entry == "aws" else str((Path(name).parent / entry).resolve())


def _intent(name: str, index: int, entry: dict[str, Any]) -> Intent:
    key = f"intents[{index}]"
    target = entry.get("to") or entry["must_not_reach"]  # the schema asks for exactly one
    only = entry.get("only", [])
    only = [only] if isinstance(only, str) else only
    try:
        parse_selector(entry["from"])
        parse_target(target)
        for text in only:
            allowed_packets(text)
    except ValueError as error:
        raise InputError(name, f"{key}: {error}") from None
    severity = Severity[entry.get("severity", "high").upper()]
    default_name = f"{entry['from']} must not reach {target}" + (f" beyond {', '.join(only)}" if only else "")
    return Intent(entry.get("name") or default_name, entry["from"], target, tuple(only), severity)


def _services(name: str, index: int, entry: dict[str, Any]) -> list[Service]:
    protocol = protocol_span(entry["protocol"])[0]
    severity = Severity[entry.get("severity", "medium").upper()]
    spans = _ports(name, f"recognized_ports[{index}].ports", entry["ports"])
    return [Service(entry["service"], protocol, span, severity, "custom") for span in spans]


def _allow(name: str, index: int, entry: dict[str, Any]) -> AllowEntry:
    key = f"allow[{index}]"
    return AllowEntry(
        key=key,
        resource=entry["resource"],
        reason=entry["reason"],
        via=entry.get("via"),
        protocol=entry.get("protocol"),
        ports=tuple(_ports(name, f"{key}.ports", entry["ports"])) if "ports" in entry else None,
        source=entry.get("source"),
        cidrs=_cidrs(name, f"{key}.cidrs", entry["cidrs"]) if "cidrs" in entry else None,
        expires=_date(name, f"{key}.expires", entry["expires"]) if "expires" in entry else None,
    )


def _ports(name: str, key: str, value: Any) -> list[Span]:
    """22, "8000-8100", or a list of them."""
    spans = []
    for item in value if isinstance(value, list) else [value]:
        low, _, high = str(item).partition("-")
        span = (int(low), int(high or low))
        if span[0] > span[1] or span[1] > 65535:
            raise InputError(name, f"{key}: {item!r} is not a port or port range within 0-65535")
        spans.append(span)
    return spans


def _cidrs(name: str, key: str, values: list[str]) -> IntervalSet:
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise InputError(name, f"{key}: {value!r} is not a CIDR") from None
    return addresses(*values)


def _date(name: str, key: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InputError(name, f"{key}: {value!r} is not a date (YYYY-MM-DD)") from None


def _key(path: list[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out or "top level"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = json.loads(resources.files("tfreach").joinpath("config_schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)
