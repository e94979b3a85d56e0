"""The benchmark: this endpoint against rdflib-endpoint and Oxigraph's own server, in one run.

    make bench                      # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --sizes real,100k --clients 4 --cap 30

For each size (``bench/generate.py``: the real graph, ~100k and ~1M asserted triples):

1. cold build of the project's pipeline (``bench/coldbuild.py``: what ``ensure_build``
   runs on a cache miss), phase by phase, with the peak memory of its process tree
   (validation processes included); it leaves the cached build the servers start from;
2. cached start: ``ensure_build`` finding the cached N-Quads, and ``r2p-graph serve``
   from it until the first query is answered;
3. three servers over the same N-Quads file, all up at once: ``r2p-graph serve``
   (waitress, query worker processes), ``rdflib-endpoint serve`` (uvicorn, rdflib's SPARQL
   engine) and ``oxigraph serve-read-only --union-default-graph`` after ``oxigraph load``;
4. the query mix (``bench/queries.py``), query by query, server by server: one warm-up,
   then sequential requests (median, p99) and ``--clients`` concurrent clients
   (throughput), each bounded in count and time; a request slower than ``--cap`` seconds
   is reported as "> cap";
5. start-up time and peak RSS of each server's process tree.

The peers live in ``bench/.venv-peers`` (created on first run: rdflib-endpoint, uvicorn,
oxigraph), never in the project's dependencies. Results: ``bench/REPORT.md`` and the raw
numbers in ``bench/out/results.json``. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
PEERS = BENCH / ".venv-peers"
PEER_PACKAGES = ["rdflib-endpoint==0.6.3", "uvicorn==0.54.0", "oxigraph==0.5.13"]
PY = Path(sys.executable)
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from generate import generate  # noqa: E402
from queries import BenchQuery, query_mix  # noqa: E402

JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"


# -- processes and memory ----------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def descendants(pid: int, tree: dict[int, list[int]] | None = None) -> list[int]:
    """A process and all its descendants (``tree``: a snapshot from ``_children()``)."""
    tree = _children() if tree is None else tree
    todo, found = [pid], []
    while todo:
        p = todo.pop()
        found.append(p)
        todo += tree.get(p, [])
    return found


def process_rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (0 when it is gone)."""
    return proc_status_mb(pid, "VmRSS")


def hwm_mb(pid: int) -> float:
    """The kernel's record of a process's peak resident memory (VmHWM), in MB."""
    return proc_status_mb(pid, "VmHWM")


def proc_status_mb(pid: int, field: str) -> float:
    """A memory field of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``...), in MB; 0 when the
    process is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    return sum(process_rss_mb(p) for p in descendants(pid))


class MemorySampler:
    """Samples the RSS of process trees every ``interval`` seconds; keeps the peak."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.pids: dict[str, int] = {}
        self.peak: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, name: str, pid: int) -> None:
        self.pids[name] = pid

    def forget(self, name: str) -> None:
        self.pids.pop(name, None)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for name, pid in list(self.pids.items()):
                rss = tree_rss_mb(pid)
                self.peak[name] = max(self.peak.get(name, 0.0), rss)

    def close(self) -> None:
        self._stop.set()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


_STARTED: list[subprocess.Popen[bytes]] = []


