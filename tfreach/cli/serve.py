"""`tfreach serve`: an HCP Terraform run task (tfreach/serve/)."""

from __future__ import annotations

import logging
import os
import sys

import click

from tfreach import escape
from tfreach.cli import main
from tfreach.cli.check import FAIL_ON_CHOICES
from tfreach.cli.common import EXIT_INPUT


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option(
    "--hcp-address",
    default="https://app.terraform.io",
    show_default=True,
    help="HCP Terraform or Terraform Enterprise: the only address the run's token is sent to.",
)
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, exists=True), help="A .tfreach.yml for every check."
)
@click.option("--context", "contexts", multiple=True, metavar="SOURCE", help="As tfreach check --context. Repeatable.")
@click.option("--fail-on", type=click.Choice(FAIL_ON_CHOICES), help="As tfreach check --fail-on. [default: high]")
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Checks at once.")
@click.option(
    "--timeout",
    type=click.FloatRange(1, 3600),
    default=540,
    show_default=True,
    help="Seconds for one run (download and check); HCP Terraform waits 10 minutes for a result.",
)
def serve(
    host: str,
    port: int,
    hcp_address: str,
    config_path: str | None,
    contexts: tuple[str, ...],
    fail_on: str | None,
    jobs: int,
    timeout: float,
) -> None:
    """Serve tfreach as an HCP Terraform run task at http://HOST:PORT/run-task.

    Requests are authenticated with the run task's HMAC key from TFREACH_HMAC_KEY. Needs the
    server extra: pip install 'tfreach[server]'.
    """
    try:
        import uvicorn

        from tfreach.serve.app import ServeSettings, create_app
    except ImportError as missing:
        click.echo(f"tfreach: error: tfreach serve needs {missing.name}: pip install 'tfreach[server]'", err=True)
        sys.exit(EXIT_INPUT)
    options = [*(["--config", os.path.abspath(config_path)] if config_path else [])]
    options += [item for source in contexts for item in ("--context", _absolute(source))]
    options += ["--fail-on", fail_on] if fail_on else []
    settings = ServeSettings(
        hcp_address=hcp_address.rstrip("/"),
        hmac_key=os.environ.get("TFREACH_HMAC_KEY") or None,
        jobs=jobs,
        timeout=timeout,
        check_options=tuple(options),
        retry_delay=float(os.environ.get("TFREACH_SERVE_RETRY_DELAY", "1")),
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(escape.line(f"tfreach: run task at http://{host}:{port}/run-task, for {settings.hcp_address}"), err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=True)


def _absolute(source: str) -> str:
    """Checks run in a folder of their own: a context file is named from where serve started."""
    return source if source == "aws" else os.path.abspath(source)
