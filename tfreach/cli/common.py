"""What the commands share: the options that decide the network, errors, writing a report."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO, TypeVar

import click

from tfreach import api, escape
from tfreach.aws.acl import EPHEMERAL_PORTS
from tfreach.errors import InputError
from tfreach.findings.catalogue import DEFAULT_CATALOGUE
from tfreach.findings.config import CONFIG_NAME, Config, find_config, load_config
from tfreach.model.sources import SOURCES
from tfreach.questions.check import PlanResult, Settings, Variables
from tfreach.redact import Redactor

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def source_kinds(context: click.Context, parameter: click.Parameter, value: str | None) -> list[str] | None:
    if value is None:
        return None
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in SOURCES]
    if unknown or not kinds:
        raise click.BadParameter(f"{', '.join(unknown) or 'nothing'}: choose from {', '.join(SOURCES)}")
    return kinds


def analysis_options(command: Callable[..., None]) -> Callable[..., None]:
    """What decides the network, shared by check, explain and graph so that they agree."""
    options = [
        click.option(
            "--config",
            "config_path",
            type=click.Path(dir_okay=False),
            help=f"Settings file. [default: the nearest {CONFIG_NAME}]",
        ),
        click.option(
            "--tf-root",
            type=click.Path(file_okay=False, exists=True),
            help="Terraform sources, for exact links, file and line locations. "
            "[default: the plan's folder when it holds .tf files]",
        ),
        click.option(
            "--context",
            "contexts",
            multiple=True,
            metavar="SOURCE",
            help="The network beyond the plan: another stack's state or plan (terraform show -json, or a raw "
            "state file), a folder of them, or 'aws' for the live account (read only). Repeatable.",
        ),
        click.option(
            "--var",
            "assignments",
            multiple=True,
            metavar="NAME=VALUE",
            help="Sources only: a value for a root variable, as terraform plan -var.",
        ),
        click.option(
            "--var-file",
            "var_files",
            multiple=True,
            type=click.Path(dir_okay=False, exists=True),
            help="Sources only: a .tfvars file, as terraform plan -var-file.",
        ),
    ]

    @functools.wraps(command)
    def collapsed(
        config_path: str | None,
        tf_root: str | None,
        contexts: tuple[str, ...],
        assignments: tuple[str, ...],
        var_files: tuple[str, ...],
        **rest: Any,
    ) -> None:
        config = guarded(lambda: read_config(config_path))
        every = tuple(dict.fromkeys((*contexts, *config.contexts)))
        command(analysis=Analysis(config, tf_root, Variables(var_files, assignments), every), **rest)

    for option in reversed(options):
        collapsed = option(collapsed)
    return collapsed


@dataclass(frozen=True)
class Analysis:
    """The shared options, read: the settings file, the sources' folder, root variable values."""

    config: Config
    tf_root: str | None
    variables: Variables
    contexts: tuple[str, ...] = ()

    def settings(self, sources: list[str] | None) -> Settings:
        return Settings(
            sources=tuple(sources or self.config.sources or SOURCES),
            ephemeral_ports=self.config.ephemeral_ports or EPHEMERAL_PORTS,
            catalogue=DEFAULT_CATALOGUE.extended(self.config.recognized_ports),
            tf_root=Path(self.tf_root) if self.tf_root else None,
            intents=self.config.intents,
            contexts=self.contexts,
        )

    def analyse(self, path: str, sources: list[str] | None) -> tuple[PlanResult, Settings, Redactor]:
        """The analysis exactly as `check` makes it (sources beside the plan, --tf-root, variables),
        so that explain, query and graph never tell another story; and what they must not print."""
        settings = self.settings(sources)
        result = guarded(lambda: api.analyse(path, settings, self.variables))
        return result, settings, Redactor(result.secrets)


def read_config(path: str | None) -> Config:
    if path is not None:
        if not Path(path).is_file():
            raise InputError(path, "no such file")
        return load_config(Path(path))
    found = find_config(Path.cwd())
    return load_config(found) if found else Config()


def first(*values: bool | None) -> bool | None:
    return next((v for v in values if v is not None), None)


def write_report(report: Callable[[TextIO], None], output: str | None, redactor: Redactor) -> None:
    """The report to FILE, or to stdout, without a sensitive value of the plans."""
    try:
        with open(output, "w", encoding="utf-8") if output else contextlib.nullcontext(sys.stdout) as handle:
            if not redactor:
                report(handle)
                return
            redacting = redactor.writing(handle)
            report(redacting)  # type: ignore[arg-type]
            redacting.close()
    except OSError as error:
        exit_with(EXIT_INPUT, f"{output}: cannot write the report ({error.strerror})")


def emit(text: str, output: str | None, redactor: Redactor) -> None:
    """explain, query and graph: their text, without a sensitive value of the plan."""

    def write(out: TextIO) -> None:
        out.write(text)

    write_report(write, output, redactor)


T = TypeVar("T")


def guarded(work: Callable[[], T], reraise: bool = False) -> T:
    """Input problems end the run with one line and exit 2 (`reraise`: the caller says it); a bug
    with one line and exit 3."""
    try:
        return work()
    except InputError as error:
        if reraise:
            raise
        exit_with(EXIT_INPUT, str(error))
    except Exception as error:  # a bug must not look like a traceback in a CI log
        if os.environ.get("TFREACH_DEBUG"):
            raise
        exit_with(EXIT_INTERNAL, internal(error))


def internal(error: Exception) -> str:
    return f"internal error ({type(error).__name__}: {str(error)[:300]}); rerun with TFREACH_DEBUG=1 and report it"


def exit_with(code: int, message: str) -> NoReturn:
    click.echo(f"tfreach: error: {escape.quoted(message) if len(message) > 2000 else escape.line(message)}", err=True)
    sys.exit(code)
