"""From the internet, through an internet gateway attached to the VPC.

An internet gateway delivers to an instance's public address only (IPv4 public IP or Elastic IP,
or an IPv6 address), and the subnet's route table must send the replies back to it.
https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
"""

from __future__ import annotations

from tfreach.aws.entries import WayIn, way_in
from tfreach.aws.view import NetworkView
from tfreach.engine.hop import Decision
from tfreach.model.network import Target
from tfreach.model.packets import EVERYTHING


@way_in("internet")
def internet_gateways(view: NetworkView) -> list[WayIn]:
    out = []
    for gateway in view.network.gateways.values():
        if gateway.kind is not Target.INTERNET_GATEWAY:
            continue
        attached = (
            f"{gateway.id} attached to {gateway.vpc}" if gateway.vpc else f"{gateway.id} (VPC attachment unknown)"
        )
        decision = Decision(EVERYTHING, attached, True, gateway.id, gateway.resource_type)
        key = ("gateway", gateway.id)
        out.append(
            WayIn(
                key,
                gateway.id,
                gateway.resource_type,
                "internet gateway",
                (decision,),
                frozenset({gateway.id}),
                gateway.vpc,
                True,
            )
        )
    return out
