from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

# Hundreds of tests run `python -m tfreach` in a process of its own. Where PYTHONDONTWRITEBYTECODE
# is set (CI images often set it), each of them compiled every module again (0.2 s a run): the
# children keep their byte code in a cache of their own, outside the repository, as an installed
# package would.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "tfreach-tests-pycache"))

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
