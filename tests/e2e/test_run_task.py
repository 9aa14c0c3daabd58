"""`tfreach serve` as an HCP Terraform run task, end to end against a fake HCP Terraform.

The fake (a local HTTP server on 127.0.0.1, a free port, stopped by the tests) does what the run
tasks integration API says HCP Terraform does: it signs each request with the HMAC key
(X-Tfc-Task-Signature, hex HMAC-SHA512 of the body), serves the plan JSON at plan_json_api_url
to the run's token by a redirect to temporary storage elsewhere, and records the PATCH of the
task result to the callback URL. The plan is real terraform output (tests/inputs/grouped-report:
SSH open to the internet on five instances, high: the run fails at --fail-on high).
https://developer.hashicorp.com/terraform/cloud-docs/api-docs/run-tasks/run-tasks-integration
"""

from __future__ import annotations

import hashlib
import hmac
import html
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from e2e.helpers import run_cli, wait_until_up

pytest.importorskip("starlette", reason="tfreach serve needs the server extra (pip install 'tfreach[server]')")
pytest.importorskip("uvicorn", reason="tfreach serve needs the server extra (pip install 'tfreach[server]')")
pytest.importorskip("httpx", reason="tfreach serve needs the server extra (pip install 'tfreach[server]')")

PLAN = (REPO / "tests" / "inputs" / "grouped-report" / "plan.json").read_bytes()
# Its main.tf places the instance with aws_subnet.s[count.index + 1]: exact only beside it.
ARITHMETIC = REPO / "tests" / "inputs" / "count-index-arithmetic"


