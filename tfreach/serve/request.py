"""The run task request: its signature and the fields tfreach uses.

HCP Terraform signs the body with the run task's HMAC key: `X-Tfc-Task-Signature` is the hex
HMAC-SHA512 of the raw body. When the server has a key, a request without that signature is
refused; when it has none, unsigned requests are taken (say so in the logs).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

SIGNATURE_HEADER = "x-tfc-task-signature"
# The token HCP Terraform sends when a run task is created or edited, to check the URL answers.
TEST_TOKEN = "test-token"


class BadRequest(ValueError):
    """The request cannot be a run task request; the message names what is wrong, never a value."""


def signed(body: bytes, signature: str | None, key: str | None) -> bool:
    """Is the body signed with the key (always true without a key)?"""
    if not key:
        return True
    expected = hmac.new(key.encode(), body, hashlib.sha512).hexdigest()
    return signature is not None and hmac.compare_digest(expected, signature.strip().lower())


@dataclass(frozen=True)
class RunTaskRequest:
    access_token: str
    callback_url: str
    stage: str
    plan_url: str | None  # none before the plan exists (pre_plan)
    configuration_url: str | None  # the run's .tf files as a tar.gz, when HCP Terraform can give them
    working_directory: str  # where the root module is inside them
    run_id: str
    workspace: str
    organization: str
    run_url: str | None

    @property
    def is_test(self) -> bool:
        """The configuration test HCP Terraform sends when the run task is registered."""
        return self.access_token == TEST_TOKEN

    def __repr__(self) -> str:  # the token never reaches a log line
        return (
            f"RunTaskRequest(run={self.run_id!r}, workspace={self.organization}/{self.workspace}, stage={self.stage})"
        )


def parse_request(body: bytes) -> RunTaskRequest:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise BadRequest("the body is not a JSON object")
    if payload.get("payload_version") != 1:
        raise BadRequest("payload_version is not 1")
    return RunTaskRequest(
        access_token=_text(payload, "access_token"),
        callback_url=_text(payload, "task_result_callback_url"),
        stage=_text(payload, "stage"),
        plan_url=_optional(payload, "plan_json_api_url"),
        configuration_url=_optional(payload, "configuration_version_download_url"),
        working_directory=_optional(payload, "workspace_working_directory") or "",
        run_id=_optional(payload, "run_id") or "(no run id)",
        workspace=_optional(payload, "workspace_name") or "(no workspace)",
        organization=_optional(payload, "organization_name") or "(no organization)",
        run_url=_optional(payload, "run_app_url"),
    )


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise BadRequest(f"{name} is missing or not a string")
    return value


def _optional(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    return value if isinstance(value, str) and value else None