def spawn(cmd: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, remembered so that any exit stops it."""
    proc = subprocess.Popen(cmd, start_new_session=True, **kwargs)
    _STARTED.append(proc)
    return proc


def stop_all() -> None:
    for proc in _STARTED:
        stop(proc)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a server we started (and its process group)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def run_timed(cmd: list[str], *, env: dict[str, str] | None = None, cap: float) -> dict[str, Any]:
    """Run a command to the end or to ``cap`` seconds; wall time and peak RSS of its tree."""
    sampler = MemorySampler(0.2)
    started = time.perf_counter()
    log = OUT / "logs" / f"{Path(cmd[1]).stem}-{int(time.time() * 1000)}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as err:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=err, env=env, cwd=ROOT, start_new_session=True
        )
        sampler.watch("cmd", proc.pid)
        try:
            out, _ = proc.communicate(timeout=cap)
            timed_out = False
        except subprocess.TimeoutExpired:
            stop(proc)
            out, timed_out = b"", True
    sampler.close()
    result: dict[str, Any] = {
        "seconds": time.perf_counter() - started,
        "timed_out": timed_out,
        "peak_mb": sampler.peak.get("cmd", 0.0),
        "returncode": proc.returncode,
        "log": str(log.relative_to(ROOT)),
    }
    for line in out.decode("utf-8", "replace").splitlines()[::-1]:
        if line.startswith("{"):
            result["output"] = json.loads(line)
            break
    return result


# -- the peers' virtual environment ------------------------------------------------------


def ensure_peers() -> None:
    python = PEERS / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS)], check=True)
    have = subprocess.run(
        [str(python), "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    missing = [p for p in PEER_PACKAGES if p.lower() not in have]
    if missing:
        print(f"installing the peers into {PEERS}: {' '.join(missing)}", file=sys.stderr)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *missing], check=True)


def version_of(python: Path, package: str) -> str:
    code = f"from importlib.metadata import version; print(version({package!r}))"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return done.stdout.strip() or "?"


# -- HTTP clients ------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    url: str  # the query endpoint, e.g. http://127.0.0.1:8000/sparql
    proc: subprocess.Popen[bytes] | None = None
    start_seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


class Client:
    """One keep-alive HTTP connection; GET ?query=..."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def query(self, text: str, accept: str) -> tuple[int, bytes]:
        status, body, _ = self.query_typed(text, accept)
        return status, body

    def query_typed(self, text: str, accept: str) -> tuple[int, bytes, str]:
        target = self.path + "?" + urllib.parse.urlencode({"query": text})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("GET", target, headers={"Accept": accept})
                response = self.conn.getresponse()
                body = response.read()
                return response.status, body, response.getheader("Content-Type") or ""
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_ready(server: Server, started: float, deadline: float) -> float:
    client = Client(server.url, timeout=5)
    while time.perf_counter() < deadline:
        if server.proc is not None and server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}")
        try:
            status, _ = client.query("ASK { ?s ?p ?o }", JSON_RESULTS)
            if status == 200:
                client.close()
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
            continue
        time.sleep(0.1)
    raise TimeoutError(f"{server.name} not ready in time")


