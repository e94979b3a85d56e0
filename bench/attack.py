"""Attacks on a served r2p-graph, measured: the figures behind bench/ATTACK.md (issue 15).

    python bench/attack.py [--root CHECKOUT] [--duration 30] [--slow 1000] [--label NAME]

Starts ``python server.py`` from ``--root`` (default: this checkout; the default
settings, the dataset built from its ``data/``) on a free port of 127.0.0.1, runs three
attacks one after the other, stops the server, and prints a Markdown table:

1. **slow clients**: ``--slow`` connections that each send a request line and then one
   header line every 2 s, never finishing; while they are held, 20 cheap queries one
   after the other (each with a 10 s client timeout): how many answered, p50/max latency,
   and how many slow connections the server still holds;
2. **starvation**: ``--explosive`` clients sending explosive queries without pause (a
   cartesian product, ``ORDER BY`` over a product, a ``(p|^p|!x)*`` path closure) while
   ``--cheap`` clients send a cheap ``LIMIT 20`` lookup and 2 clients fetch the home page
   and a resource page, for ``--duration`` seconds: p50/p99 of cheap queries and pages,
   and how many were refused (any status but 200);
3. **memory**: ``SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f`` once, with the
   server process tree's resident memory sampled every 50 ms: idle and peak, and the
   answer's status and first line.

4. **stream** (``--only stream``): ``CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }`` over
   the whole dataset as N-Triples, read as it comes: time to the first byte and to the
   last, bytes and triples received, how the body ends (``# truncated: ...`` or whole),
   and the server tree's peak RSS meanwhile. ``--synthetic N`` serves N generated
   triples (a temporary N-Triples file) instead of ``data/``; ``--env KEY=VALUE`` sets
   server settings (e.g. ``R2P_MAX_ANSWER_BYTES=0``, ``R2P_QUERY_TIMEOUT=120``).

Everything is bounded: every client loop stops at its end time, every request has a
client timeout, the server is killed (its process group) on exit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import tree_rss_mb  # bench/run.py: the /proc readers, written once

ROOT = Path(__file__).resolve().parent.parent
JSON = {"Accept": "application/sparql-results+json"}
PREFIXES = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
CHEAP = PREFIXES + "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 20"
EXPLOSIVE = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 10",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://www.w3.org/2004/02/skos/core#broader>|"
    "^<http://www.w3.org/2004/02/skos/core#broader>|!<http://example.org/x>)* ?o }",
]
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"


# -- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(
    root: Path, python: str, env_extra: dict[str, str], files: list[str] | None = None
) -> Iterator[tuple[str, int]]:
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "R2P_HOST": "127.0.0.1",
            "R2P_PORT": str(port),
            "R2P_ACCESS_LOG": "0",
            "PYTHONPATH": str(root),
            **env_extra,
        }
    )
    log = open(Path(tempfile.gettempdir()) / f"r2p-attack-server-{port}.log", "w")
    command = [python, "server.py"]
    if files:
        command = [python, "-m", "r2p_graph.cli", "serve", *files]
    proc = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 600
        while time.monotonic() < end:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with {proc.returncode}; see {log.name}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + "/ready", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise TimeoutError("the server did not get ready within 600 s")
        yield url, proc.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        log.close()


# -- measuring -----------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    refused: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 200:
                self.latencies.append(seconds)
            else:
                self.refused += 1
                self.latencies.append(seconds)

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def summary(self) -> str:
        return (
            f"p50 {self.pct(0.5) * 1000:.0f} ms, p99 {self.pct(0.99) * 1000:.0f} ms, "
            f"{self.refused}/{self.count} refused ({self.refused / max(1, self.count):.0%})"
        )


def timed_get(session: requests.Session, url: str, tally: Tally, **kwargs: object) -> None:
    started = time.perf_counter()
    try:
        status = session.get(url, timeout=30, **kwargs).status_code  # type: ignore[arg-type]
    except requests.RequestException:
        status = 0
    tally.add(time.perf_counter() - started, status)


def starvation(url: str, duration: float, explosive: int, cheap: int) -> dict[str, str]:
    end = time.monotonic() + duration
    cheap_tally, page_tally, heavy_tally = Tally(), Tally(), Tally()

    def heavy_client(i: int) -> None:
        session = requests.Session()
        n = i
        while time.monotonic() < end:
            query = EXPLOSIVE[n % len(EXPLOSIVE)]
            n += 1
            timed_get(session, url + "/sparql", heavy_tally, params={"query": query})

    def cheap_client() -> None:
        session = requests.Session()
        while time.monotonic() < end:
            timed_get(session, url + "/sparql", cheap_tally, params={"query": CHEAP},
                      headers=JSON)

    def page_client(path: str) -> None:
        session = requests.Session()
        while time.monotonic() < end:
            timed_get(session, url + path, page_tally, headers={"Accept": "text/html"})

    threads = [threading.Thread(target=heavy_client, args=(i,)) for i in range(explosive)]
    threads += [threading.Thread(target=cheap_client) for _ in range(cheap)]
    threads += [threading.Thread(target=page_client, args=(p,)) for p in ("/", "/id/state/GBR")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 120)
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(heavy_tally.statuses.items()))
    return {
        "cheap": cheap_tally.summary(),
        "pages": page_tally.summary(),
        "explosive": f"{heavy_tally.count} sent ({statuses})",
    }


def slow_clients(url: str, count: int) -> dict[str, str]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, count * 2 + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    port = int(url.rsplit(":", 1)[1])
    socks: list[socket.socket] = []
    opened_failed = 0
    for _ in range(count):
        s = socket.socket()
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            s.setblocking(False)
            socks.append(s)
        except OSError:
            opened_failed += 1
            s.close()
    stop = threading.Event()

    def trickle() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            for s in socks:
                with contextlib.suppress(OSError):
                    s.send(f"X-Trickle-{n}: 1\r\n".encode())
            stop.wait(2.0)

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        stop.wait(4.0)  # two rounds of trickling before measuring
        tally = Tally()
        session = requests.Session()
        for _ in range(20):
            started = time.perf_counter()
            try:
                status = session.get(url + "/sparql", params={"query": CHEAP}, headers=JSON,
                                     timeout=10).status_code
            except requests.RequestException:
                status = 0
            tally.add(time.perf_counter() - started, status)
        held = 0
        for s in socks:
            try:
                held += s.recv(1) != b""
            except BlockingIOError:
                held += 1  # nothing to read: still open
            except OSError:
                pass
        answered = tally.statuses.get(200, 0)
        latencies = sorted(tally.latencies)
        return {
            "cheap": f"{answered}/20 answered, p50 {statistics.median(latencies) * 1000:.0f} ms, "
                     f"max {latencies[-1] * 1000:.0f} ms",
            "held": f"{len(socks)} opened ({opened_failed} failed to connect), {held} held",
        }
    finally:
        stop.set()
        thread.join(timeout=10)
        for s in socks:
            s.close()


def memory(url: str, pid: int) -> dict[str, str]:
    idle = tree_rss_mb(pid)
    cheap = requests.get(url + "/sparql", params={"query": CHEAP}, headers=JSON, timeout=60)
    cheap.raise_for_status()
    peak = idle
    done = threading.Event()
    answer: dict[str, str] = {}

    def send() -> None:
        started = time.perf_counter()
        try:
            r = requests.get(url + "/sparql", params={"query": HUNGRY}, headers=JSON,
                             timeout=120)
            line = r.text.strip().splitlines()[0][:140] if r.status_code != 200 else "(rows)"
            answer["status"] = f"{r.status_code} in {time.perf_counter() - started:.1f} s: {line}"
        except requests.RequestException as exc:
            answer["status"] = f"failed: {type(exc).__name__}"
        done.set()

    threading.Thread(target=send).start()
    while not done.wait(0.05):
        peak = max(peak, tree_rss_mb(pid))
    return {"idle": f"{idle:.0f} MB", "peak": f"{peak:.0f} MB", "answer": answer["status"]}


STREAM = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


def stream(url: str, pid: int, timeout: float) -> dict[str, str]:
    """Time to first byte and to last byte of the whole dataset as N-Triples."""
    peak = [tree_rss_mb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    first = None
    size = lines = 0
    tail = b""
    try:
        with requests.get(
            url + "/sparql", params={"query": STREAM},
            headers={"Accept": "application/n-triples"}, stream=True, timeout=timeout,
        ) as response:
            status = response.status_code
            streamed = response.headers.get("X-R2P-Streamed", "no")
            for chunk in response.iter_content(chunk_size=None):
                if first is None:
                    first = time.perf_counter() - started
                size += len(chunk)
                lines += chunk.count(b"\n")
                tail = (tail + chunk)[-200:]
            truncated = response.headers.get("X-R2P-Results-Truncated")
    finally:
        done.set()
        sampler.join()
    total = time.perf_counter() - started
    ending = tail.rstrip().rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
    how = ending if ending.startswith("#") else (f"header {truncated}" if truncated else "whole")
    return {
        "status": f"{status}, streamed: {streamed}",
        "ttfb": f"{(first or total) * 1000:.0f} ms",
        "total": f"{total * 1000:.0f} ms",
        "size": f"{size / 1e6:.1f} MB, {lines} lines, ending: {how}",
        "rss": f"{peak[0]:.0f} MB",
    }


def synthetic(n: int) -> Path:
    """``n`` triples as N-Triples in a temporary file (subjects of 10 triples each)."""
    path = Path(tempfile.gettempdir()) / f"r2p-attack-synthetic-{n}.nt"
    if not path.exists():
        with path.open("w") as out:
            for i in range(n):
                out.write(
                    f"<http://example.org/s{i // 10}> <http://example.org/p{i % 10}> "
                    f'"value {i} of a synthetic dataset" .\n'
                )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to serve from")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--explosive", type=int, default=4)
    parser.add_argument("--cheap", type=int, default=16)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--files", nargs="*", help="serve these RDF files (r2p-graph serve FILE...) instead"
    )
    parser.add_argument(
        "--only", choices=("slow", "starvation", "memory", "stream"), action="append"
    )
    parser.add_argument("--synthetic", type=int, default=0, help="serve N generated triples")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    args = parser.parse_args(argv)
    only = set(args.only or ("slow", "starvation", "memory"))
    rows: list[tuple[str, str]] = []
    env = dict(item.split("=", 1) for item in args.env)
    files = [str(synthetic(args.synthetic))] if args.synthetic else args.files
    with server(args.root.resolve(), args.python, env, files) as (url, pid):
        if "slow" in only:
            s = slow_clients(url, args.slow)
            rows += [(f"{args.slow} slow clients: connections", s["held"]),
                     ("cheap query meanwhile", s["cheap"])]
        if "starvation" in only:
            t = starvation(url, args.duration, args.explosive, args.cheap)
            who = f"{args.explosive} explosive + {args.cheap} cheap clients, {args.duration:g} s"
            rows += [(f"cheap queries ({who})", t["cheap"]),
                     ("home and resource pages meanwhile", t["pages"]),
                     ("explosive queries", t["explosive"])]
        if "memory" in only:
            m = memory(url, pid)
            rss = f"idle {m['idle']}, peak {m['peak']}"
            rows += [("memory-hungry query: server tree RSS", rss),
                     ("memory-hungry query: answer", m["answer"])]
        if "stream" in only:
            st = stream(url, pid, timeout=600)
            rows += [("CONSTRUCT of everything: status", st["status"]),
                     ("time to first byte", st["ttfb"]), ("time to last byte", st["total"]),
                     ("received", st["size"]), ("server tree peak RSS", st["rss"])]
    title = args.label or str(args.root)
    print(f"\n| {title} | |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
