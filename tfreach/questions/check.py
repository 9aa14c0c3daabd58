"""The whole pipeline for one plan: load -> model -> graph -> reach -> findings, before and after.

A plan with a prior state is analysed twice: what is deployed now and what the plan makes.
Findings are `new` where the plan opens something, `existing` where it was already open,
and what the plan shuts is reported as `closed`. A state (no plan) is all `existing`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfreach import progress
from tfreach.aws.acl import EPHEMERAL_PORTS
from tfreach.engine.between import InternalPaths
from tfreach.engine.build import GraphBuilder
from tfreach.engine.classes import Classes, endpoint_classes
from tfreach.engine.client_vpn import from_client_vpns
from tfreach.engine.trace import Trace, from_outside
from tfreach.errors import InputError
from tfreach.families import planned_network, prior_network
from tfreach.findings.catalogue import DEFAULT_CATALOGUE, Catalogue
from tfreach.findings.evidence import Evidence
from tfreach.findings.finding import Exposure, Finding
from tfreach.findings.findings import closed_findings, endpoint_findings
from tfreach.inputs.context import AWS, Context
from tfreach.inputs.context.states import data_source_facts, load_context, managed_ids
from tfreach.inputs.plan.instances import value_at_path
from tfreach.inputs.plan.load import load_plan
from tfreach.inputs.plan.resolve import SourceValues
from tfreach.inputs.plan.sensitive import sensitive_values
from tfreach.inputs.sources.locations import Location, has_sources, location_of, resource_locations
from tfreach.model.network import Network, Notice
from tfreach.model.packets import EMPTY, PacketSet, Span, union_all
from tfreach.model.sources import CLIENT_VPN, SOURCES
from tfreach.questions.intents import Intent, check_intents, violations_of

if TYPE_CHECKING:
    from tfreach.inputs.sources.resources import ResourceValue

Reached = dict[tuple[str, str, str | None], list[Trace]]  # (source kind, endpoint, via) -> paths


@dataclass(frozen=True)
class Settings:
    """What to analyse and how (from the command line and .tfreach.yml)."""

    sources: tuple[str, ...] = tuple(SOURCES)
    ephemeral_ports: Span = EPHEMERAL_PORTS
    catalogue: Catalogue = DEFAULT_CATALOGUE
    tf_root: Path | None = None  # the Terraform sources; None: the plan's folder when it holds .tf files
    intents: tuple[Intent, ...] = ()  # segmentation intent (.tfreach.yml)
    contexts: tuple[str, ...] = ()  # --context: other stacks' states or plans (files or folders), or "aws"


@dataclass(frozen=True)
class Variables:
    """Values for the root module's variables in HCL mode: --var-file files and --var NAME=VALUE."""

    files: tuple[str, ...] = ()
    assignments: tuple[str, ...] = ()


Exposed = list[tuple[Exposure, tuple[str, ...]]]  # what reaches a class, and its members


@dataclass
class PlanResult:
    """What one plan exposes: per class of alike endpoints (`exposures`), written out per
    endpoint (`findings`) only when a report or a suppression asks for them."""

    path: str
    format_version: str
    terraform_version: str | None
    network: Network
    exposures: Exposed = field(default_factory=list)
    closed_exposures: Exposed = field(default_factory=list)  # what the plan removes
    sources: list[str] = field(default_factory=list)  # the kinds of source analysed
    compared: bool = False  # was there a before (a prior state) to compare with?
    locations: dict[str, Location] = field(default_factory=dict)  # where resource blocks are written
    mode: str = "plan"  # "plan": terraform show -json output; "sources": .tf files read directly
    secrets: frozenset[str] = frozenset()  # values the plan marks sensitive: analysed, never printed

    _findings: list[Finding] | None = field(default=None, repr=False)
    _closed: list[Finding] | None = field(default=None, repr=False)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False)  # what reports derive, once

    def location(self, address: str) -> Location | None:
        return location_of(self.locations, address)

    @property
    def findings(self) -> list[Finding]:
        """One finding per endpoint and exposure, sorted (written out once, on first use)."""
        if self._findings is None:
            self._findings = self._written_out(self.exposures)
        return self._findings

    @property
    def closed(self) -> list[Finding]:
        if self._closed is None:
            self._closed = self._written_out(self.closed_exposures)
        return self._closed

    @property
    def written_out(self) -> bool:
        return self._findings is not None

    def _written_out(self, exposed: Exposed) -> list[Finding]:
        findings = [Finding(exposure, member, self.path) for exposure, members in exposed for member in members]
        findings.sort(key=Finding.sort_key)
        return findings

    @property
    def warnings(self) -> list[Notice]:
        return self.network.notices

    @property
    def resources(self) -> int:
        return sum(self.network.modelled.values()) + sum(self.network.skipped.values())


