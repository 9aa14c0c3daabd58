"""A change detector, not proof: tfreach's own answers, recorded by tfreach (tests/golden/exposures.py).

A refactoring (how findings are computed, grouped or reported) must not change them; a change that
means to change an answer rewrites the file and says in its commit which answers and by which AWS
rule. Whether an answer is right is decided elsewhere, by answers written from the AWS docs before
the code ran: every sample's expected.json (test_sample_plans.py) and the corpus README's
expected.json (test_corpus.py).
"""

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
