"""Who may run long: the admission policy of the query workers' two lanes.

Every query starts in the **fast lane** with a short budget (``Settings.fast_lane_budget``,
0.5 s). Nearly every query a page or a person sends finishes inside it. A query that does
not is moved to the **heavy lane**, where it may run until its deadline; the heavy lane has
``Settings.heavy_lane`` places (and a client holds at most ``Settings.heavy_per_client``
of them at once). When it is full, the query is stopped at once and answered ``503`` with
``Retry-After``: a client sending explosive queries gets quick refusals, never the workers
that cheap queries need. The pool keeps ``query_workers`` processes out of the heavy lane
whatever happens, so cheap queries always find one.

A query that outgrew the budget is remembered (the last 256 texts, for ten minutes): sent
again, it goes straight to the heavy lane, or is refused at once when that is full,
without spending a fast worker's budget first. A remembered query that then finishes
within the budget is forgotten again.

This module is the bookkeeping only (no processes): :class:`Lanes`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

#: How many outgrown texts are remembered, and for how long (seconds).
_REMEMBERED = 256
_REMEMBER_FOR = 600.0


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Lanes:
    """Places in the heavy lane, per client, and the texts known to outgrow the budget."""

    def __init__(self, heavy: int, per_client: int = 0, budget: float = 0.5) -> None:
        #: Queries allowed past the budget at once (0: no lanes, every query runs to its
        #: deadline wherever it started).
        self.heavy = heavy
        #: Places one client may hold at once (0: no per-client limit).
        self.per_client = per_client
        #: Seconds a query may run in the fast lane.
        self.budget = budget
        self._lock = threading.Lock()
        self._running = 0
        self._clients: dict[str, int] = {}
        self._known: OrderedDict[bytes, float] = OrderedDict()
        #: Counters, for /ready and the benchmark.
        self.promoted = 0
        self.refused = 0

    @property
    def enabled(self) -> bool:
        return self.heavy > 0

    @property
    def running(self) -> int:
        return self._running

    def enter(self, client: str) -> str | None:
        """Take a place in the heavy lane for ``client``; None when granted, else why not."""
        with self._lock:
            if self._running >= self.heavy:
                self.refused += 1
                return (
                    f"every place in the heavy-query lane ({self.heavy}) is taken by other "
                    "long queries"
                )
            held = self._clients.get(client, 0)
            if client and self.per_client and held >= self.per_client:
                self.refused += 1
                return (
                    f"this client already runs {held} long "
                    f"quer{'y' if held == 1 else 'ies'} (at most {self.per_client} at once)"
                )
            self._running += 1
            if client:
                self._clients[client] = held + 1
            self.promoted += 1
            return None

    def leave(self, client: str) -> None:
        """Give back the place taken by :meth:`enter`."""
        with self._lock:
            self._running = max(0, self._running - 1)
            if client and client in self._clients:
                self._clients[client] -= 1
                if self._clients[client] <= 0:
                    del self._clients[client]

    def known_heavy(self, text: str) -> bool:
        """True when ``text`` outgrew the budget lately."""
        key = _key(text)
        with self._lock:
            seen = self._known.get(key)
            if seen is None:
                return False
            if time.monotonic() - seen > _REMEMBER_FOR:
                del self._known[key]
                return False
            return True

    def remember(self, text: str) -> None:
        key = _key(text)
        with self._lock:
            self._known[key] = time.monotonic()
            self._known.move_to_end(key)
            while len(self._known) > _REMEMBERED:
                self._known.popitem(last=False)

    def forget(self, text: str) -> None:
        with self._lock:
            self._known.pop(_key(text), None)