def check_plan(path: str, settings: Settings | None = None) -> PlanResult:
    """Analyse one plan or state file ("-" is stdin); InputError when it cannot be read as one."""
    settings = settings or Settings()
    progress.stage("read")
    document = load_plan(path)
    root = settings.tf_root or (Path(path).parent if path != "-" else None)
    if root is None or not has_sources(root):
        return check_document(document, path, settings)
    problems: list[str] = []
    mismatch = _not_the_plans_sources(root, document)
    if mismatch is not None:
        result = check_document(document, path, settings)
        if settings.tf_root is not None:  # asked for: say why they are not used
            result.network.notice(str(root), None, f"not the configuration of {path}: {mismatch}; not used")
        return result
    result = check_document(document, path, settings, _evaluated_sources(root, document, problems))
    try:
        result.locations = resource_locations(root)
    except InputError as error:
        problems.append(str(error))
    for problem in dict.fromkeys(problems):
        result.network.notice(str(root), None, f"the sources cannot be read, so they give no lines or links: {problem}")
    return result


def _not_the_plans_sources(root: Path, plan: dict[str, Any]) -> str | None:
    """Why the .tf files of `root` are not the root module the plan was made from; None if they are."""
    from tfreach.inputs.sources.source import module_source  # the HCL reader (python-hcl2, lark): only beside sources

    configured = ((plan.get("configuration") or {}).get("root_module")) or {}
    try:
        source = module_source(root)
    except InputError as error:
        return str(error)
    planned = {r.get("address") for r in configured.get("resources") or []}
    written = set(source.resources) | {f"data.{key}" for key in source.data}
    if planned != written:
        differ = sorted(str(a) for a in planned ^ written)
        return f"{len(differ)} resource blocks differ ({', '.join(differ[:3])}{', ...' if len(differ) > 3 else ''})"
    if set(configured.get("module_calls") or {}) != set(source.calls):
        return "the module calls differ"
    return None


def _evaluated_sources(root: Path, plan: dict[str, Any], problems: list[str]) -> SourceValues:
    """The plan's configuration evaluated from the sources beside it, with the plan's variables.

    Only what the resolver asks for is evaluated (a link of one resource instance), when it first
    asks; a problem is recorded, not raised.
    """
    from tfreach.inputs.sources.evaluate import Project
    from tfreach.inputs.sources.to_plan import split_unknown
    from tfreach.inputs.sources.variables import typed_values

    @cache
    def by_address() -> dict[str, ResourceValue]:
        given = plan["variables"] if isinstance(plan.get("variables"), dict) else {}
        values = {name: v["value"] for name, v in given.items() if isinstance(v, dict) and "value" in v}
        try:
            project = Project(root, typed_values(root, values))
            return {r.address: r for module in project.modules() for r in module.all_resources()}
        except InputError as error:
            problems.append(str(error))
            return {}

    def value_at(address: str, path: tuple[str | int, ...]) -> Any:
        resource = by_address().get(address)
        if resource is None or not path or path[0] not in resource.configured():
            return None
        try:
            known, _ = split_unknown(resource.attr(str(path[0])))
        except InputError as error:
            problems.append(str(error))
            return None
        except RecursionError:
            problems.append(f"{address}.{path[0]}: nests too deeply to be read")
            return None
        return value_at_path(known, path[1:])

    return value_at