def result_size(body: bytes, content_type: str) -> int | None:
    """Rows of a SELECT, 1 for an ASK, triples of a graph (None if it cannot be read)."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media.endswith("json") and not media.endswith("ld+json"):
            data = json.loads(body)
            return 1 if "boolean" in data else len(data["results"]["bindings"])
        import pyoxigraph as ox

        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
        return sum(1 for _ in ox.parse(body, format=fmt))
    except (ValueError, SyntaxError, KeyError):
        return None


def accept_for(query: BenchQuery) -> str:
    body = query.text.split("\n")
    first = next(
        (line for line in body if not line.startswith(("PREFIX", "#")) and line.strip()), ""
    )
    return TURTLE if first.lstrip().upper().startswith(("DESCRIBE", "CONSTRUCT")) else JSON_RESULTS


@dataclass
class Measure:
    server: str
    query: str
    rows: int | None = None
    warm_ms: float | None = None
    median_ms: float | None = None
    p99_ms: float | None = None
    samples: int = 0
    throughput_qps: float | None = None
    concurrent_requests: int = 0
    error: str | None = None
    capped: bool = False


def measure(server: Server, query: BenchQuery, args: argparse.Namespace) -> Measure:
    m = Measure(server.name, query.name)
    accept = accept_for(query)
    client = Client(server.url, timeout=args.cap)
    try:
        t0 = time.perf_counter()
        status, body, content_type = client.query_typed(query.text, accept)
        m.warm_ms = (time.perf_counter() - t0) * 1000
        if status != 200:
            m.error = f"HTTP {status}: {body[:200]!r}"
            return m
        m.rows = result_size(body, content_type)
    except TimeoutError:
        m.capped, m.error = True, f"> {args.cap:g} s"
        client.close()
        return m
    samples: list[float] = []
    budget_end = time.perf_counter() + args.seq_seconds
    while len(samples) < args.reps and (len(samples) < 3 or time.perf_counter() < budget_end):
        t0 = time.perf_counter()
        try:
            status, _ = client.query(query.text, accept)
        except TimeoutError:
            m.capped, m.error = True, f"> {args.cap:g} s"
            break
        samples.append((time.perf_counter() - t0) * 1000)
        if m.warm_ms > args.cap * 1000 / 3:  # a very slow query: three samples are enough
            break
    client.close()
    if samples:
        samples.sort()
        m.samples = len(samples)
        m.median_ms = statistics.median(samples)
        m.p99_ms = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    if m.median_ms is not None and m.median_ms < args.concurrent_max_ms:
        m.throughput_qps, m.concurrent_requests = concurrent(server, query, accept, args)
    return m


def concurrent(
    server: Server, query: BenchQuery, accept: str, args: argparse.Namespace
) -> tuple[float, int]:
    lock = threading.Lock()
    done = [0]
    stop_at = time.perf_counter() + args.conc_seconds

    def worker() -> None:
        client = Client(server.url, timeout=args.cap)
        while time.perf_counter() < stop_at:
            with lock:
                if done[0] >= args.conc_requests:
                    break
            try:
                status, _ = client.query(query.text, accept)
            except OSError:
                break
            if status == 200:
                with lock:
                    done[0] += 1
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return done[0] / elapsed if elapsed else 0.0, done[0]


# -- one size ----------------------------------------------------------------------------


def bench_size(size: str, args: argparse.Namespace, sampler: MemorySampler) -> dict[str, Any]:
    print(f"\n== {size} ==", file=sys.stderr)
    data_dir, triples = generate(size, OUT, args.seed)
    cache = OUT / size / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, R2P_DATA_DIR=str(data_dir), R2P_CACHE_DIR=str(cache))
    report: dict[str, Any] = {"size": size, "asserted_triples": triples}

    # 1. cold build
    print("cold build, project pipeline (bench/coldbuild.py)", file=sys.stderr)
    report["cold_build"] = run_timed(
        [str(PY), str(BENCH / "coldbuild.py"), str(data_dir), str(cache)],
        env=env,
        cap=args.build_cap,
    )
    nq = report["cold_build"].get("output", {}).get("path")
    if not nq:
        raise RuntimeError(f"the cold build failed: see {report['cold_build']['log']}")
    nq_path = Path(nq)
    report["nquads"] = {"path": str(nq_path.relative_to(ROOT)), "mb": nq_path.stat().st_size / 1e6}

    # 2. cached ensure_build, in a fresh process
    code = (
        "import json, sys, time; t = time.perf_counter()\n"
        "from r2p_graph.pipeline.build import ensure_build\n"
        "from r2p_graph.config import Settings\n"
        "t1 = time.perf_counter(); p = ensure_build(Settings.from_env())\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'import_seconds': t1 - t,\n"
        "  'ensure_build_seconds': time.perf_counter() - t1,\n"
        "  'heavy_modules': [m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules]}))\n"
    )
    report["cached_ensure_build"] = run_timed([str(PY), "-c", code], env=env, cap=600)

    # 3. servers
    servers = start_servers(nq_path, env, args, sampler)
    report["servers"] = {
        s.name: {"start_seconds": s.start_seconds, **s.details} for s in servers.values()
    }
    try:
        rss_loaded = {name: tree_rss_mb(s.proc.pid) for name, s in servers.items() if s.proc}
        results: list[Measure] = []
        budget: dict[str, float] = {name: 0.0 for name in servers}
        for query in query_mix():
            for name, server in servers.items():
                if budget[name] > args.server_budget:
                    results.append(Measure(name, query.name, error="not run: time budget spent"))
                    continue
                t0 = time.perf_counter()
                m = measure(server, query, args)
                budget[name] += time.perf_counter() - t0
                if m.capped:
                    recover(server, args)
                results.append(m)
                print(
                    f"  {query.name:32} {name:16} "
                    + (
                        f"median {m.median_ms:9.1f} ms  rows {m.rows}"
                        if m.median_ms is not None
                        else str(m.error)
                    ),
                    file=sys.stderr,
                )
        report["queries"] = [asdict(m) for m in results]
        for name in servers:
            report["servers"][name]["rss_loaded_mb"] = rss_loaded.get(name)
            report["servers"][name]["rss_peak_mb"] = sampler.peak.get(f"{size}:{name}")
        report["our_overhead"] = our_overhead(servers["r2p-graph"])
    finally:
        for name, server in servers.items():
            stop(server.proc)
            sampler.forget(f"{size}:{name}")
    return report


def start_servers(
    nq: Path, env: dict[str, str], args: argparse.Namespace, sampler: MemorySampler
) -> dict[str, Server]:
    size = nq.parent.parent.name
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    servers: dict[str, Server] = {}

    # ours: the cached start, exactly as `r2p-graph serve` does it
    port = free_port()
    ours_env = dict(
        env,
        R2P_HOST="127.0.0.1",
        R2P_PORT=str(port),
        R2P_MAX_ROWS="100000000",
        R2P_QUERY_TIMEOUT=str(args.cap),
        R2P_ACCESS_LOG="1",
    )
    started = time.perf_counter()
    proc = spawn(
        [str(ROOT / ".venv" / "bin" / "r2p-graph"), "serve"],
        env=ours_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(logs / f"r2p-graph-{size}.log").open("wb"),
    )
    ours = Server("r2p-graph", f"http://127.0.0.1:{port}/sparql", proc)
    sampler.watch(f"{size}:r2p-graph", proc.pid)
    ours.start_seconds = wait_ready(ours, started, started + args.start_cap)
    ours.details["log"] = str((logs / f"r2p-graph-{size}.log").relative_to(ROOT))
    servers["r2p-graph"] = ours

    # oxigraph: load into a RocksDB folder, then serve it read-only
    location = OUT / size / "oxigraph-db"
    shutil.rmtree(location, ignore_errors=True)
    oxigraph = str(PEERS / "bin" / "oxigraph")
    load = run_timed(
        [oxigraph, "load", "--location", str(location), "--file", str(nq)], cap=args.start_cap
    )
    port = free_port()
    started = time.perf_counter()
    proc = spawn(
        [
            oxigraph,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(logs / f"oxigraph-{size}.log").open("wb"),
    )
    ox_server = Server("oxigraph", f"http://127.0.0.1:{port}/query", proc)
    sampler.watch(f"{size}:oxigraph", proc.pid)
    ox_server.start_seconds = load["seconds"] + wait_ready(
        ox_server, started, started + args.start_cap
    )
    ox_server.details.update(load_seconds=load["seconds"], load_peak_mb=load["peak_mb"])
    servers["oxigraph"] = ox_server

    # rdflib-endpoint: rdflib parses the file into a Dataset with a union default graph
    port = free_port()
    started = time.perf_counter()
    proc = spawn(
        [
            str(PEERS / "bin" / "rdflib-endpoint"),
            "serve",
            str(nq),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(logs / f"rdflib-endpoint-{size}.log").open("wb"),
    )
    rdflib_server = Server("rdflib-endpoint", f"http://127.0.0.1:{port}/", proc)
    sampler.watch(f"{size}:rdflib-endpoint", proc.pid)
    try:
        rdflib_server.start_seconds = wait_ready(rdflib_server, started, started + args.start_cap)
        servers["rdflib-endpoint"] = rdflib_server
    except (TimeoutError, RuntimeError) as exc:
        print(f"rdflib-endpoint did not start: {exc}", file=sys.stderr)
        stop(proc)
    return servers


def recover(server: Server, args: argparse.Namespace) -> None:
    """After a capped request the server may still be busy with it: wait until it answers."""
    client = Client(server.url, timeout=args.cap * 10)
    try:
        client.query("ASK { }", JSON_RESULTS)
    except OSError:
        pass
    client.close()


def our_overhead(server: Server) -> dict[str, float] | None:
    """From our access log: request time (HTTP in, JSON out) vs engine time in the worker."""
    log = ROOT / server.details["log"]
    total, engine, n = 0.0, 0.0, 0
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if row.get("path") == "/sparql" and "query_ms" in row:
            total += row["ms"]
            engine += row["query_ms"]
            n += 1
    if not n:
        return None
    return {"requests": n, "mean_request_ms": total / n, "mean_engine_ms": engine / n}


# -- the report --------------------------------------------------------------------------


def fmt_ms(value: float | None, error: str | None = None) -> str:
    if value is None:
        return error or "-"
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    r = a / b
    return f"{r:.2f}" if r < 10 else f"{r:.0f}"


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def versions() -> dict[str, str]:
    main = ROOT / ".venv" / "bin" / "python"
    v = {p: version_of(main, p) for p in ("r2p-graph", "pyoxigraph", "rdflib", "pyshacl", "owlrl")}
    v.update({p: version_of(PEERS / "bin" / "python", p) for p in ("rdflib-endpoint", "uvicorn")})
    done = subprocess.run(
        [str(PEERS / "bin" / "oxigraph"), "--version"], capture_output=True, text=True
    )
    v["oxigraph (server)"] = done.stdout.strip() or version_of(PEERS / "bin" / "python", "oxigraph")
    return v


def write_report(run: dict[str, Any], path: Path) -> None:
    lines = [
        "# Benchmark: r2p-graph's endpoint against rdflib-endpoint and Oxigraph",
        "",
        f"Run on {run['date']} with `{run['command']}` (one run, all numbers below from it).",
        "",
        "Machine: "
        + ", ".join(f"{k} {v}" for k, v in run["machine"].items())
        + ". Versions: "
        + ", ".join(f"{k} {v}" for k, v in run["versions"].items())
        + ".",
        "",
        f"Settings: {run['settings']}.",
        "",
        "Latencies are client-observed over HTTP on 127.0.0.1 (keep-alive GET, JSON results, "
        "Turtle for graphs), in ms: median and p99 of the sequential requests after one "
        f"warm-up; throughput with {run['settings']['clients']} concurrent clients. "
        "`ours/ox` is r2p-graph's median over oxigraph's (target ≤ 1.5); `rdflib/ours` is "
        "rdflib-endpoint's over ours (target ≥ 20 at 100k). The client runs on the same 2 "
        "cores as the servers.",
        "",
    ]
    for size in run["sizes"]:
        lines += size_section(size)
    findings = BENCH / "FINDINGS.md"  # the analysis of a run, kept across re-runs
    if findings.exists():
        lines += ["", findings.read_text(encoding="utf-8")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def size_section(r: dict[str, Any]) -> list[str]:
    out = [f"## {r['size']}: {r['asserted_triples']:,} asserted triples", ""]
    cold = r["cold_build"]
    out += ["### Build and start-up", "", "| step | time | peak RSS | notes |", "|---|---|---|---|"]
    built = cold.get("output", {})
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in built.get("timings", {}).items())
    if built.get("validation_processes"):
        phases += f"; validation in {built['validation_processes']} process(es)"
    took = (
        f"> {cold['seconds']:.0f} s (capped)" if cold["timed_out"] else f"{cold['seconds']:.1f} s"
    )
    out.append(
        f"| cold build, project pipeline (`bench/coldbuild.py`) | {took} "
        f"| {cold['peak_mb']:.0f} MB | {phases} |"
    )
    ceb = r["cached_ensure_build"].get("output", {})
    if ceb:
        out.append(
            f"| cached `ensure_build` (fresh process) | {ceb['seconds']:.2f} s | "
            f"{r['cached_ensure_build']['peak_mb']:.0f} MB | imports {ceb['import_seconds']:.2f} s "
            f"(loads {', '.join(ceb['heavy_modules']) or 'nothing heavy'}), lookup "
            f"{ceb['ensure_build_seconds']:.2f} s |"
        )
    out.append(f"| N-Quads served | | | {r['nquads']['mb']:.1f} MB |")
    out += ["", "| server | start-up | RSS loaded | RSS peak |", "|---|---|---|---|"]
    for name, s in r["servers"].items():
        extra = f" (load {s['load_seconds']:.1f} s + open)" if "load_seconds" in s else ""
        out.append(
            f"| {name} | {s['start_seconds']:.2f} s{extra} | {s.get('rss_loaded_mb') or 0:.0f} MB "
            f"| {s.get('rss_peak_mb') or 0:.0f} MB |"
        )
    ov = r.get("our_overhead")
    if ov:
        out += [
            "",
            f"r2p-graph access log: {ov['requests']} requests, mean {ov['mean_request_ms']:.2f} ms "
            f"in the app of which {ov['mean_engine_ms']:.2f} ms in the engine worker.",
        ]
    by = {(q["query"], q["server"]): q for q in r["queries"]}
    names = list(dict.fromkeys(q["query"] for q in r["queries"]))
    out += [
        "",
        "### Queries",
        "",
        "| query | rows | r2p-graph median / p99 | oxigraph median / p99 | rdflib-endpoint "
        "median / p99 | ours/ox | rdflib/ours | q/s ours | q/s ox | q/s rdflib |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in names:
        ours, ox, rl = (
            by.get((n, "r2p-graph"), {}),
            by.get((n, "oxigraph"), {}),
            by.get((n, "rdflib-endpoint"), {}),
        )
        rows = {q.get("rows") for q in (ours, ox, rl) if q.get("rows") is not None}
        rows_s = (
            "/".join(
                str(q.get("rows")) if q.get("rows") is not None else "-" for q in (ours, ox, rl)
            )
            if len(rows) > 1
            else str(next(iter(rows), "-"))
        )

        def cell(q: dict[str, Any]) -> str:
            if q.get("median_ms") is None:
                return q.get("error") or "-"
            return f"{fmt_ms(q['median_ms'])} / {fmt_ms(q['p99_ms'])}"

        rl_med = rl.get("median_ms")
        rl_ratio = ratio(rl_med, ours.get("median_ms"))
        if rl_med is None and rl.get("capped") and ours.get("median_ms"):
            rl_ratio = f"> {float(rl['error'].split()[1]) * 1000 / ours['median_ms']:.0f}"

        def qps(q: dict[str, Any]) -> str:
            return f"{q['throughput_qps']:.1f}" if q.get("throughput_qps") else "-"

        out.append(
            f"| {n} | {rows_s} | {cell(ours)} | {cell(ox)} | {cell(rl)} "
            f"| {ratio(ours.get('median_ms'), ox.get('median_ms'))} | {rl_ratio} "
            f"| {qps(ours)} | {qps(ox)} | {qps(rl)} |"
        )
    out.append("")
    return out


def add_measuring_options(parser: argparse.ArgumentParser) -> None:
    """The options of how each query is measured, shared with ``bench/scaleout.py``."""
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--reps", type=int, default=30, help="most sequential requests")
    parser.add_argument("--seq-seconds", type=float, default=4.0, help="sequential budget")
    parser.add_argument("--conc-requests", type=int, default=200)
    parser.add_argument("--conc-seconds", type=float, default=3.0)
    parser.add_argument(
        "--concurrent-max-ms", type=float, default=2000, help="no concurrency above this median"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,100k,1m")
    add_measuring_options(parser)
    parser.add_argument("--cap", type=float, default=30.0, help="client timeout per request")
    parser.add_argument("--server-budget", type=float, default=900, help="s per server/size")
    parser.add_argument("--start-cap", type=float, default=1200)
    parser.add_argument("--build-cap", type=float, default=1800)
    parser.add_argument("--report", type=Path, default=BENCH / "REPORT.md")
    parser.add_argument(
        "--from-results",
        action="store_true",
        help="only rewrite the report from out/results.json (e.g. after editing FINDINGS.md)",
    )
    args = parser.parse_args(argv)
    if args.from_results:
        write_report(json.loads((OUT / "results.json").read_text(encoding="utf-8")), args.report)
        return 0

    OUT.mkdir(parents=True, exist_ok=True)
    faulthandler.register(signal.SIGUSR1)  # kill -USR1 <pid> prints where the run is
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers get stopped
    ensure_peers()
    run: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "versions": versions(),
        "settings": {
            k: getattr(args, k)
            for k in ("clients", "reps", "seq_seconds", "conc_requests", "conc_seconds", "cap")
        },
        "sizes": [],
    }
    sampler = MemorySampler()
    try:
        for size in args.sizes.split(","):
            run["sizes"].append(bench_size(size, args, sampler))
            (OUT / "results.json").write_text(json.dumps(run, indent=1), encoding="utf-8")
            write_report(run, args.report)
    finally:
        sampler.close()
        stop_all()
    print(f"report: {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
