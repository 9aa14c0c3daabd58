"""Sensitive values never leave tfreach: every report is written through a `Redactor`.

The analysis uses what a plan marks sensitive (a sensitive CIDR admits what it admits); the
reports show "(sensitive value)" where terraform would. Because a sensitive value may reach a
report anywhere (a rule's evidence, a finding's sources, a tag's reason, a warning), the reports are
redacted as they are written, in every format, in each format's own escaped spelling of it
(JSON, XML, Markdown, workflow-command escaping). Values shorter than five characters (a port,
"tcp") are left: finding that port open is the report's very point, and masking "22" everywhere
would leave no report to read. A value that is one of tfreach's own words (a severity, a status, a
field name) is left too, so that a report stays well-formed.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import TextIO

from tfreach import escape

SENSITIVE = "(sensitive value)"
MIN_LENGTH = 5
_OWN_WORDS = frozenset(
    {
        "critical", "medium", "existing", "closed", "possible", "certain", "internet", "peering",
        "transit_gateway", "findings", "warnings", "resource", "severity", "status", "message", "source",
        "sources", "summary", "assumptions", "recommendation", "ingress", "egress", "icmpv6", "false",
        "never", "allow", "deny", "title", "paths", "inputs", "version", "results", "NetworkExposure",
        "RecognizedPort", "UnrecognizedPort", "IntentViolation",
    }
)  # fmt: skip


class Redactor:
    """Replaces each of `secrets`, in any of the spellings a report gives it, by SENSITIVE."""

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = frozenset(s for s in secrets if len(s) >= MIN_LENGTH and s not in _OWN_WORDS)

    def __bool__(self) -> bool:
        return bool(self.secrets)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        spellings = {form for secret in self.secrets for form in _spellings(secret) if len(form) >= MIN_LENGTH}
        if not spellings:
            return None
        # Longest first, and never inside a longer word: "10.0.0.0/1" is not hidden in "10.0.0.0/16".
        alternatives = [_bounded(form) for form in sorted(spellings, key=lambda f: (-len(f), f))]
        return re.compile("|".join(alternatives))

    def text(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(SENSITIVE, text) if pattern is not None else text

    def writing(self, out: TextIO) -> _RedactingWriter:
        """A stream that writes to `out`, redacted, once closed (a value may span two writes)."""
        return _RedactingWriter(self, out)


class _RedactingWriter:
    def __init__(self, redactor: Redactor, out: TextIO) -> None:
        self.redactor, self.out, self.parts = redactor, out, []  # type: ignore[var-annotated]

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        """Kept until closed: nothing is written before all of it can be redacted."""

    def close(self) -> None:
        self.out.write(self.redactor.text("".join(self.parts)))
        self.parts = []


def _bounded(form: str) -> str:
    before = r"(?<![0-9A-Za-z_])" if form[0].isalnum() else ""
    after = r"(?![0-9A-Za-z_])" if form[-1].isalnum() else ""
    return f"{before}{re.escape(form)}{after}"


def _spellings(secret: str) -> set[str]:
    """The secret as each format writes it."""
    from tfreach.reports.github import _data, _property
    from tfreach.reports.markdown import md

    forms: list[Callable[[str], str]] = [
        lambda s: s,
        escape.line,
        escape.markdown_text,
        md,
        _data,
        _property,
        html.escape,
        lambda s: html.escape(s, quote=False),
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    ]
    return {form(secret) for form in forms}
