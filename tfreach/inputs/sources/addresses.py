"""The addresses and ids sources mode gives resource instances, as Terraform writes them."""

from __future__ import annotations

import json

from tfreach.inputs.plan.references import STAND_IN_PREFIX


def stand_in_id(address: str) -> str:
    """The id (and ARN) a planned resource gets here: unique, stable, and clearly not AWS's."""
    return f"{STAND_IN_PREFIX}{address}"


def key_text(key: int | str | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    # Terraform quotes a key as HCL does: JSON's escapes, and \\uXXXX for any character that does
    # not print (a bidirectional control, a zero-width space), as its addresses show.
    quoted = json.dumps(key, ensure_ascii=False)
    return f"[{quoted if quoted.isprintable() else ''.join(map(_printable, quoted))}]"


def _printable(character: str) -> str:
    if character.isprintable():
        return character
    code = ord(character)
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
