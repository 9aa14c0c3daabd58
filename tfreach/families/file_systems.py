"""Shared file systems: EFS mount targets and FSx file systems, reached on their file protocols.

Neither gets a public address; the ports are those AWS documents as needed by clients.
"""

from __future__ import annotations

from tfreach.families import parses
from tfreach.families.context import ParseContext
from tfreach.families.managed import in_subnets, managed_endpoint
from tfreach.inputs.plan.instances import ResourceInstance
from tfreach.model.network import ServicePorts

_NFS = ServicePorts.tcp(2049)
# FSx file system type -> (protocol, first port, last port) its clients use, from the FSx guides'
# "file system access control with Amazon VPC" pages.
_FSX_PORTS = {
    "aws_fsx_lustre_file_system": ((6, 988, 988), (6, 1018, 1023)),
    "aws_fsx_windows_file_system": ((6, 445, 445), (6, 5985, 5985)),
    "aws_fsx_ontap_file_system": (
        (6, 111, 111),
        (6, 135, 135),
        (6, 139, 139),
        (6, 443, 443),
        (6, 445, 445),
        (6, 635, 635),
        (6, 2049, 2049),
        (6, 3260, 3260),
        (6, 4045, 4046),
        (17, 111, 111),
        (17, 2049, 2049),
    ),
    "aws_fsx_openzfs_file_system": ((6, 111, 111), (6, 2049, 2049), (6, 20001, 20003), (17, 111, 111)),
}


@parses("aws_efs_mount_target", phase=1)
def parse_efs_mount_target(r: ResourceInstance, ctx: ParseContext) -> None:
    """NFS (TCP 2049) in its one subnet; without groups, the VPC's default group."""
    managed_endpoint(ctx, r, in_subnets(ctx, r, "subnet_id"), "security_groups", _NFS)


@parses(*sorted(_FSX_PORTS), phase=1)
def parse_fsx_file_system(r: ResourceInstance, ctx: ParseContext) -> None:
    spans = _FSX_PORTS[r.type]
    shown = ", ".join(f"{'tcp' if p == 6 else 'udp'}/{lo}" + (f"-{hi}" if hi != lo else "") for p, lo, hi in spans)
    service = ServicePorts(spans, f"accepts only {shown}")
    managed_endpoint(ctx, r, in_subnets(ctx, r, "subnet_ids"), "security_group_ids", service)


# Where AWS documents what each type does to the network (docs/modelled.md lists them all).
AWS_DOCS = {
    "aws_efs_mount_target": "https://docs.aws.amazon.com/efs/latest/ug/network-access.html",
    "aws_fsx_lustre_file_system": "https://docs.aws.amazon.com/fsx/latest/LustreGuide/limit-access-security-groups.html",
    "aws_fsx_windows_file_system": "https://docs.aws.amazon.com/fsx/latest/WindowsGuide/limit-access-security-groups.html",
    "aws_fsx_ontap_file_system": "https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/limit-access-security-groups.html",
    "aws_fsx_openzfs_file_system": "https://docs.aws.amazon.com/fsx/latest/OpenZFSGuide/limit-access-security-groups.html",
}