def check_sources(folder: Path, settings: Settings | None = None, variables: Variables | None = None) -> PlanResult:
    """Analyse a folder of .tf files directly (HCL mode): what `terraform plan` would show.

    InputError when a file is not valid HCL or a variables file cannot be read.
    """
    settings = settings or Settings()
    progress.stage("read")
    document, warnings = sources_document(folder, variables)
    result = check_document(document, str(folder), settings)
    result.mode = "sources"
    result.network.notices[:0] = warnings
    result.locations = resource_locations(folder)
    return result


def sources_document(folder: Path, variables: Variables | None = None) -> tuple[dict[str, Any], list[Notice]]:
    """The plan JSON that `terraform plan` would print for these sources, and what they cannot tell."""
    from tfreach.inputs.sources.evaluate import Project
    from tfreach.inputs.sources.to_plan import plan_document
    from tfreach.inputs.sources.variables import root_values

    variables = variables or Variables()
    if not has_sources(folder):
        raise InputError(str(folder), "holds no .tf files")
    try:
        project = Project(folder, root_values(folder, list(variables.files), list(variables.assignments)))
        document = plan_document(project)
    except RecursionError:  # values built deeper than Python's stack, by locals that wrap each other
        raise InputError(str(folder), "its values nest too deeply to be read (over tfreach's budget)") from None
    return document, [Notice(w.address, w.attribute, w.message) for w in project.warnings]


def check_document(
    document: dict[str, Any], path: str, settings: Settings, source_values: SourceValues | None = None
) -> PlanResult:
    progress.stage("model")
    # A stack's state says more than the plan's data sources about the same id: it comes first.
    contexts = [*beyond_the_plan(settings.contexts, document), data_source_facts(document)]
    after = planned_network(document, source_values, contexts)
    before = prior_network(document, contexts)
    result = PlanResult(path, document["format_version"], document.get("terraform_version"), after)
    result.sources, result.compared = list(settings.sources), before is not None
    result.secrets = sensitive_values(document).union(*(c.secrets for c in contexts))
    if not after.modelled and (before is None or not before.modelled):
        # Never a silent "nothing exposed": say that there was nothing to look at.
        others = sum(after.skipped.values())
        after.notice(path, None, f"no AWS network resources to analyse ({others} resources of other types)")
    classes_after = endpoint_classes(after)
    classes_before = endpoint_classes(before) if before is not None else None
    progress.stage("graph")
    # one builder per network: the intents' paths between endpoints reuse its hops and caches
    builder_after = GraphBuilder(after, settings.ephemeral_ports, classes_after)
    builder_before = GraphBuilder(before, settings.ephemeral_ports, classes_before) if before is not None else None
    reached_after = reached_from_outside(builder_after, settings)
    reached_before = reached_from_outside(builder_before, settings) if builder_before else {}
    is_state = "planned_values" not in document and "resource_changes" not in document
    progress.stage("findings")
    evidence = Evidence(builder_after.cache.table("evidence of a path for packets"))
    for (kind, endpoint, via), paths in reached_after.items():
        # Members of one class reached alike may have been reached differently before the plan.
        # What other stacks hold (contexts) is crossed, never reported.
        own = tuple(m for m in classes_after.members_of(endpoint) if m not in after.foreign)
        if not own:
            continue
        for earlier, members in _regrouped(own, classes_before).items():
            # A state is what is deployed: everything in it exists already.
            already = _union(paths) if is_state else _union(reached_before.get((kind, earlier, via), []))
            for exposure in endpoint_findings(paths, already, settings.catalogue, evidence):
                result.exposures.append((exposure, members))
    for (kind, endpoint, via), paths in reached_before.items():
        earlier_members = classes_before.members_of(endpoint) if classes_before else ()
        own_before = tuple(m for m in earlier_members if before is None or m not in before.foreign)
        if not own_before:
            continue
        for later, members in _regrouped(own_before, classes_after).items():
            gone = _union(paths) - _union(reached_after.get((kind, later, via), []))
            for exposure in closed_findings(paths, gone, settings.catalogue, evidence) if gone else []:
                result.closed_exposures.append((exposure, members))
    if settings.intents:
        paths_after = InternalPaths(after, builder=builder_after)
        paths_before = InternalPaths(builder_before.network, builder=builder_before) if builder_before else None
        broken_before = _intents_before(before, classes_before, reached_before, paths_before)
        result.exposures += check_intents(
            settings.intents,
            after,
            classes_after,
            reached_after,
            broken_before,
            paths_after,
            tuple(settings.sources),
        )
    _list_assumptions(result)
    return result


