"""The answers tfreach gives on every sample plan and corpus plan, as packet sets.

    python tests/golden/exposures.py            # rewrite tests/golden/exposures.json

What each endpoint is reachable by (per source kind, load balancer in front and status), as
canonical boxes: a change to how findings are cut, grouped or reported must not change these
(tests/e2e/test_golden.py). It is a change detector, written by tfreach itself, never the proof
that an answer is right (the samples' expected.json and the corpus answers are). Rewrite the file
only for a change that is meant to change answers, where ../shared exists (the corpus plans are in
it), and say which answers changed and why in the commit.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from e2e.helpers import finding_packets  # noqa: E402

from tfreach.model.packets import PacketSet, cidrs_of  # noqa: E402

GOLDEN = HERE / "exposures.json"
CORPUS = REPO.parent / "shared" / "corpus"


def plans() -> dict[str, Path]:
    """name -> plan: the sample plans (beside their sources) and the shared corpus when present."""
    found = {f"sample/{p.parent.name}": p for p in sorted((REPO / "sample_plans").glob("*/plan.json"))}
    found |= {f"corpus/{p.stem}": p for p in sorted((CORPUS / "plans").glob("*.json"))}
    found |= {f"corpus/{p.stem}": p for p in sorted((CORPUS / "public").glob("*.json"))}
    return found


def answers(plan: Path, alone: bool = False) -> dict[str, list[list[Any]]]:
    if alone:
        folder = Path(tempfile.mkdtemp())
        shutil.copy(plan, folder / "plan.json")
        plan = folder / "plan.json"
    result = subprocess.run(
        [sys.executable, "-m", "tfreach", "check", str(plan), "--format", "json", "--expand", "--fail-on", "never"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if result.returncode != 0:
        raise SystemExit(f"{plan}: {result.stderr}")
    report = json.loads(result.stdout)
    merged: dict[str, PacketSet] = {}
    for finding in [*report["findings"], *report["closed"]]:
        if finding["type"] == "NetworkExposure":
            continue
        key = " | ".join([finding["resource"], finding["source"]["kind"], finding["via"] or "-", finding["status"]])
        merged[key] = merged.get(key, PacketSet()) | finding_packets(finding)
    return {key: boxes(packets) for key, packets in sorted(merged.items())}


def boxes(packets: PacketSet) -> list[list[Any]]:
    return [[*protocols, *ports, cidrs_of(addrs)] for protocols, ports, addrs in packets.boxes()]


def all_answers(names: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, plan in plans().items():
        if names is not None and name not in names:
            continue
        out[name] = answers(plan)
        if name.startswith("sample/"):
            out[name + " (alone)"] = answers(plan, alone=True)
    return out


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(all_answers(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
