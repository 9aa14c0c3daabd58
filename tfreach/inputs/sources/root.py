"""The root a configuration's sources cannot leave.

Sources may come from an untrusted pull request: `file("/proc/self/environ")`, a module
`source = "../../.."`, or a `.tf` that is a symlink to a file of the runner would read what the
CI job holds. The root is the repository's top level when the folder is inside a git
repository, else the folder itself. Everything the sources name (files read by functions, module
folders, `.tf` and variables files found in a folder) must lie inside it once links are
followed, and never under `.git/`, where actions/checkout keeps the job's token. Anything else is
an input error naming the reference, and is never opened.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tfreach.errors import InputError


class OutsideRoot(Exception):
    """A path the sources name lies outside the root (the caller says where it is named)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Root:
    top: Path  # resolved

    def inside(self, path: Path) -> Path:
        """`path` with every link followed, when it lies inside the root and outside `.git/`;
        OutsideRoot otherwise."""
        resolved = Path(os.path.realpath(path))
        if resolved != self.top and self.top not in resolved.parents:
            raise OutsideRoot(f"{path} lies outside {self.top}, the root sources cannot leave")
        if ".git" in resolved.relative_to(self.top).parts:
            raise OutsideRoot(f"{path} lies under .git/, which sources never read")
        return resolved

    def check(self, path: Path, where: str) -> Path:
        """As `inside`, as an input error naming `where` (a file:line, or the file itself)."""
        try:
            return self.inside(path)
        except OutsideRoot as outside:
            raise InputError(where, outside.what) from None


@lru_cache(maxsize=64)
def root_of(folder: Path) -> Root:
    """The git repository's top level holding `folder`, else `folder` (both resolved)."""
    start = Path(os.path.realpath(folder))
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return Root(candidate)
    return Root(start)
