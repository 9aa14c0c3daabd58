"""A check pays only for what it uses: heavy libraries load when their feature runs.

networkx (explain, graph), jsonschema (wording a schema error, reading .tfreach.yml),
python-hcl2 and lark (.tf sources), tqdm (a terminal) and process pools (--jobs) together
cost about 0.3 s per run, a quarter of a 5k-resource check.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import sample_plan

HEAVY = ("networkx", "jsonschema", "hcl2", "lark", "tqdm", "concurrent.futures.process")


def test_checking_a_plan_alone_imports_none_of_the_heavy_libraries(tmp_path):
    plan = tmp_path / "plan.json"
    plan.write_bytes(sample_plan("inspector-blog").read_bytes())
    script = (
        "import sys\n"
        "from tfreach.cli import main\n"
        f"try:\n    main(['check', {str(plan)!r}, '-o', {str(tmp_path / 'out.txt')!r}, '--fail-on', 'never'])\n"
        "except SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert (tmp_path / "out.txt").read_text().strip(), "the check ran and wrote its report"
    assert result.stdout.strip().splitlines()[-1] == "[]"
