"""The HTTP server in front of the app: waitress, set up to hold many slow clients.

Waitress serves connections from one event loop and runs the app in a pool of threads,
so a connection costs a socket and a little buffer until its request is complete, never
a thread. Its defaults do not survive slow clients, though: ``connection_limit`` is 100
(100 clients trickling a header line every few seconds stop the site: the loop stops
accepting), it waits with ``select()`` (at most 1,024 descriptors), and a client that
keeps sending a byte now and then is never idle, so ``channel_timeout`` never closes it.

:func:`make_server` therefore

* waits with ``poll()`` (``asyncore_use_poll``): no descriptor limit;
* holds ``Settings.connection_limit`` connections (4,000), and raises this process's
  open-file limit to fit them;
* closes a connection idle for ``Settings.channel_timeout`` seconds, and one whose
  request has not been received whole ``Settings.request_read_timeout`` seconds after
  its first byte (checked every 2 s), however slowly it trickles.

Per-address connection limits are a reverse proxy's job (nginx ``limit_conn``); this
server only makes sure that a thousand slow clients cost memory, not service.
"""

from __future__ import annotations

import logging
import resource
import time
import types
from typing import Any

from waitress import create_server
from waitress.server import BaseWSGIServer, MultiSocketServer

from r2p_graph.config import Settings

log = logging.getLogger("r2p_graph.serve")

#: Descriptors kept free for everything but client connections (workers, files, logs).
_SPARE_FILES = 256
_CHECK_EVERY = 2.0


def raise_file_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards ``wanted``; the limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):  # pragma: no cover - within the hard limit
            pass
    return soft


def make_server(
    app: Any, settings: Settings, *, host: str | None = None, port: int | None = None
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for ``app`` on ``host:port`` (default: the settings'), not yet
    running (call ``run()``)."""
    files = raise_file_limit(settings.connection_limit + _SPARE_FILES)
    limit = settings.connection_limit
    if files != resource.RLIM_INFINITY and files < limit + _SPARE_FILES:
        limit = max(16, files - _SPARE_FILES)
        log.warning(
            "R2P_CONNECTION_LIMIT=%d lowered to %d: this process may open %d files",
            settings.connection_limit,
            limit,
            files,
        )
    server = create_server(
        app,
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        threads=settings.http_threads,
        ident="r2p-graph",
        # Let the app, not waitress, answer long URLs (414) and big bodies (413).
        max_request_header_size=max(262_144, settings.max_query_chars * 3 + 65_536),
        max_request_body_size=settings.max_body_bytes * 2 + 65_536,
        clear_untrusted_proxy_headers=True,
        asyncore_use_poll=True,
        connection_limit=limit,
        channel_timeout=max(1, round(settings.channel_timeout)),
        cleanup_interval=max(1, round(_CHECK_EVERY)),
    )
    _close_slow_requests(server, settings.request_read_timeout)
    return server


def _close_slow_requests(server: Any, limit: float) -> None:
    """Make the server's periodic clean-up also close connections whose request has been
    arriving for more than ``limit`` seconds (waitress only closes idle ones)."""
    servers = getattr(server, "map", None)
    targets = [s for s in servers.values() if isinstance(s, BaseWSGIServer)] if isinstance(
        server, MultiSocketServer
    ) and servers else [server]
    for target in targets:
        if not isinstance(target, BaseWSGIServer) or limit <= 0:
            continue
        started: dict[int, tuple[object, float]] = {}
        original = target.maintenance

        def maintenance(self: BaseWSGIServer, now: float, _original: Any = original,
                        _started: dict[int, tuple[object, float]] = started) -> None:
            _original(now)
            clock = time.monotonic()
            seen: set[int] = set()
            for channel in list(self.active_channels.values()):
                partial = getattr(channel, "request", None)
                if partial is None or channel.requests:
                    continue
                key = id(channel)
                seen.add(key)
                first = _started.get(key)
                if first is None or first[0] is not partial:
                    _started[key] = (partial, clock)
                elif clock - first[1] > limit:
                    channel.will_close = True
            for key in list(_started):
                if key not in seen:
                    del _started[key]

        target.maintenance = types.MethodType(maintenance, target)
