"""Make a real Terraform plan JSON of about N resources for benchmarks.

    python benchmarks/generate.py --size 1000 -o plan-1000.json    # plans benchmarks/config offline
    python benchmarks/generate.py --shared 20000 -o plan-20000.json  # the shared real plan, unzipped

`benchmarks/config` is a parametrised AWS network (several VPCs, public and private subnets per
AZ, route tables and associations, NACLs with a dozen rules, security groups with inline and
separate rules and SG-to-SG references, instances via count, an ALB with listeners, a target
group and attachments, a classic ELB, an NLB in front of an auto scaling group, a VPN gateway
and a peering chain). Every plan is terraform's own output (`terraform plan -refresh=false`, then
`terraform show -json`), so its shape is real; nothing is synthesised. Terraform's planning
time grows quickly (7 s at 1k resources, 15 min at 20k here): for large sizes use `--shared`,
the plans ../shared/bench made from this same configuration.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


@dataclass(frozen=True)
class Knobs:
    vpc_count: int
    azs: int = 3
    subnets_per_az: int = 2
    instances_per_subnet: int = 6
    app_sgs_per_vpc: int = 6
    rules_per_app_sg: int = 6
    nlb_and_asg: bool = False

    def resources(self) -> int:
        """The configuration's resource count (its header comment gives the formula)."""
        subnets = 2 * self.azs * self.subnets_per_az
        per_vpc = (
            54
            + 3 * subnets
            + self.app_sgs_per_vpc * (self.rules_per_app_sg + 2)
            + 1.5 * self.instances_per_subnet * subnets
        )
        return int(self.vpc_count * (per_vpc + 5 * self.nlb_and_asg) + 3 * (self.vpc_count - 1))


# The knobs of the shared real plans (../shared/bench/README.md), made without the NLB and ASG.
PRESETS = {
    1000: Knobs(4, 3, 2, 6, 6, 6),
    5000: Knobs(10, 3, 3, 10, 12, 8),
    20000: Knobs(20, 3, 4, 18, 20, 9),
}


def knobs_for(size: int, nlb_and_asg: bool = True) -> Knobs:
    """The 1k shape with as many VPCs as it takes (and an NLB in front of an ASG in each)."""
    per_vpc = Knobs(1, nlb_and_asg=nlb_and_asg).resources() + 3
    return Knobs(max(1, round((size + 3) / per_vpc)), nlb_and_asg=nlb_and_asg)


def plan(size: int, out: Path) -> None:
    tfplan = Path(os.environ.get("TFPLAN", SHARED / "tools" / "tfplan"))
    with tempfile.TemporaryDirectory(prefix="tfreach-bench-") as work:
        shutil.copytree(HERE / "config", work, dirs_exist_ok=True)
        values = asdict(knobs_for(size))
        Path(work, "terraform.tfvars").write_text("".join(f"{k} = {_hcl(v)}\n" for k, v in values.items()))
        subprocess.run([str(tfplan), work, str(out.resolve())], check=True, stdout=subprocess.DEVNULL)


def _hcl(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def from_shared(size: int, out: Path) -> None:
    source = SHARED / "bench" / f"plan-{size}.json.gz"
    if not source.is_file():
        sys.exit(f"{source}: not found (the shared plans are 1000, 5000 and 20000)")
    with gzip.open(source, "rb") as packed, open(out, "wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--size", type=int, help="plan benchmarks/config with terraform at about this many resources")
    group.add_argument("--shared", type=int, help="unzip the shared real plan of this size")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    if args.shared:
        from_shared(args.shared, args.output)
    else:
        knobs = knobs_for(args.size)
        print(f"planning {knobs} (~{knobs.resources()} resources)", file=sys.stderr)
        plan(args.size, args.output)
    print(args.output)


if __name__ == "__main__":
    main()
