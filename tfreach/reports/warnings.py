"""Warnings as a reviewer reads them: one line per cause, with a count and the first few places.

A large plan read alone can carry thousands of notices of a handful of kinds (every instance
placed with `count.index`, say). Each kind is one line: "42 × <cause> — a, b, c (+39 more)";
a notice without a shared cause is its own line. Every line is cut to a readable length; the
JSON report keeps every notice (with its cause) for tools.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreach.model.network import Notice

MAX_LINE = 300  # characters: a warning is one readable line, never a paragraph
SHOWN = 3  # places named per grouped line


@dataclass
class WarningGroup:
    cause: str | None
    notices: list[Notice]

    def line(self) -> str:
        if len(self.notices) == 1 or self.cause is None:
            return shorten(self.notices[0].text())
        places = list(dict.fromkeys(_place(n) for n in self.notices))
        head = f"{len(self.notices)} × {self.cause} — "
        shown: list[str] = []
        for place in places[:SHOWN]:
            if len(head) + len(", ".join([*shown, place])) > MAX_LINE - 16:
                break
            shown.append(place)
        rest = len(places) - len(shown)
        return shorten(head + ", ".join(shown) + (f" (+{rest} more)" if rest else ""))


def grouped(notices: list[Notice]) -> list[WarningGroup]:
    """Notices of one cause together, in the order their causes first appear."""
    groups: dict[str, WarningGroup] = {}
    for notice in notices:
        key = notice.cause or f"\0{notice.text()}"
        groups.setdefault(key, WarningGroup(notice.cause, [])).notices.append(notice)
    return list(groups.values())


def warning_lines(notices: list[Notice]) -> list[str]:
    return [group.line() for group in grouped(notices)]


def shorten(text: str, limit: int = MAX_LINE) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _place(notice: Notice) -> str:
    return notice.resource + (f".{notice.attribute}" if notice.attribute else "")