def beyond_the_plan(paths: tuple[str, ...], document: dict[str, Any]) -> list[Context]:
    """The contexts named with --context (files read once per run, whatever the number of plans),
    then the live account (`aws`) for the ids that neither the plan nor those files hold."""
    files = [context for path in paths if path != AWS for context in load_context(path)]
    if AWS not in paths:
        return files
    from tfreach.inputs.context import live  # boto3 is imported only for --context aws

    held = managed_ids(document) | {i.get("id") for c in files for i in c.instances}
    named = live.ids_named(document) | {n for c in files for i in c.instances for n in live.ids_named(i.values)}
    if not named - held:
        return files  # nothing to ask: no credentials, no region needed
    return [*files, live.account(live.region_of(document)).context_for(named, held)]


def _intents_before(
    before: Network | None,
    classes: Classes | None,
    reached: dict[Any, list[Trace]],
    paths: InternalPaths | None,
) -> Callable[[Intent, str, str], PacketSet]:
    """What each intent's (source, target) pair broke in the deployed network: those are existing."""
    found: dict[Intent, dict[tuple[str, str], PacketSet]] = {}

    def broken(intent: Intent, source: str, target: str) -> PacketSet:
        if before is None or classes is None or paths is None:
            return EMPTY
        if intent not in found:
            found[intent] = violations_of(intent, before, classes, reached, paths)
        pairs = found[intent]
        return pairs.get((classes.of(source), classes.of(target))) or EMPTY

    return broken


FINDING_ASSUMPTION = "a finding rests on an assumption (listed with the finding)"


def _list_assumptions(result: PlanResult) -> None:
    """Every assumption a finding rests on is also a warning (--strict counts warnings)."""
    said = " | ".join(n.message for n in result.network.notices)
    checked: set[str] = set()
    for exposure, members in result.exposures:
        for assumption in exposure.assumptions:
            if assumption not in checked:
                checked.add(assumption)
                if assumption not in said:
                    result.network.notice(members[0], None, f"assumed: {assumption}", FINDING_ASSUMPTION)


def _regrouped(members: tuple[str, ...], other: Classes | None) -> dict[str, tuple[str, ...]]:
    """The members of a class, by their class in the other network (before or after the plan);
    without another network, all together."""
    if other is None:
        return {"": members}
    grouped: dict[str, list[str]] = {}
    for member in members:
        grouped.setdefault(other.of(member), []).append(member)
    return {key: tuple(value) for key, value in grouped.items()}


def reached_from_outside(builder: GraphBuilder, settings: Settings) -> Reached:
    """(source kind, endpoint class, load balancer or way in in front) -> the paths that reach it."""
    sources = [SOURCES[kind] for kind in settings.sources]
    graph = builder.build(sources)
    out: Reached = {}
    for source in sources:
        for (endpoint, via), paths in from_outside(graph, source).items():
            out[(source.kind, endpoint, via)] = paths
    if CLIENT_VPN.kind in settings.sources and builder.network.client_vpns:
        # Users of a Client VPN arrive inside the VPC: paths between endpoints, from its interfaces.
        out.update(from_client_vpns(InternalPaths(builder.network, builder=builder)))
    return out


def _union(paths: list[Trace]) -> PacketSet:
    return union_all(p.packets for p in paths) if paths else EMPTY
