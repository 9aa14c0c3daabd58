"""What tfreach spends on one input: the limits that make hostile input cheap to refuse.

tfreach runs on pull requests from people outside the team, so a `.tf` folder or a plan may be
built to hang the check or exhaust the runner's memory. Every limit is here, in one table, and
every reader of input enforces it through this module:

| limit                    | value          | exceeded                                             |
|--------------------------|----------------|------------------------------------------------------|
| `.tf` file               | 512 KiB        | input error (exit 2)                                 |
| `.tf` files in all       | 4 MiB          | input error                                          |
| file() / templatefile()  | 1 MiB          | input error                                          |
| nesting of a .tf file    | 100 levels     | input error naming file and line (real files: < 30)  |
| one value                | 1,000,000 units| the value is unknown (fail closed), with a warning   |
| one string               | 1 MiB          | the value is unknown, with a warning                 |
| one number               | 512 bits       | the value is unknown, with a warning                 |
| one expression           | 250,000 steps  | the value is unknown, with a warning                 |
| evaluation in all        | 50,000,000 steps, 20,000,000 units, 60 s | input error                |
| plan file                | 512 MiB        | input error                                          |
| plan resources           | 200,000        | input error                                          |
| plan JSON containers     | 10,000,000     | input error                                          |

A value's units count what walking it costs: 1 per number, bool, null or collection, 1 per 64
characters of a string, and a collection adds its elements' units (a list holding the same big
list a thousand times weighs a thousand of them: that is what printing or comparing it costs).
Numbers are kept as Terraform keeps them, to 512 bits of precision; a whole number longer than
that is refused rather than rounded, because no network value needs one.
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from typing import Any

from tfreach.errors import InputError


@dataclass(frozen=True)
class Limits:
    source_file_bytes: int = 512 << 10
    source_total_bytes: int = 4 << 20
    data_file_bytes: int = 1 << 20
    nesting: int = 100  # levels of a .tf file's parse tree
    value_units: int = 1_000_000
    string_chars: int = 1 << 20
    number_bits: int = 512
    expression_steps: int = 250_000
    total_steps: int = 50_000_000
    total_units: int = 20_000_000
    seconds: float = 60.0
    plan_bytes: int = 512 << 20
    plan_resources: int = 200_000
    plan_containers: int = 10_000_000


LIMITS = Limits()


class TooLarge(ValueError):
    """One value over its limit: the evaluator makes it unknown (the more exposed reading)."""


class Meter:
    """What one evaluation (a configuration's sources) has spent so far, against `limits`.

    `what` names the input in the error that ends the run (its folder).
    """

    _CHECK_TIME_EVERY = 4096

    def __init__(self, what: str, limits: Limits = LIMITS) -> None:
        self.what = what
        self.limits = limits
        self.steps = 0
        self.units = 0
        self.source_bytes = 0
        self._expression_start = 0
        self._seconds = 0.0  # spent in finished outermost evaluations
        self._entered: float | None = None
        self._weights: dict[int, tuple[Any, int]] = {}  # id -> (the collection, kept alive; its units)
        self.next_check = 0
        self._plan_check()

    # --- time and steps ----------------------------------------------------------------------

    def enter(self) -> tuple[int, contextvars.Token[Meter | None], bool]:
        """An expression's evaluation begins: its own steps are limited, those of the expressions
        it reads (a local, a variable) count for them, not for it; time counts while evaluating."""
        saved = (self._expression_start, _ACTIVE.set(self), self._entered is None)
        if saved[2]:
            self._entered = time.monotonic()
        self._expression_start = self.steps
        self._plan_check()
        return saved

    def leave(self, saved: tuple[int, contextvars.Token[Meter | None], bool]) -> None:
        outer_start, token, outermost = saved
        self._expression_start = outer_start + (self.steps - self._expression_start)
        if outermost and self._entered is not None:
            self._seconds += time.monotonic() - self._entered
            self._entered = None
        _ACTIVE.reset(token)
        self._plan_check()

    def step(self) -> None:
        """One evaluation step (the evaluator inlines it: `steps += 1` and this comparison)."""
        self.steps += 1
        if self.steps >= self.next_check:
            self.check()

    def check(self) -> None:
        if self.steps - self._expression_start > self.limits.expression_steps:
            raise TooLarge(f"an expression needs more than {self.limits.expression_steps:,} evaluation steps")
        if self.steps > self.limits.total_steps:
            self._exhausted(f"more than {self.limits.total_steps:,} evaluation steps")
        seconds = self._seconds + (time.monotonic() - self._entered if self._entered is not None else 0.0)
        if seconds > self.limits.seconds:
            self._exhausted(f"more than {self.limits.seconds:.0f} s of evaluation")
        self._plan_check()

    def _plan_check(self) -> None:
        """The step at which to look again: the expression's limit, or the next time check."""
        every = self._CHECK_TIME_EVERY
        self.next_check = min(
            self._expression_start + self.limits.expression_steps + 1, (self.steps // every + 1) * every
        )

    def _exhausted(self, what: str) -> None:
        raise InputError(self.what, f"the configuration needs {what}: over tfreach's budget (docs/sources-mode.md)")

    # --- input -------------------------------------------------------------------------------

    def read_source(self, where: str, size: int) -> None:
        """`size` more bytes of .tf files (checked before they are parsed)."""
        self.source_bytes += size
        if self.source_bytes > self.limits.source_total_bytes:
            raise InputError(
                where, f"the configuration's .tf files exceed {self.limits.source_total_bytes >> 20} MiB in all"
            )

    # --- values ------------------------------------------------------------------------------

    def value(self, value: Any) -> Any:
        """`value`, once it is known to be within the limits for one value."""
        units = self.weigh(value)
        if units > self.limits.value_units:
            raise TooLarge(f"a value of more than {self.limits.value_units:,} units")
        return value

    def weigh(self, value: Any) -> int:
        """A value's units; a collection's are computed once and remembered."""
        kind = type(value)
        if kind is bool or value is None:
            return 1
        if kind is str:
            if len(value) > self.limits.string_chars:
                raise TooLarge(f"a string longer than {self.limits.string_chars:,} characters")
            return 1 + len(value) // 64
        if kind is int:
            if value.bit_length() > self.limits.number_bits:
                raise TooLarge(f"a number beyond {self.limits.number_bits} bits of precision")
            return 1
        if kind is float:
            if value != value or value in (_INFINITY, -_INFINITY):
                raise TooLarge("a number beyond the range of numbers")
            return 1
        if isinstance(value, list | tuple | dict):
            return self._weigh_collection(value)
        return 1

    def _weigh_collection(self, value: list[Any] | tuple[Any, ...] | dict[str, Any]) -> int:
        known = self._weights.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        items = value.values() if isinstance(value, dict) else value
        units = 1 + len(value) + sum(self.weigh(item) - 1 for item in items if not isinstance(item, bool | int))
        self._weights[id(value)] = (value, units)
        self.units += len(value) + 1
        if self.units > self.limits.total_units:
            self._exhausted(f"more than {self.limits.total_units:,} units of values")
        return units

    def string_of(self, size: int) -> None:
        """A string of `size` characters is about to be built: refuse it before, not after."""
        if size > self.limits.string_chars:
            raise TooLarge(f"a string longer than {self.limits.string_chars:,} characters")

    def elements_of(self, count: int) -> None:
        """A collection of `count` elements is about to be built."""
        if count > self.limits.value_units:
            raise TooLarge(f"a collection of more than {self.limits.value_units:,} elements")


_INFINITY = float("inf")
_ACTIVE: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("tfreach_meter", default=None)


def current() -> Meter:
    """The meter of the evaluation under way; a fresh one for a lone constant (a .tfvars file)."""
    return _ACTIVE.get() or Meter("the input")


def expression_depth(node: Any) -> int:
    """How deeply a parse tree nests (iteratively: the tree may be deeper than Python's stack)."""
    deepest, pending = 0, [(node, 1)]
    while pending:
        tree, depth = pending.pop()
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in getattr(tree, "children", ()) if hasattr(child, "children"))
    return deepest
