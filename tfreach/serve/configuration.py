"""The run's Terraform configuration beside its plan: the links the plan JSON leaves open (a
subnet picked with `count.index + 1`) are then exact, as with `tfreach check` in the folder of
the .tf files.

HCP Terraform gives the configuration version as a tar.gz. It is untrusted input: read as a
stream with tarfile's "data" filter (no absolute path, no link or file outside the folder, no
device), within a number of files and a size (declared sizes are counted before their bytes are
read, so a compressed bomb stops early); the working directory must lie inside it.
"""

from __future__ import annotations

import tarfile
import zlib
from pathlib import Path

MAX_FILES = 20_000
MAX_BYTES = 256 << 20  # unpacked


class ConfigurationError(Exception):
    """Why the configuration cannot be used (the plan is then read alone)."""


def unpack(archive: Path, into: Path, working_directory: str) -> Path:
    """The folder of the root module, unpacked from `archive` into `into`."""
    files = size = 0
    try:
        with tarfile.open(archive, "r|gz") as stream:
            for member in stream:
                files, size = files + 1, size + max(member.size, 0)
                if files > MAX_FILES or size > MAX_BYTES:
                    raise ConfigurationError(f"the configuration holds more than {MAX_FILES:,} files or 256 MiB")
                stream.extract(member, into, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise ConfigurationError(f"the configuration cannot be unpacked ({type(error).__name__})") from None
    root = (into / working_directory).resolve()
    if not root.is_relative_to(into.resolve()) or not root.is_dir():
        raise ConfigurationError("the workspace's working directory is not in the configuration")
    return root
