"""Mutate real plans (and .tf sources) for a while and report every uncaught exception.

    python scripts/fuzz.py --seconds 600            # plans and sources, 10 minutes
    python scripts/fuzz.py --seconds 60 --seed 7 --only plans

Each round takes a real plan (sample_plans, the shared corpus), applies a few random
mutations - drop a key, change a value's type, shuffle or duplicate a list, cut a string -
and runs the whole pipeline on it with every report format, in process. For sources it
cuts and splices lines of the sample `.tf` files. An InputError is a correct answer to bad
input; anything else is a bug: its input is saved under --out with the traceback. Not run
by the tests (it is random and long); the note of the robustness issue says what it found.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tfreach.errors import InputError  # noqa: E402
from tfreach.findings.config import Config  # noqa: E402
from tfreach.findings.suppress import apply_suppressions  # noqa: E402
from tfreach.inputs.plan.load import _check_addresses, check_envelope  # noqa: E402
from tfreach.questions.check import Settings, check_document, check_sources  # noqa: E402
from tfreach.reports import ReportOptions, formatters  # noqa: E402

ODD_VALUES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    65536,
    1.5,
    "",
    "x",
    "-1",
    "0.0.0.0/0",
    "::/0",
    [],
    {},
    [None],
    {"a": 1},
]


def plans() -> list[Path]:
    found = sorted(ROOT.glob("sample_plans/*/plan.json"))
    corpus = ROOT.parent / "shared" / "corpus"
    found += sorted(corpus.glob("plans/*.json")) + sorted(corpus.glob("public/*.json"))
    return [p for p in found if p.stat().st_size < 3_000_000]


def nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every container in the document, with its path."""
    out = []
    if isinstance(value, dict | list):
        out.append((path, value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            out.extend(nodes(child, (*path, key)))
    return out


def mutate(document: Any, rng: random.Random) -> str:
    containers = nodes(document)
    _, target = rng.choice(containers)
    keys = list(target) if isinstance(target, dict) else list(range(len(target)))
    if not keys:
        return "empty container"
    key = rng.choice(keys)
    action = rng.choice(["drop", "retype", "shuffle", "duplicate", "cut", "odd"])
    if action == "drop":
        del target[key]
    elif action == "retype":
        value = target[key]
        target[key] = [value] if not isinstance(value, list) else (value[0] if value else None)
    elif action == "shuffle" and isinstance(target[key], list):
        rng.shuffle(target[key])
    elif action == "duplicate" and isinstance(target[key], list) and target[key]:
        target[key].append(json.loads(json.dumps(rng.choice(target[key]))))
    elif action == "cut" and isinstance(target[key], str):
        target[key] = target[key][: rng.randint(0, len(target[key]))]
    else:
        target[key] = copy.deepcopy(rng.choice(ODD_VALUES))  # never share one object: it could hold itself
    return action


def run_plan(document: Any) -> None:
    check_envelope("fuzz.json", document)
    _check_addresses("fuzz.json", document)
    result = check_document(document, "fuzz.json", Settings())
    apply_suppressions([result], Config(), None)
    options = ReportOptions(None, False, ())
    for render in formatters().values():
        render([result], options, io.StringIO())


def run_sources(text: str, rng: random.Random, work: Path) -> None:
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        choice = rng.random()
        if choice < 0.4:
            del lines[i]
        elif choice < 0.7:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
        else:
            cut = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:cut] + rng.choice(["", "}", "{", '"', "${", "[", "]", "=", "null", "-1"])
    shutil.rmtree(work / "src", ignore_errors=True)  # a new folder each round: sources are cached by folder
    folder = work / "src" / str(rng.random())
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text("\n".join(lines) + "\n")
    result = check_sources(folder, Settings())
    for render in formatters().values():
        render([result], ReportOptions(None, False, ()), io.StringIO())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--only", choices=["plans", "sources"])
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    inputs = [json.loads(p.read_text()) for p in plans()]
    sources = [p.read_text() for p in sorted(ROOT.glob("sample_plans/*/main.tf"))]
    tried, outcomes, failures = 0, Counter[str](), Counter[str]()
    deadline = time.monotonic() + args.seconds
    with tempfile.TemporaryDirectory() as work:
        while time.monotonic() < deadline:
            tried += 1
            kind = args.only or rng.choice(["plans", "plans", "plans", "sources"])
            if kind == "plans":
                document = copy.deepcopy(rng.choice(inputs))
                for _ in range(rng.randint(1, 6)):
                    mutate(document, rng)
            try:
                if kind == "plans":
                    run_plan(document)
                else:
                    run_sources(rng.choice(sources), rng, Path(work))
                outcomes[f"{kind}: answered"] += 1
            except InputError:
                outcomes[f"{kind}: input error"] += 1
            except Exception as error:
                where = traceback.extract_tb(error.__traceback__)[-1]
                signature = f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
                failures[signature] += 1
                outcomes[f"{kind}: CRASH"] += 1
                if failures[signature] == 1:
                    args.out.mkdir(exist_ok=True)
                    name = args.out / f"{len(failures):03d}-{kind}"
                    saved = document if kind == "plans" else next((Path(work) / "src").glob("*/main.tf")).read_text()
                    name.with_suffix(".json" if kind == "plans" else ".tf").write_text(
                        json.dumps(saved) if kind == "plans" else saved
                    )
                    name.with_suffix(".txt").write_text(traceback.format_exc())
    print(f"seed {args.seed}: {tried} inputs in {args.seconds:.0f} s")
    for outcome, count in sorted(outcomes.items()):
        print(f"  {outcome}: {count}")
    for signature, count in failures.most_common():
        print(f"  crash x{count}: {signature}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
