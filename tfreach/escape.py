"""Everything a plan says is data: this is the one place that makes it safe to print.

A plan's addresses, ids, tag values and file names end up in terminals, CI logs, pull request
comments and code-scanning alerts. Each output escapes them here, for where it is read:

- `line`: a terminal or a CI log line. Control characters (a terminal escape such as
  `\\x1b]0;title\\x07`, a line break that would start a new log line) become visible `\\xNN`, and a
  line that would begin with `::` (a GitHub runner reads `::error::`, `::add-mask::` there as a
  workflow command) is prefixed with a backslash. IPv6 `::` inside a line is left alone.
- `markdown_text`: a Markdown comment. As `line`, plus: no `@mention` pings anyone and no bare
  URL becomes a link (the Markdown formatter escapes Markdown syntax itself).
- `uri`: a SARIF artifact location, percent-encoded.
- `quoted`: a piece of the input shown in an error, at most `QUOTED` characters.
- `json_text`: serialized JSON (the JSON and SARIF reports) with no invisible or bidirectional
  character raw in it: each is written as its `\\uXXXX` escape, which decodes to the same text but
  cannot reorder what a reader of the file sees (a "Trojan Source" name, CVE-2021-42574).
"""

from __future__ import annotations

import re
from urllib.parse import quote

QUOTED = 200  # at most this much of an input is ever quoted in an error (a CI log may be public)

# Format characters that are invisible or reorder text: bidi controls and isolates, zero-width
# characters, the soft hyphen, the byte order mark and other fillers.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]"
)
_MENTION = re.compile(r"@(?=[A-Za-z0-9_-])")
_BARE_URL = re.compile(r"(?i)\b(https?|ftp)://|\bwww\.")


def line(text: str) -> str:
    """Safe on a terminal and in a CI log: one line, no escape sequence, no workflow command."""
    safe = text if text.isprintable() else _visible(text)
    return "\\" + safe if safe.lstrip().startswith("::") else safe


def lines(text: str) -> str:
    """As `line`, for our own multi-line text (a report, an explanation): line breaks are kept."""
    return "\n".join(line(part) for part in text.split("\n"))


def markdown_text(text: str) -> str:
    """As `line`, and no mention or autolink: `@team` and `https://x` stay inert text."""
    safe = line(text)
    safe = _MENTION.sub("@\u200b", safe)
    return _BARE_URL.sub(lambda m: m.group(0).replace(":", "\u200b:").replace("www.", "www\u200b."), safe)


def uri(path: str) -> str:
    """A relative file location as a SARIF artifact URI (RFC 3986)."""
    return quote(path, safe="/")


def quoted(text: str) -> str:
    """A piece of the input in an error message: short and printable."""
    shown = line(text)
    return shown if len(shown) <= QUOTED else shown[: QUOTED - 3] + "..."


def _visible(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in text)


def json_text(serialized: str) -> str:
    """JSON text whose invisible and bidirectional characters are escaped (the value is the same)."""
    if serialized.isascii():
        return serialized  # the usual case, and a fast one
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", serialized)
