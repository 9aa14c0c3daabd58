"""Managed prefix lists and their entries (inline `entry` blocks or separate entry resources).

Security group rules and routes may name a list instead of CIDRs. The entries are what they
match; a list whose entries are known only after apply, or one this plan does not manage, may
hold any address (parsers/unknowns.py).
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import PREFIX_LIST, ParseContext, PrefixList
from tfreach.families.unknowns import readable_cidrs
from tfreach.inputs.plan.instances import ResourceInstance


@parses("aws_ec2_managed_prefix_list")
def parse_prefix_list(r: ResourceInstance, ctx: ParseContext) -> None:
    prefix_list = ctx.prefix_lists.setdefault(r.address, PrefixList())
    if r.is_unknown("entry"):
        prefix_list.complete = not ctx.configured(r, "entry")
        return
    entries = [e for e in r.get("entry") or [] if isinstance(e, dict)]
    flags = r.unknown.get("entry")
    if isinstance(flags, list) and any(isinstance(f, dict) and f.get("cidr") is True for f in flags):
        prefix_list.complete = False
    cidrs, _ = readable_cidrs(ctx, r.address, [e.get("cidr") for e in entries if e.get("cidr")])
    prefix_list.cidrs += cidrs


@parses("aws_ec2_managed_prefix_list_entry")
def parse_prefix_list_entry(r: ResourceInstance, ctx: ParseContext) -> None:
    """An entry may belong to each candidate list; an entry whose CIDR is unknown makes its list unknown."""
    for address in ctx.candidates(r, "prefix_list_id", PREFIX_LIST):
        prefix_list = ctx.prefix_lists.setdefault(address, PrefixList())
        if r.get("cidr"):
            prefix_list.cidrs += readable_cidrs(ctx, r.address, [r.get("cidr")])[0]
        elif r.is_unknown("cidr"):
            prefix_list.complete = False


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_ec2_managed_prefix_list": "https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html",
    "aws_ec2_managed_prefix_list_entry": "https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html",
}
