"""Time `tfreach check --format json --group` on real plans of 1k, 5k and 20k resources, beside json.load and checkov.

    python benchmarks/run.py                       # the shared plans, 3 runs each, alone and beside
    python benchmarks/run.py --sizes 1000 --runs 5
    python benchmarks/run.py --plan my-plan.json   # any plan (read alone)

Every figure is the median of the runs, measured in a fresh process: wall time, and peak
resident memory from the kernel's accounting of that child (`wait4`). The children run from
byte-compiled modules, as an installed package does (a cache of their own, filled by a first run
that is not counted), even where PYTHONDONTWRITEBYTECODE is set. A shared plan is timed
twice: read alone (a folder of its own), and beside the configuration that made it (the shared
main.tf and modules copied next to it, so the links are exact). checkov is timed where it is
installed (`checkov -f plan.json --framework terraform_plan`). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SHARED, from_shared  # noqa: E402

LOAD = "import json, sys, time; t = time.perf_counter(); json.load(open(sys.argv[1])); print(time.perf_counter() - t)"


BYTECODE = tempfile.mkdtemp(prefix="tfreach-bench-pyc-")
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"PYTHONPYCACHEPREFIX": BYTECODE}


def measure(command: list[str], runs: int, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, str]:
    """(median wall seconds, median peak RSS in MB, stdout of the last run); a failed run stops all."""
    walls, peaks, out = [], [], ""
    for _ in range(runs):
        with tempfile.TemporaryFile() as stdout:
            start = time.perf_counter()
            child = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL, cwd=HERE, env=CHILD_ENV)
            _, status, usage = os.wait4(child.pid, 0)
            walls.append(time.perf_counter() - start)
            code = os.waitstatus_to_exitcode(status)
            if code not in ok:
                sys.exit(f"{' '.join(command)}: exit code {code}")
            peaks.append(usage.ru_maxrss / 1024)
            stdout.seek(0)
            out = stdout.read().decode()
    return statistics.median(walls), statistics.median(peaks), out


def json_load_seconds(plan: Path, runs: int) -> float:
    return statistics.median(float(measure([sys.executable, "-c", LOAD, str(plan)], 1)[2]) for _ in range(runs))


def row(plan: Path, runs: int, tools: set[str], beside: Path | None = None) -> dict[str, object]:
    document = json.loads(plan.read_text())
    out: dict[str, object] = {
        "plan": plan.name,
        "resources": len(document.get("resource_changes") or []),
        "MB": round(plan.stat().st_size / 1e6, 1),
        "json_load_s": round(json_load_seconds(plan, runs), 3),
        "tfreach_s": None,
        "tfreach_MB": None,
        "report_MB": None,
        "beside_s": None,
        "beside_MB": None,
        "checkov_s": None,
        "checkov_MB": None,
    }
    if "tfreach" in tools:
        wall, peak, report = tfreach(plan, runs)
        out.update(tfreach_s=round(wall, 2), tfreach_MB=round(peak), report_MB=round(report / 1e6, 1))
        if beside is not None:
            wall, peak, _ = tfreach(beside, runs)
            out.update(beside_s=round(wall, 2), beside_MB=round(peak))
    if "checkov" in tools and shutil.which("checkov"):
        checkov = ["checkov", "-f", str(plan), "--framework", "terraform_plan", "--quiet", "--compact"]
        seconds, megabytes, _ = measure(checkov, runs)
        out.update(checkov_s=round(seconds, 1), checkov_MB=round(megabytes))
    return out


def tfreach(plan: Path, runs: int) -> tuple[float, float, int]:
    """(wall s, peak MB, bytes of the JSON report) of `tfreach check PLAN --format json --group`."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        command = [sys.executable, "-m", "tfreach", "check", str(plan), "--format", "json", "--group"]
        command += ["-o", str(report)]
        measure([*command, "--fail-on", "never"], 1)  # fills the byte-code cache; not counted
        wall, peak, _ = measure([*command, "--fail-on", "never"], runs)
        return wall, peak, report.stat().st_size


def beside_its_sources(plan: Path, folder: Path) -> Path:
    """The plan in a copy of the configuration that made it (the shared bench main.tf and modules)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHARED / "bench" / "main.tf", folder / "main.tf")
    shutil.copytree(SHARED / "bench" / "modules", folder / "modules", dirs_exist_ok=True)
    shutil.copy(plan, folder / "plan.json")
    return folder / "plan.json"


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| plan | resources | JSON MB | json.load s | alone s | alone peak MB | alone / json.load | report MB "
        "| beside s | beside peak MB | checkov s |",
        "|" + "---|" * 11,
    ]
    for r in rows:
        ratio = f"{float(r['tfreach_s']) / float(r['json_load_s']):.1f}x" if r["tfreach_s"] else "-"  # type: ignore[arg-type]
        checkov = "not run" if r["checkov_s"] is None else f"{r['checkov_s']} ({r['checkov_MB']} MB)"
        lines.append(
            f"| {r['plan']} | {r['resources']:,} | {r['MB']} | {r['json_load_s']} | {r['tfreach_s'] or '-'} | "
            f"{r['tfreach_MB'] or '-'} | {ratio} | {r['report_MB'] or '-'} | {r['beside_s'] or '-'} | "
            f"{r['beside_MB'] or '-'} | {checkov} |"
        )
    timed = {r["plan"]: float(str(r["tfreach_s"])) for r in rows if r["tfreach_s"]}
    if "plan-5000.json" in timed and "plan-20000.json" in timed:
        lines.append(f"\nt(20k) / t(5k) = {timed['plan-20000.json'] / timed['plan-5000.json']:.1f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 5000, 20000], help="shared plans to time")
    parser.add_argument("--plan", type=Path, action="append", default=[], help="time this plan file instead")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--tools", default="tfreach,checkov", help="what to time beside json.load (comma-separated)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="tfreach-bench-") as work:
        plans: list[tuple[Path, Path | None]] = [(plan, None) for plan in args.plan]
        if not plans:
            for size in args.sizes:
                alone = Path(work, f"plan-{size}.json")
                from_shared(size, alone)
                plans.append((alone, beside_its_sources(alone, Path(work, f"beside-{size}"))))
        for plan, beside in plans:
            rows.append(row(plan, args.runs, set(args.tools.split(",")), beside))
            print(f"{plan.name}: {rows[-1]}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
