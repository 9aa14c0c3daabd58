"""How findings are computed, grouped or reported never changes an answer (tests/golden/exposures.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, REPO

sys.path.insert(0, str(REPO / "tests" / "golden"))
import exposures

GOLDEN = json.loads((REPO / "tests" / "golden" / "exposures.json").read_text())


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_answer_is_unchanged(name):
    plan = name.removesuffix(" (alone)")
    if plan.startswith("corpus/") and not CORPUS.exists():
        pytest.skip(f"the shared corpus is not available at {CORPUS}")
    path: Path = exposures.plans()[plan]
    assert exposures.answers(path, alone=name.endswith("(alone)")) == GOLDEN[name]
