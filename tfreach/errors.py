"""Errors that end a run with a one-line message and exit code 2."""

from __future__ import annotations


class InputError(Exception):
    """A file tfreach cannot read as a Terraform plan: names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        # Both come from the input: never more than a few hundred characters of it in a CI log.
        super().__init__(f"{path[:300]}: {problem[:600]}")
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        """Travels intact from a --jobs worker process."""
        return (InputError, (self.path, self.problem))


class NotAPlan(InputError):
    """JSON that is not a Terraform plan or state at all (no format_version, not an object):
    `check --only-plans` skips it, as a hook that matches file names may pass any JSON."""

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return (NotAPlan, (self.path, self.problem))
