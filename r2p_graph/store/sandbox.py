"""The walls a query worker puts up around itself before it answers anything.

* :func:`isolate_network`: an empty network namespace (no route anywhere) when Linux
  allows it;
* :func:`install_audit_hook`: no sockets, subprocesses or file reads outside Python's
  own folders and the dataset's;
* :func:`raise_stack_limit`: room for the engine's recursion (a query too deeply nested is
  refused before it gets here, see :mod:`r2p_graph.store.refuse`);
* :func:`limit_memory`: ``RLIMIT_DATA`` at the loaded size plus a query's share, so a
  query that needs more is stopped instead of growing the server.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import site
import sys
from pathlib import Path
from typing import Any

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
#: How far a worker's main thread may grow its stack: 8x Linux's usual 8 MB, so that a
#: query just under the nesting limits (``Settings.max_query_depth``) is far from it.
_WORKER_STACK = 64 << 20
_VMDATA = re.compile(r"^VmData:\s+(\d+) kB", re.MULTILINE)
_BLOCKED_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.bind",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.sendto",
        "socket.sendmsg",
        "urllib.Request",
        "http.client.connect",
        "ftplib.connect",
        "smtplib.connect",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "webbrowser.open",
    }
)



def isolate_network() -> str:
    """Move this (single-threaded) process into a new, empty network namespace.

    Returns what was achieved, for the logs. Best effort: without user namespaces or
    CAP_SYS_ADMIN it does nothing, and the other safety layers remain.
    """
    if not sys.platform.startswith("linux"):
        return "none (not Linux)"
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError as exc:  # pragma: no cover - libc is always there on Linux
        return f"none ({exc})"
    error = 0
    for flags, label in (
        (_CLONE_NEWUSER | _CLONE_NEWNET, "user+network namespace"),
        (_CLONE_NEWNET, "network namespace"),
    ):
        if libc.unshare(flags) == 0:
            return label
        error = ctypes.get_errno()
    return f"none ({os.strerror(error)})"


def _allowed_roots(extra: list[Path]) -> tuple[str, ...]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(_PACKAGE_ROOT)}
    try:
        roots.update(site.getsitepackages())
    except AttributeError:  # pragma: no cover - virtualenv oddities
        pass
    roots.update(p for p in sys.path if p and os.path.isdir(p))
    roots.update(str(p) for p in extra)
    return tuple(sorted(os.path.realpath(r) for r in roots))


def install_audit_hook(extra_roots: list[Path]) -> None:
    """Refuse network, subprocesses and file opens outside Python's own directories."""
    roots = _allowed_roots(extra_roots)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event in _BLOCKED_EVENTS:
            raise PermissionError(f"{event} is not allowed in a query worker")
        if event == "open" and args:
            path = args[0]
            if isinstance(path, int) or path is None:
                return
            real = os.path.realpath(os.fsdecode(path))
            if not any(real == root or real.startswith(root + os.sep) for root in roots):
                raise PermissionError(f"reading {real} is not allowed in a query worker")

    sys.addaudithook(hook)


def raise_stack_limit() -> str:
    """Let this process's main thread grow its stack to :data:`_WORKER_STACK` (the kernel
    checks the limit when the stack grows, so raising it now is enough)."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
        want = _WORKER_STACK if hard == resource.RLIM_INFINITY else min(_WORKER_STACK, hard)
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_STACK, (want, hard))
            soft = want
    except (ValueError, OSError) as exc:
        return f"unchanged ({exc})"
    return "unlimited" if soft == resource.RLIM_INFINITY else f"{soft >> 20} MiB"


def data_size() -> int | None:
    """This process's data segment (``VmData``: heap and private writable mappings), in
    bytes; what ``RLIMIT_DATA`` bounds. None without /proc."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            match = _VMDATA.search(status.read())
    except OSError:
        return None
    return int(match.group(1)) * 1024 if match else None


def limit_memory(extra_mb: int) -> str:
    """Cap this process's data segment at its present size plus ``extra_mb`` MiB.

    ``RLIMIT_DATA`` (Linux 4.7+) counts heap and private writable mappings, not the
    read-only file mappings of the on-disk store nor reserved-but-inaccessible address
    space, so it bounds what a query can allocate and nothing else. Past it, an
    allocation fails: Python raises ``MemoryError``, Oxigraph (Rust) aborts the process,
    which the pool reports as a query that needed too much memory.
    """
    if extra_mb <= 0:
        return "no limit"
    current = data_size()
    if current is None:
        return "no limit (no /proc/self/status)"
    limit = current + (extra_mb << 20)
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError) as exc:
        return f"no limit ({exc})"
    return f"{limit >> 20} MiB"
