"""Talking to HCP Terraform: the plan JSON in, the task result out, the token only to HCP.

The request's access token authorises both calls. It is sent only to the HCP Terraform address
the server was given (scheme, host and port); the plan download's redirect to temporary storage
elsewhere is followed without it, and a plan or callback URL on another address is refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

from tfreach.serve.request import RunTaskRequest

MAX_REDIRECTS = 5
CALLBACK_ATTEMPTS = 3


class HcpError(Exception):
    """A call to HCP Terraform failed; the message is safe to log and to report (no token)."""


class Hcp:
    def __init__(self, address: str, client: httpx.AsyncClient, max_plan_bytes: int, retry_delay: float = 1.0):
        self.origin = _origin(address)
        self.client = client
        self.max_plan_bytes = max_plan_bytes
        self.retry_delay = retry_delay

    def trusted(self, url: str) -> bool:
        return _origin(url) == self.origin

    async def download_plan(self, task: RunTaskRequest, into: Path) -> None:
        """GET plan_json_api_url with the token; HCP answers with a redirect to the file."""
        await self.download(task, task.plan_url or "", "the plan JSON", into)

    async def download(self, task: RunTaskRequest, url: str, what: str, into: Path) -> None:
        if not self.trusted(url):
            raise HcpError(
                f"the URL of {what} is not on the HCP Terraform address tfreach serve was given: not fetched"
            )
        headers = {"Authorization": f"Bearer {task.access_token}"}
        for _ in range(MAX_REDIRECTS + 1):
            async with self.client.stream("GET", url, headers=headers) as response:
                if response.is_redirect and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    if not self.trusted(url):
                        headers = {}  # temporary storage elsewhere: authorised by its URL, not our token
                    continue
                if response.status_code == 204:
                    raise HcpError(f"HCP Terraform has no {what} for this run yet (HTTP 204)")
                if response.status_code != 200:
                    raise HcpError(f"downloading {what} failed: HTTP {response.status_code}")
                await self._save(response, into, what)
                return
        raise HcpError(f"downloading {what}: more than {MAX_REDIRECTS} redirects")

    async def _save(self, response: httpx.Response, into: Path, what: str) -> None:
        size = 0
        with into.open("wb") as out:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_plan_bytes:
                    raise HcpError(
                        f"the plan JSON is larger than {self.max_plan_bytes >> 20} MiB, more than tfreach reads"
                    )
                out.write(chunk)

    async def send_result(self, task: RunTaskRequest, result: dict[str, Any]) -> None:
        """PATCH the task result to the callback URL; a server error or a lost connection is tried
        again (three times in all), a refusal is not."""
        if not self.trusted(task.callback_url):
            raise HcpError("the callback URL is not on the HCP Terraform address tfreach serve was given: not called")
        headers = {"Authorization": f"Bearer {task.access_token}", "Content-Type": "application/vnd.api+json"}
        problem = "no attempt"
        for attempt in range(CALLBACK_ATTEMPTS):
            if attempt:
                await asyncio.sleep(self.retry_delay * 2 ** (attempt - 1))
            try:
                response = await self.client.patch(task.callback_url, content=orjson.dumps(result), headers=headers)
            except httpx.HTTPError as error:
                problem = type(error).__name__
                continue
            if response.status_code < 300:
                return
            problem = f"HTTP {response.status_code}"
            if 400 <= response.status_code < 500 and response.status_code != 429:
                break  # refused: the same body will be refused again
        raise HcpError(f"sending the result to HCP Terraform failed: {problem}")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = -1
    return parts.scheme, (parts.hostname or "").lower(), port