def configuration_archive(*files: tuple[str, bytes]) -> bytes:
    """A configuration version as HCP Terraform serves it: a tar.gz of the workspace's files."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in files:
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            archive.addfile(entry, io.BytesIO(data))
    return out.getvalue()


CONFIGURATIONS = {
    "exact": configuration_archive(("network/main.tf", (ARITHMETIC / "main.tf").read_bytes())),
    "escaping": configuration_archive(("../../outside.tf", b"# out of the folder"), ("main.tf", b"")),
}
KEY = "run-task-hmac-key"
TIMEOUT = 5  # tfreach serve --timeout


class FakeHcp(ThreadingHTTPServer):
    """Plans by name, the requests it saw, and the task results it was sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        self.seen: list[tuple[str, str, str | None]] = []  # (method, path, Authorization)
        self.results: dict[str, list[dict[str, Any]]] = {}
        self.failures: dict[str, int] = {"flaky": 1, "broken": 99}  # callbacks answered 500 this many times
        self.lock = threading.Lock()

    def result(self, name: str, attempts: int = 1, wait: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with self.lock:
                sent = self.results.get(name, [])
                if len(sent) >= attempts:
                    return sent[-1]
            time.sleep(0.1)
        raise AssertionError(f"no task result for {name} within {wait} s")


class _Handler(BaseHTTPRequestHandler):
    server: FakeHcp

    def log_message(self, *_: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append(("GET", self.path, self.headers.get("Authorization")))
        name = self.path.split("/")[-2] if self.path.startswith("/api/v2/") else self.path.split("/")[-1]
        if self.path.startswith("/api/v2/configuration-versions/"):
            return self._send(200, CONFIGURATIONS[name])
        if self.path.startswith("/api/v2/plans/"):
            if self.headers.get("Authorization") != f"Bearer token-{name}":
                return self._send(401, b"")
            if name == "slow":
                time.sleep(TIMEOUT * 3)
            # HCP Terraform answers with a temporary redirect to the file, on another host
            self.send_response(307)
            self.send_header("Location", f"http://localhost:{self.server.port}/archivist/{name}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = {"notjson": b"this is not a plan {"}.get(name, PLAN)
        body = (ARITHMETIC / "plan.json").read_bytes() if name in CONFIGURATIONS or name == "alone" else body
        self._send(200, body)

    def do_PATCH(self) -> None:
        name = self.path.split("/")[-2]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        record = {"body": body, "auth": self.headers.get("Authorization"), "type": self.headers.get("Content-Type")}
        with self.server.lock:
            self.server.results.setdefault(name, []).append(record)
            left = self.server.failures.get(name, 0)
            self.server.failures[name] = left - 1
        self._send(500 if left > 0 else 200, b"{}")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def hcp() -> Iterator[FakeHcp]:
    server = FakeHcp()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def serve(hcp: FakeHcp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    yield from _serving(hcp, tmp_path_factory)


def _serving(hcp: FakeHcp, tmp_path_factory: pytest.TempPathFactory, *options: str) -> Iterator[tuple[str, Path]]:
    """`tfreach serve` on a free port of 127.0.0.1 for the fake HCP Terraform, until the tests end."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "TFREACH_HMAC_KEY": KEY, "TFREACH_SERVE_RETRY_DELAY": "0.2"}
    command = [sys.executable, "-m", "tfreach", "serve", "--port", str(port), "--jobs", "1", "--timeout", str(TIMEOUT)]
    command += ["--hcp-address", f"http://127.0.0.1:{hcp.port}", *options]
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", server, log.read_text)
        yield url, log
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def serve_critical_only(hcp: FakeHcp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server whose checks read a .tfreach.yml that fails only on critical findings."""
    config = tmp_path_factory.mktemp("config") / ".tfreach.yml"
    config.write_text("fail_on: critical\n")
    yield from _serving(hcp, tmp_path_factory, "--config", str(config))


def request(hcp: FakeHcp, name: str, **changes: Any) -> dict[str, Any]:
    """A run task request as HCP Terraform sends it at the post-plan stage."""
    base = f"http://127.0.0.1:{hcp.port}/api/v2"
    payload = {
        "payload_version": 1,
        "stage": "post_plan",
        "access_token": f"token-{name}",
        "capabilities": {"outcomes": True},
        "configuration_version_download_url": None,
        "is_speculative": False,
        "organization_name": "acme",
        "plan_json_api_url": f"{base}/plans/{name}/json-output",
        "run_app_url": f"http://127.0.0.1:{hcp.port}/app/acme/network/runs/run-{name}",
        "run_id": f"run-{name}",
        "task_result_callback_url": f"{base}/task-results/{name}/callback",
        "task_result_enforcement_level": "mandatory",
        "task_result_id": f"taskrs-{name}",
        "workspace_name": "network",
    }
    return {**payload, **changes}


def post(url: str, payload: dict[str, Any], key: str | None = KEY) -> int:
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["X-Tfc-Task-Signature"] = hmac.new(key.encode(), body, hashlib.sha512).hexdigest()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}/run-task", body, headers), timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_a_run_that_opens_ssh_to_the_internet_fails_with_an_outcome_per_group(serve, hcp):
    url, _ = serve
    started = time.monotonic()
    assert post(url, request(hcp, "good")) == 200
    assert time.monotonic() - started < 2  # answered at once, checked in the background
    result = hcp.result("good")
    attributes = result["body"]["data"]["attributes"]
    assert attributes["status"] == "failed"
    assert attributes["message"].startswith("tfreach: 15 exposures (5 high, 5 low, 5 info) in 4 groups; fails")
    assert "\n" not in attributes["message"]
    assert result["auth"] == "Bearer token-good" and result["type"] == "application/vnd.api+json"
    outcomes = [o["attributes"] for o in result["body"]["data"]["relationships"]["outcomes"]["data"]]
    assert [o["description"] for o in outcomes] == [
        "TCP port 22 (SSH) on aws_instance.web[0..2] is reachable from the internet",
        'TCP port 22 (SSH) on aws_instance.worker["a", "b"] is reachable from the internet',
        "TCP port 443 (HTTPS) on aws_instance.web[0..2] is reachable from the internet",
        'TCP port 443 (HTTPS) on aws_instance.worker["a", "b"] is reachable from the internet',
    ]
    assert outcomes[0]["tags"]["Severity"] == [{"label": "High", "level": "error"}]
    assert outcomes[0]["tags"]["Status"] == [{"label": "New", "level": "info"}]
    assert outcomes[0]["outcome-id"].startswith("TFRG-")
    shown = html.unescape(outcomes[0]["body"])  # as the Markdown renders: names from the plan are escaped
    assert "1. internet" in shown and "aws_internet_gateway.igw (internet gateway)" in shown
    assert "Resources (3): aws_instance.web[0], aws_instance.web[1], aws_instance.web[2]" in shown


def test_the_token_goes_to_hcp_terraform_only_and_is_never_logged(serve, hcp):
    url, log = serve
    post(url, request(hcp, "good"))
    hcp.result("good")
    asked = {path: auth for method, path, auth in hcp.seen if method == "GET"}
    assert asked["/api/v2/plans/good/json-output"] == "Bearer token-good"
    assert asked["/archivist/good"] is None  # the redirect to another host is followed without it
    elsewhere = request(hcp, "stolen", plan_json_api_url=f"http://localhost:{hcp.port}/api/v2/plans/stolen/json-output")
    assert post(url, elsewhere) == 200
    message = hcp.result("stolen")["body"]["data"]["attributes"]["message"]
    assert "not on the HCP Terraform address" in message
    assert not [path for _, path, _ in hcp.seen if "stolen" in path]  # never asked
    said = log.read_text()
    assert "token-" not in said and "/archivist/" not in said  # nor the storage URL, a credential of its own


def test_the_configuration_test_request_is_answered_without_a_check(serve, hcp):
    url, _ = serve
    assert post(url, request(hcp, "test", access_token="test-token")) == 200
    time.sleep(1)
    assert "test" not in hcp.results


def test_a_request_without_a_valid_signature_is_refused(serve, hcp):
    url, _ = serve
    assert post(url, request(hcp, "forged"), key="another-key") == 401
    assert post(url, request(hcp, "forged"), key=None) == 401
    time.sleep(1)
    assert "forged" not in hcp.results
    assert post(url, {"payload_version": 1}) == 400  # signed, but not a run task request


def test_a_plan_that_is_not_json_fails_the_run_and_says_why(serve, hcp):
    url, _ = serve
    assert post(url, request(hcp, "notjson")) == 200
    attributes = hcp.result("notjson")["body"]["data"]["attributes"]
    assert attributes["status"] == "failed" and "not valid JSON" in attributes["message"]
    assert attributes["message"].startswith("failed: the plan JSON: is not valid JSON")


def test_a_download_that_never_ends_fails_the_run_as_timed_out(serve, hcp):
    url, _ = serve
    assert post(url, request(hcp, "slow")) == 200
    attributes = hcp.result("slow", wait=TIMEOUT + 30)["body"]["data"]["attributes"]
    assert attributes == {"status": "failed", "message": f"failed: timed out after {TIMEOUT} s"}


def test_a_failed_callback_is_tried_again_and_a_dead_one_leaves_the_server_up(serve, hcp):
    url, _ = serve
    assert post(url, request(hcp, "flaky")) == 200
    assert hcp.result("flaky", attempts=2)["body"]["data"]["attributes"]["status"] == "failed"
    assert post(url, request(hcp, "broken")) == 200
    hcp.result("broken", attempts=3)
    time.sleep(1)
    assert len(hcp.results["broken"]) == 3  # three attempts, then given up (said in the log)
    assert urllib.request.urlopen(f"{url}/healthz", timeout=5).status == 200


def test_runs_at_once_wait_for_a_slot_and_all_get_a_result(serve, hcp):
    url, _ = serve
    names = ["queued-1", "queued-2", "queued-3"]
    assert [post(url, request(hcp, name)) for name in names] == [200, 200, 200]
    assert [hcp.result(name)["body"]["data"]["attributes"]["status"] for name in names] == ["failed"] * 3


def test_a_run_task_attached_before_the_plan_fails_and_says_where_to_attach_it(serve, hcp):
    url, _ = serve
    payload = request(hcp, "early", stage="pre_plan")
    del payload["plan_json_api_url"]
    assert post(url, payload) == 200
    message = hcp.result("early")["body"]["data"]["attributes"]["message"]
    assert "post-plan stage" in message


def test_the_settings_it_is_given_decide_the_verdict(serve_critical_only, hcp):
    url, _ = serve_critical_only
    assert post(url, request(hcp, "lenient")) == 200
    attributes = hcp.result("lenient")["body"]["data"]["attributes"]
    assert attributes["status"] == "passed"  # SSH from the internet is high, the gate is at critical
    assert attributes["message"].startswith("tfreach: 15 exposures (5 high, 5 low, 5 info) in 4 groups")
    assert "passes at --fail-on critical; read without its configuration" in attributes["message"]


def test_beside_its_configuration_a_run_is_read_exactly(serve, hcp):
    """count-index-arithmetic: read alone, the instance may be in either subnet (possible);
    beside its main.tf (the workspace's working directory inside the configuration), it is in
    the public one, certainly."""
    url, _ = serve
    base = f"http://127.0.0.1:{hcp.port}/api/v2/configuration-versions"
    exact = request(
        hcp, "exact", configuration_version_download_url=f"{base}/exact/download", workspace_working_directory="network"
    )
    assert post(url, exact) == 200
    assert post(url, request(hcp, "alone")) == 200
    for name, certainty in (("exact", "Certain"), ("alone", "Possible")):
        result = hcp.result(name)["body"]["data"]
        outcome = result["relationships"]["outcomes"]["data"][0]["attributes"]
        assert outcome["description"] == "TCP port 22 (SSH) on aws_instance.app[0] is reachable from the internet"
        assert outcome["tags"]["Certainty"] == [{"label": certainty, "level": "none"}], name
    assert "configuration" not in hcp.result("exact")["body"]["data"]["attributes"]["message"]


def test_a_configuration_that_reaches_out_of_its_folder_is_not_used(serve, hcp, tmp_path):
    url, _ = serve
    base = f"http://127.0.0.1:{hcp.port}/api/v2/configuration-versions"
    escaping = request(hcp, "escaping", configuration_version_download_url=f"{base}/escaping/download")
    assert post(url, escaping) == 200
    message = hcp.result("escaping")["body"]["data"]["attributes"]["message"]
    assert message.endswith(
        "read without its configuration (the configuration cannot be unpacked (OutsideDestinationError))"
    )


def test_accepted_exposures_are_counted_in_the_message_and_are_not_outcomes(tmp_path):
    from tfreach.serve.outcomes import from_report

    config = tmp_path / ".tfreach.yml"
    config.write_text('allow:\n  - {resource: "aws_instance.web[*]", ports: 22, reason: bastions reviewed in SEC-1}\n')
    plan = REPO / "tests" / "inputs" / "grouped-report" / "plan.json"
    result = run_cli("check", str(plan), "--format", "json", "--group", "--config", str(config), "--fail-on", "high")
    assert result.returncode == 1, result.stderr  # worker["a", "b"] still open on 22
    task = from_report(json.loads(result.stdout))["data"]
    assert ", 3 accepted) in 3 groups; fails at --fail-on high" in task["attributes"]["message"]
    described = [o["attributes"]["description"] for o in task["relationships"]["outcomes"]["data"]]
    assert not [d for d in described if "TCP port 22 (SSH) on aws_instance.web" in d]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
