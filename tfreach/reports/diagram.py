"""`tfreach graph`: the network as Mermaid or Graphviz DOT, exposed paths highlighted.

Sources, gateways, subnets (grouped by VPC), load balancers and endpoints; an edge is drawn
bold red when traffic from a source really crosses it, thin and dashed when the rules stop
everything on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from networkx import DiGraph

from tfreach.engine.graph import Forward, Node
from tfreach.model.network import Network
from tfreach.model.packets import PORTS, PROTOCOLS, PacketSet
from tfreach.reports import printable
from tfreach.reports.markdown import mermaid_label


@dataclass
class Diagram:
    nodes: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)  # id -> (label, kind, vpc)
    edges: dict[tuple[str, str], bool] = field(default_factory=dict)  # (from, to) -> exposed


def diagram(network: Network, graph: DiGraph) -> Diagram:
    out = Diagram()
    names: dict[Node, str] = {}
    for node in graph.nodes:
        identity, label, kind, vpc = _describe(network, graph, node)
        names[node] = identity
        out.nodes.setdefault(identity, (label, kind, vpc))
    exposed = _exposed_edges(graph)
    for start, end in graph.edges:
        key = (names[start], names[end])
        out.edges[key] = out.edges.get(key, False) or (start, end) in exposed
    return out


def _describe(network: Network, graph: DiGraph, node: Node) -> tuple[str, str, str, str | None]:
    kind = node[0]
    if kind == "source":
        return f"source:{node[1]}", graph.nodes[node]["source"].label, "source", None
    if kind == "subnet":
        subnet = network.subnets.get(node[1])
        return f"subnet:{node[1]}", node[1], "subnet", subnet.vpc if subnet else None
    if kind == "gateway":
        gateway = network.gateways.get(node[1])
        return f"gateway:{node[1]}", node[1], "gateway", gateway.vpc if gateway else None
    alike = len(graph.nodes[node].get("members", ())) - 1
    label = f"{node[1]} (+{alike} alike)" if alike > 0 else node[1]
    return f"{kind}:{node[1]}", label, kind, None


def _exposed_edges(graph: DiGraph) -> set[tuple[Node, Node]]:
    """Edges some packet of some source crosses (load balancer forwards included)."""
    exposed: set[tuple[Node, Node]] = set()
    for start in [n for n in graph.nodes if n[0] == "source"]:
        reached: dict[Node, PacketSet] = {
            start: PacketSet.box(PROTOCOLS, PORTS, graph.nodes[start]["source"].addresses)
        }
        for node in _ordered_from(graph, start):
            packets = reached.get(node)
            if not packets:
                continue
            for successor in graph.successors(node):
                edge = graph.edges[node, successor]
                if "forwards" in edge:
                    forwarded = any(_listened(packets, f) and f.passes for f in edge["forwards"])
                    delivered = packets if forwarded else PacketSet()
                else:
                    delivered = packets & edge["passes"]
                if delivered:
                    exposed.add((node, successor))
                    reached[successor] = reached.get(successor, PacketSet()) | delivered
    return exposed


def _listened(packets: PacketSet, forward: Forward) -> bool:
    port = forward.listener.port
    return bool(packets.restrict((forward.protocol, forward.protocol), (port, port)))


def _ordered_from(graph: DiGraph, start: Node) -> list[Node]:
    import networkx as nx  # imported by the diagram only: a check never pays for it

    below = nx.descendants(graph, start) | {start}
    return [n for n in nx.topological_sort(graph.subgraph(below))]


def mermaid(picture: Diagram) -> str:
    ids = {name: f"n{i}" for i, name in enumerate(sorted(picture.nodes))}
    lines = ["flowchart LR"]
    by_vpc: dict[str | None, list[str]] = {}
    for name, (_, kind, vpc) in sorted(picture.nodes.items()):
        by_vpc.setdefault(vpc if kind in ("subnet", "gateway") else None, []).append(name)
    for vpc, members in sorted(by_vpc.items(), key=lambda item: item[0] or ""):
        if vpc is not None:
            lines.append(f'  subgraph v{ids[members[0]]}["{mermaid_label(vpc)}"]')
        for name in members:
            label, kind, _ = picture.nodes[name]
            lines.append(f"    {ids[name]}{_shape(kind, mermaid_label(label))}")
        if vpc is not None:
            lines.append("  end")
    styles = []
    for link, ((start, end), exposed) in enumerate(sorted(picture.edges.items())):
        lines.append(f"  {ids[start]} {'==>' if exposed else '-.->'} {ids[end]}")
        if exposed:
            styles.append(f"  linkStyle {link} stroke:#d33,stroke-width:3px")
    return "\n".join(lines + styles) + "\n"


def _shape(kind: str, label: str) -> str:
    return {"source": f'(("{label}"))', "gateway": f'{{{{"{label}"}}}}', "load_balancer": f'[/"{label}"/]'}.get(
        kind, f'["{label}"]'
    )


def dot(picture: Diagram) -> str:
    def quoted(text: str) -> str:
        text = printable(text.replace("\n", " "))  # control characters escaped, as everywhere
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["digraph tfreach {", "  rankdir=LR;", "  node [fontname=Helvetica, fontsize=10];"]
    shapes = {
        "source": "ellipse",
        "gateway": "hexagon",
        "load_balancer": "trapezium",
        "endpoint": "box",
        "subnet": "folder",
    }
    clusters: dict[str, list[str]] = {}
    for name, (label, kind, vpc) in sorted(picture.nodes.items()):
        line = f"  {quoted(name)} [label={quoted(label)}, shape={shapes.get(kind, 'box')}];"
        if vpc and kind in ("subnet", "gateway"):
            clusters.setdefault(vpc, []).append(line)
        else:
            lines.append(line)
    for index, (vpc, members) in enumerate(sorted(clusters.items())):
        lines += [f"  subgraph cluster_{index} {{", f"    label={quoted(vpc)};", *("  " + m for m in members), "  }"]
    for (start, end), exposed in sorted(picture.edges.items()):
        style = "color=red, penwidth=2.5" if exposed else "style=dashed, color=gray"
        lines.append(f"  {quoted(start)} -> {quoted(end)} [{style}];")
    return "\n".join([*lines, "}"]) + "\n"
