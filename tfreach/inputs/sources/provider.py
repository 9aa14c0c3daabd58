"""What the AWS provider computes: attributes that are "known after apply" when left unset.

The table is generated from the provider's schema by scripts/provider_schema.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path


@cache
def _computed() -> dict[str, frozenset[str]]:
    table = json.loads((Path(__file__).parent / "provider_schema.json").read_text(encoding="utf-8"))
    return {rtype: frozenset(names) for rtype, names in table["computed"].items()}


# Defaults the provider plans for unset attributes that decide exposure; `terraform providers
# schema -json` does not carry defaults, so they are listed here, each seen in a real plan
# (sample_plans/managed-databases plans `aws_redshift_cluster.lake` without the attribute).
EXPOSING_DEFAULTS: dict[str, dict[str, object]] = {
    "aws_redshift_cluster": {"publicly_accessible": True},
}


def defaults_of(rtype: str) -> dict[str, object]:
    return EXPOSING_DEFAULTS.get(rtype, {})


def computed_attributes(rtype: str) -> frozenset[str]:
    """Attributes of `rtype` the provider computes; for a type it does not know, every one may be."""
    return _computed().get(rtype, _EVERYTHING)


class _Everything(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


_EVERYTHING = _Everything()
