from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_plans"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
# Tests of the shared corpus run where ../shared exists (CI); a clone of the repository skips them.
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"the shared corpus is not available at {CORPUS}")


def sample_plan(name: str) -> Path:
    return SAMPLES / name / "plan.json"


def corpus_plan(name: str) -> Path:
    path = CORPUS / "plans" / f"{name}.json"
    if not path.exists():
        pytest.skip(f"the shared corpus is not available at {CORPUS}")
    return path


def load_json(path: Path) -> Any:
    return json.loads(path.read_text())
