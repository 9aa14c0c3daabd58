"""The run task endpoint: answer at once, check in the background, a bounded number at a time.

Each check runs `tfreach check` in a process of its own (the CLI's exact behaviour; a timeout
can stop it, and a crash or a huge plan cannot take the server down). A check waits for one of
`jobs` slots; more than `queue` waiting requests are refused with 503 (HCP Terraform retries).
Whatever happens, the run gets a result: passed or failed by --fail-on, or failed with why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tfreach.budget import LIMITS
from tfreach.serve.configuration import ConfigurationError, unpack
from tfreach.serve.hcp import Hcp, HcpError
from tfreach.serve.outcomes import failed, from_report
from tfreach.serve.request import SIGNATURE_HEADER, BadRequest, RunTaskRequest, parse_request, signed

log = logging.getLogger("tfreach.serve")
MAX_REQUEST_BYTES = 1 << 20  # a run task request is a few kilobytes


@dataclass(frozen=True)
class ServeSettings:
    hcp_address: str = "https://app.terraform.io"
    hmac_key: str | None = None
    jobs: int = 2  # checks at once
    queue: int = 100  # requests waiting for a slot before 503
    timeout: float = 540.0  # seconds for one request, download and check: HCP gives up after 10 minutes
    check_options: tuple[str, ...] = ()  # for `tfreach check`: --config, --context, --fail-on
    retry_delay: float = 1.0  # before the callback is tried again (doubling)


class Runner:
    """The checks under way: started on a request, each ending in a callback."""

    def __init__(self, settings: ServeSettings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.hcp = Hcp(settings.hcp_address, client, LIMITS.plan_bytes, settings.retry_delay)
        self.slots = asyncio.Semaphore(settings.jobs)
        self.tasks: set[asyncio.Task[None]] = set()

    @property
    def full(self) -> bool:
        return len(self.tasks) >= self.settings.queue + self.settings.jobs

    def start(self, task: RunTaskRequest) -> None:
        running = asyncio.create_task(self._answer(task))
        self.tasks.add(running)
        running.add_done_callback(self.tasks.discard)

    async def _answer(self, task: RunTaskRequest) -> None:
        try:
            result = await asyncio.wait_for(self._check(task), self.settings.timeout)
        except TimeoutError:
            result = failed(f"failed: timed out after {self.settings.timeout:g} s")
        except HcpError as error:
            result = failed(f"failed: {error}")
        except Exception as error:  # never leave a run waiting: say it failed, and why in the log
            log.error("run %s: %s", task.run_id, type(error).__name__)
            result = failed("failed: tfreach serve could not check this run (see its log)")
        try:
            await self.hcp.send_result(task, result)
        except HcpError as error:
            log.error("run %s: %s", task.run_id, error)
            return
        log.info("run %s: %s", task.run_id, result["data"]["attributes"]["message"])

    async def _check(self, task: RunTaskRequest) -> dict[str, Any]:
        if task.plan_url is None:
            return failed(
                f"failed: tfreach reads the plan; attach the run task at the post-plan stage (not {task.stage})"
            )
        async with self.slots:
            with tempfile.TemporaryDirectory(prefix="tfreach-serve-") as folder:
                plan = Path(folder, "plan.json")
                await self.hcp.download_plan(task, plan)
                root, note = await self._configuration(task, Path(folder))
                return await self._run_check(plan, Path(folder, "report.json"), root, note)

    async def _configuration(self, task: RunTaskRequest, folder: Path) -> tuple[Path | None, str]:
        """The root module's folder, unpacked beside the plan; else why the plan is read alone."""
        if task.configuration_url is None:
            return None, "; read without its configuration (HCP Terraform gave none)"
        archive, unpacked = folder / "configuration.tar.gz", folder / "configuration"
        try:
            await self.hcp.download(task, task.configuration_url, "the configuration", archive)
            root = await asyncio.to_thread(unpack, archive, unpacked, task.working_directory)
        except (HcpError, ConfigurationError) as error:
            log.warning("run %s: %s; the plan is read alone", task.run_id, error)
            return None, f"; read without its configuration ({error})"
        return root, ""

    async def _run_check(self, plan: Path, report: Path, root: Path | None, note: str) -> dict[str, Any]:
        command = [sys.executable, "-m", "tfreach", "check", str(plan), "-q", "--format", f"json={report}", "--group"]
        command += ["--tf-root", str(root)] if root is not None else []
        process = await asyncio.create_subprocess_exec(
            *command,
            *self.settings.check_options,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            cwd=plan.parent,
        )
        try:
            _, errors = await process.communicate()
        except asyncio.CancelledError:  # timed out: the check stops with the request
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            raise
        if process.returncode in (0, 1) and report.exists():
            return from_report(json.loads(report.read_text()), note)
        said = errors.decode(errors="replace").strip().splitlines()
        why = said[-1].removeprefix("tfreach: error: ") if said else f"exit code {process.returncode}"
        return failed(f"failed: {why.replace(str(plan), 'the plan JSON')[:900]}")


def create_app(settings: ServeSettings) -> Starlette:
    # httpx logs every URL it asks: the plan's temporary storage URL is itself a credential.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=httpx.Timeout(60.0), follow_redirects=False) as client:
            app.state.runner = Runner(settings, client)
            if not settings.hmac_key:
                log.warning("TFREACH_HMAC_KEY is not set: run task requests are not authenticated")
            yield

    async def run_task(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_REQUEST_BYTES:
            return PlainTextResponse("the request is too large to be a run task request\n", status_code=413)
        if not signed(body, request.headers.get(SIGNATURE_HEADER), settings.hmac_key):
            log.warning("a request without a valid %s was refused", SIGNATURE_HEADER)
            return PlainTextResponse("invalid or missing X-Tfc-Task-Signature\n", status_code=401)
        try:
            task = parse_request(body)
        except BadRequest as error:
            return PlainTextResponse(f"not a run task request: {error}\n", status_code=400)
        if task.is_test:
            log.info("configuration test request from %s: answered", task.organization)
            return Response(status_code=200)
        runner: Runner = request.app.state.runner
        if runner.full:
            return PlainTextResponse("busy: try again later\n", status_code=503)
        runner.start(task)
        log.info("run %s (%s/%s): checking", task.run_id, task.organization, task.workspace)
        return Response(status_code=200)

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok\n")

    routes = [Route("/run-task", run_task, methods=["POST"]), Route("/healthz", health, methods=["GET"])]
    return Starlette(routes=routes, lifespan=lifespan)
