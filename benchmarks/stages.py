"""Where `tfreach check` spends its time on one plan: cProfile, summed by pipeline stage.

    python benchmarks/stages.py /tmp/plan-5000.json
    python benchmarks/stages.py plan.json --top 30      # also the 30 costliest functions
    python benchmarks/stages.py plan.json --config benchmarks/intents.yml   # with 20 intents
    python benchmarks/stages.py plan.json --format table   # another report (default: json)

Runs the command in process (the console script ends with os._exit, which a profiler
wrapped around it would never see finish) with the cycle collector off, as the command
runs. Profiling roughly doubles every figure; the shares are what matter.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tfreach.cli import main

# (stage, module, function): the outermost call of each stage of the pipeline.
STAGES = [
    ("read and check the JSON", "inputs/plan/load.py", "load_plan"),
    ("build the model (after)", "families/__init__.py", "planned_network"),
    ("  of which: resolve unknown links", "inputs/plan/resolve.py", "link"),
    ("  of which: evaluate the sources beside it", "questions/check.py", "by_address"),
    ("build the model (before)", "families/__init__.py", "prior_network"),
    ("graph: routes, ACLs, groups, forwards", "engine/build.py", "build"),
    ("reachable packet sets", "engine/trace.py", "from_outside"),
    ("findings and their evidence", "findings/findings.py", "endpoint_findings"),
    ("closed findings", "findings/findings.py", "closed_findings"),
    ("segmentation intents (--config)", "questions/intents.py", "check_intents"),
    ("suppressions", "findings/suppress.py", "apply_suppressions"),
    ("report (table)", "reports/table.py", "render_table"),
    ("report (json)", "reports/json_report.py", "render_json"),
]


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plan")
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--config", help="a .tfreach.yml, e.g. benchmarks/intents.yml to time the intents")
    parser.add_argument("--format", default="json", help="the report to write (to /dev/null)")
    args = parser.parse_args()
    gc.disable()
    profile = cProfile.Profile()
    try:
        config = ["--config", args.config] if args.config else []
        command = ["check", args.plan, *config, "--format", args.format, "-o", os.devnull]
        profile.runcall(main, command, standalone_mode=False)
    except SystemExit as done:
        if done.code not in (0, 1):
            sys.exit(f"tfreach check {args.plan}: exit code {done.code}")
    stats = pstats.Stats(profile)
    whole = max(entry[3] for entry in stats.stats.values())  # type: ignore[attr-defined]
    print(f"{'stage':42s} {'seconds':>8s} {'share':>6s}")
    for stage, module, function in STAGES:
        seconds = sum(
            entry[3]
            for (filename, _, name), entry in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and filename.endswith(f"tfreach/{module}")
        )
        if seconds:
            print(f"{stage:42s} {seconds:8.2f} {100 * seconds / whole:5.0f}%")
    print(f"{'whole command (profiled)':42s} {whole:8.2f}")
    if args.top:
        stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main_()
