"""Scale-out benchmark: the embedded store against a remote Oxigraph store, at 1M and 10M.

    make bench-scaleout                 # = .venv/bin/python bench/scaleout.py
    .venv/bin/python bench/scaleout.py --sizes 1m --clients 4 --cap 30
    .venv/bin/python bench/scaleout.py --sizes 100k,200k --derive-from 100k   # a quick check
    .venv/bin/python bench/scaleout.py --sizes 10m --commit HEAD   # r2p_graph as committed

For each size:

1. the served dataset (N-Quads). A size up to ``--derive-from`` (default 1m) is the
   validated, inferred build of ``bench/generate.py``'s data, reused from
   ``bench/out/<size>/cache`` when ``bench/run.py`` left one, else built as it does
   (``bench/coldbuild.py``). A larger size is derived from that build by a streaming
   transform, because validating 10M triples takes hours: the build is copied k times
   (k = size / derive-from), every synthetic IRI (``…-bench…``) and blank node renamed per
   copy so the copies are disjoint, and everything else (ontology, vocabularies, states,
   the real record) kept once. Files go to ``bench/out/scaleout/`` (git-ignored);
2. embedded: ``r2p-graph serve FILE`` (waitress, query worker processes): time from
   launch to the first answer, RSS of the server process and of each worker;
3. remote: ``oxigraph load`` (bulk) into a RocksDB folder, ``oxigraph serve`` on it, and
   ``r2p-graph serve --store URL`` over it: time to the first answer, RSS of each
   process; then a second replica on another port: same answers from both, throughput
   with the clients spread over both. ``r2p-graph publish --to URL`` (the real publish
   path, its build cache seeded with the dataset so that it publishes instead of
   re-validating) is timed into a fresh ``oxigraph serve``, unless the smaller sizes of
   this run (or the kept results) show that it would exceed ``--publish-cap`` or the
   memory budget;
4. for each setup the query mix of ``bench/queries.py`` with ``bench/run.py``'s
   measuring functions (one warm-up, sequential median/p99, ``--clients`` concurrent
   clients), every request capped (``--cap``: the server's deadline; Oxigraph's
   ``--timeout-s``), each setup within ``--setup-budget`` and each size within
   ``--size-budget`` seconds; plus a mixed workload (clients cycling through the quick
   queries) for a single throughput figure per setup.

Every process this run starts is watched: one above ``--mem-limit-gb`` (or all of them
together above ``--total-mem-limit-gb``) is killed with its setup, which is reported as
"out of memory budget". Results: ``bench/SCALEOUT.md`` and ``bench/out/scaleout.json``
(sizes not re-run are kept from the previous results unless ``--fresh``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import faulthandler
import fcntl
import hashlib
import http.client
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run  # noqa: E402
from generate import generate, parse_size  # noqa: E402
from queries import BenchQuery, query_mix  # noqa: E402
from run import JSON_RESULTS, Client, Measure, Server  # noqa: E402

ROOT = run.ROOT
OUT = run.OUT
WORK = OUT / "scaleout"
RESULTS = OUT / "scaleout.json"
REPORT = BENCH / "SCALEOUT.md"
#: Where r2p_graph is imported from: the working tree, or (--commit) an export of a commit.
CODE_ROOT = ROOT
#: What the ``r2p-graph`` console script runs.
ENTRY = "import sys; from r2p_graph.cli import main; sys.argv[0] = 'r2p-graph'; sys.exit(main())"
KEPT_HEADING = "## Observations"  # a hand-written tail of SCALEOUT.md, kept across re-runs

#: A synthetic IRI of bench/generate.py (meeting, statement, quote, tally, claim, source).
SYNTHETIC = re.compile(r'(<[^<>"\s]*?-bench)(?=[/>])')
BLANK = re.compile(r"(?<!\S)(_:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])(?=\s)")


class SetupAborted(Exception):
    """A setup cannot go on (its server died, was killed for memory, or never started)."""


# -- watching every process this run starts ----------------------------------------------


def _cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)


class ProcessWatch:
    """RSS of every descendant of this process, sampled; enforces the memory budget.

    Each process is remembered with the child of ours it descends from (its "root": a
    server or command we started), its command line and its peak RSS. A process above
    ``per_process_mb``, or all of them together above ``total_mb``, gets its root's
    process group killed, and the kill is recorded for the setup to report.
    """

    def __init__(self, per_process_mb: float, total_mb: float, interval: float = 0.25) -> None:
        self.per_process_mb = per_process_mb
        self.total_mb = total_mb
        self.interval = interval
        self.seen: dict[int, dict[str, Any]] = {}
        self.kills: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._tick()
            except Exception as exc:  # never let the watchdog die silently
                print(f"process watch: {exc!r}", file=sys.stderr)

    def _tick(self) -> None:
        tree = run._children()
        rss: dict[int, float] = {}
        with self._lock:
            for root in tree.get(os.getpid(), []):
                for pid in run.descendants(root, tree):
                    mb = run.process_rss_mb(pid)
                    rss[pid] = mb
                    info = self.seen.get(pid)
                    if info is None or info["root"] != root:
                        info = {"root": root, "cmd": _cmdline(pid), "peak_mb": 0.0}
                        self.seen[pid] = info
                    info["peak_mb"] = max(info["peak_mb"], mb)
                    info["last_mb"] = mb
        if not rss:
            return
        total = sum(rss.values())
        over = [p for p, mb in rss.items() if mb > self.per_process_mb]
        if over or total > self.total_mb:
            victim = over[0] if over else max(rss, key=lambda p: rss[p])
            self._kill(victim, rss[victim], total)

    def _kill(self, pid: int, mb: float, total: float) -> None:
        info = self.seen.get(pid, {})
        root = info.get("root", pid)
        event = {
            "pid": pid,
            "root": root,
            "cmd": info.get("cmd", "?")[:200],
            "rss_mb": round(mb),
            "total_mb": round(total),
            "limit": "per process" if mb > self.per_process_mb else "all processes",
        }
        print(f"memory budget exceeded, killing: {event}", file=sys.stderr)
        self.kills.append(event)
        for target in (root, pid):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                pgid = os.getpgid(target)
                if pgid != os.getpgid(0):
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    os.kill(target, signal.SIGKILL)

    def killed(self, root: int) -> dict[str, Any] | None:
        """The memory kill that ended the tree of ``root``, if there was one."""
        return next((k for k in self.kills if k["root"] == root or k["pid"] == root), None)

    def processes(self, root: int) -> list[dict[str, Any]]:
        """Every process seen in the tree of ``root`` (workers replaced included)."""
        with self._lock:
            items = [(pid, dict(info)) for pid, info in self.seen.items() if info["root"] == root]
        out = []
        for pid, info in sorted(items):
            peak = max(info["peak_mb"], run.hwm_mb(pid))
            out.append({"pid": pid, "cmd": info["cmd"], "peak_mb": peak})
        return out

    def close(self) -> None:
        self._stop.set()


def stop_children() -> None:
    """Stop what this run started and still runs (a command cut short by a signal)."""
    for pid in run._children().get(os.getpid(), []):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getpgid(pid) == pid:  # started in its own session by run.spawn/run_timed
                os.killpg(pid, signal.SIGTERM)


def short_name(cmd: str) -> str:
    """``r2p-graph serve``, ``query worker``, ``oxigraph load``… from a command line."""
    if "r2p_graph.store.workers" in cmd:
        return "query worker"
    words = cmd.split(" ")
    if "r2p_graph.cli" in cmd:
        after = cmd.split("sys.exit(main())", 1)[-1].split()
        return "r2p-graph " + (after[0] if after else "")
    name = words[0].rsplit("/", 1)[-1]
    if name == "oxigraph" and len(words) > 1:
        return f"{name} {words[1]}"
    if "-m" in words[1:-1]:
        return words[words.index("-m", 1) + 1]
    module = re.search(r"\bfrom (\S+) import", cmd)
    return module.group(1) if "-c" in words and module else name


def role(pid: int, root: int, cmd: str, name: str) -> str:
    return name if pid == root else short_name(cmd)


def process_rows(watch: ProcessWatch, root: int, name: str) -> list[dict[str, Any]]:
    """One row per process of a server's tree: current RSS (if alive) and its peak."""
    rows = []
    alive = set(run.descendants(root))
    for p in watch.processes(root):
        rows.append(
            {
                "process": role(p["pid"], root, p["cmd"], name),
                "pid": p["pid"],
                "rss_mb": run.process_rss_mb(p["pid"]) if p["pid"] in alive else None,
                "peak_mb": p["peak_mb"],
                "alive": p["pid"] in alive,
            }
        )
    return rows


# -- datasets ----------------------------------------------------------------------------


def nquads_stats(path: Path) -> dict[str, Any]:
    """Quads per graph (one quad a line, as pyoxigraph writes N-Quads), cached beside it."""
    stat = path.stat()
    side = path.with_suffix(".stats.json")
    key = {"size": stat.st_size, "mtime": stat.st_mtime}
    if side.exists():
        cached = json.loads(side.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return dict(cached["stats"])
    graphs: Counter[str] = Counter()
    blank = 0
    with path.open("r", encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            graphs[line.rstrip().removesuffix(".").rstrip().rsplit(" ", 1)[1].strip("<>")] += 1
            if "_:" in line and BLANK.search(line):
                blank += 1
    stats = {
        "quads": sum(graphs.values()),
        "graphs": dict(sorted(graphs.items())),
        "blank_node_quads": blank,
        "mb": stat.st_size / 1e6,
    }
    side.write_text(json.dumps({"key": key, "stats": stats}), encoding="utf-8")
    return stats


def find_build(size: str) -> Path | None:
    cache = OUT / size / "cache"
    marker = cache / "last-good"
    if marker.is_file():
        candidate = cache / marker.read_text(encoding="utf-8").strip()
        if candidate.is_file():
            return candidate
    found = sorted(cache.glob("dataset-*.nq"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def stage_build(size: str, args: argparse.Namespace) -> tuple[Path, str]:
    """``bench/out/scaleout/<size>/dataset.nq``: the validated, inferred build of ``size``.

    A hard link to bench/run.py's build when there is one (so that bench/run.py clearing
    its cache meanwhile changes nothing), else the one staged by an earlier run, else a
    build made as bench/run.py makes it (``bench/coldbuild.py``)."""
    folder = WORK / size
    folder.mkdir(parents=True, exist_ok=True)
    target, meta = folder / "dataset.nq", folder / "staged.json"
    found = find_build(size)
    if found is None and target.exists() and meta.exists():
        return target, json.loads(meta.read_text(encoding="utf-8"))["how"]
    if found is None:
        print(f"no build of {size} yet: generating and building it", file=sys.stderr)
        data_dir, triples = generate(size, OUT, args.seed)
        cache = OUT / size / "cache"
        built = run.run_timed(
            [str(run.PY), str(BENCH / "coldbuild.py"), str(data_dir), str(cache)],
            env=dict(os.environ, R2P_DATA_DIR=str(data_dir), R2P_CACHE_DIR=str(cache)),
            cap=args.build_cap,
        )
        path = built.get("output", {}).get("path")
        if not path:
            raise RuntimeError(f"the build of {size} failed: see {built['log']}")
        found = Path(path)
        how = (
            f"built by bench/coldbuild.py in {built['seconds']:.0f} s "
            f"(peak {built['peak_mb']:.0f} MB) from {triples:,} asserted triples"
        )
    else:
        how = f"reused {found.relative_to(ROOT)}"
    if not (target.exists() and os.path.samefile(found, target)):
        target.unlink(missing_ok=True)
        try:
            os.link(found, target)
        except OSError:
            shutil.copyfile(found, target)
    meta.write_text(json.dumps({"how": how}), encoding="utf-8")
    return target, how


def derive(source: Path, factor: int, target: Path) -> dict[str, Any]:
    """Write ``factor`` disjoint copies of the synthetic part of ``source``, the rest once."""
    started = time.perf_counter()
    part = target.with_name(target.name + ".part")
    shared = synthetic = blank_shared = 0
    with (
        source.open("r", encoding="utf-8") as inp,
        part.open("w", encoding="utf-8", buffering=1 << 22) as out,
    ):
        for line in inp:
            if "-bench" in line and SYNTHETIC.search(line):
                synthetic += 1
                out.write(line)
                template = line.replace("{", "{{").replace("}", "}}")
                template = SYNTHETIC.sub(r"\1{0}", template)
                if "_:" in template:
                    template = BLANK.sub(r"\1_{1}", template)
                out.writelines(template.format(f"-c{k}", f"c{k}") for k in range(1, factor))
            else:
                shared += 1
                if "_:" in line and BLANK.search(line):
                    blank_shared += 1
                out.write(line)
    os.replace(part, target)
    return {
        "factor": factor,
        "shared_quads": shared,
        "synthetic_quads_per_copy": synthetic,
        "blank_node_quads_kept_once": blank_shared,
        "seconds": time.perf_counter() - started,
    }


def prepare_dataset(size: str, args: argparse.Namespace) -> dict[str, Any]:
    if parse_size(size) > parse_size(args.derive_from):
        base = args.derive_from
        source, how = stage_build(base, args)
        folder = WORK / size
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "dataset.nq"
        factor = max(2, round(parse_size(size) / parse_size(base)))
        stat = source.stat()
        key = {"source": str(source), "size": stat.st_size, "mtime": stat.st_mtime, "k": factor}
        meta = folder / "derived.json"
        if target.exists() and meta.exists() and json.loads(meta.read_text())["key"] == key:
            derived = json.loads(meta.read_text())["derived"]
            derived["reused"] = True
        else:
            print(f"deriving {size}: {factor} copies of the {base} build", file=sys.stderr)
            derived = derive(source, factor, target)
            meta.write_text(json.dumps({"key": key, "derived": derived}), encoding="utf-8")
        info: dict[str, Any] = {"size": size, "kind": "derived", "base": base}
        info.update(base_build=how, derived=derived, data_dir=str(OUT / base / "data"))
    else:
        target, how = stage_build(size, args)
        info = {"size": size, "kind": "build", "base_build": how}
        info["data_dir"] = str(OUT / size / "data")
    info["path"] = str(target.relative_to(ROOT))
    info.update(nquads_stats(target))
    return info


# -- servers -----------------------------------------------------------------------------


def oxigraph_binary() -> str:
    for candidate in (run.PEERS / "bin" / "oxigraph", ROOT / ".venv" / "bin" / "oxigraph"):
        if candidate.exists():
            return str(candidate)
    run.ensure_peers()
    return str(run.PEERS / "bin" / "oxigraph")


def r2p(*arguments: str) -> list[str]:
    """``r2p-graph …`` with r2p_graph from CODE_ROOT (``-P``: the cwd is not on sys.path)."""
    return [str(run.PY), "-P", "-c", ENTRY, *arguments]


def code_env(base: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """An environment whose Python imports r2p_graph from CODE_ROOT."""
    env = dict(os.environ if base is None else base, **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE_ROOT), env.get("PYTHONPATH")]))
    return env


def r2p_env(args: argparse.Namespace) -> dict[str, str]:
    return code_env(R2P_MAX_ROWS="100000000", R2P_QUERY_TIMEOUT=str(args.cap), R2P_ACCESS_LOG="1")


def export_commit(rev: str) -> tuple[Path, str]:
    """``git archive`` of ``rev`` under bench/out/scaleout (the working tree is not touched)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    dest = WORK / f"src-{sha}"
    if not (dest / "r2p_graph").is_dir():
        part = dest.with_name(dest.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        archive = subprocess.Popen(["git", "archive", sha], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(part)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            raise RuntimeError(f"git archive {sha} failed")
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(part, dest)
    return dest, sha


def start(
    name: str,
    cmd: list[str],
    url_path: str,
    port: int,
    log: Path,
    args: argparse.Namespace,
    watch: ProcessWatch,
    env: dict[str, str] | None = None,
) -> Server:
    """Launch a server and wait until it answers a first query (time = launch to answer)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with log.open("wb") as err:
        proc = run.spawn(cmd, env=env, cwd=CODE_ROOT, stdout=subprocess.DEVNULL, stderr=err)
    server = Server(name, f"http://127.0.0.1:{port}{url_path}", proc)
    server.details["log"] = str(log.relative_to(ROOT))
    try:
        server.start_seconds = run.wait_ready(server, started, started + args.start_cap)
    except (RuntimeError, TimeoutError) as exc:
        time.sleep(0.5)
        killed = watch.killed(proc.pid)
        run.stop(proc)
        if killed:
            raise SetupAborted(out_of_memory(killed)) from exc
        raise SetupAborted(f"{name} did not start: {exc} (log: {server.details['log']})") from exc
    return server


def out_of_memory(kill: dict[str, Any]) -> str:
    return (
        f"out of memory budget: {short_name(kill['cmd'])} reached "
        f"{kill['rss_mb'] / 1024:.1f} GB ({kill['limit']} limit; all processes "
        f"{kill['total_mb'] / 1024:.1f} GB)"
    )


def check_alive(server: Server, watch: ProcessWatch) -> None:
    if server.proc is not None and server.proc.poll() is not None:
        killed = watch.killed(server.proc.pid)
        if killed:
            raise SetupAborted(out_of_memory(killed))
        raise SetupAborted(f"{server.name} exited with {server.proc.returncode}")


def load_seconds_from_log(log: Path) -> float | None:
    """The embedded store's own account of its load ("dataset ready: … N s")."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r"dataset ready: .*?([\d.]+) s\s*$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# -- measuring ---------------------------------------------------------------------------


def measure_args(args: argparse.Namespace) -> argparse.Namespace:
    """run.py's measuring settings; the client waits a little past the server's deadline."""
    margs = argparse.Namespace(**vars(args))
    margs.cap = args.cap + 5
    return margs


def run_mix(
    server: Server,
    queries: list[BenchQuery],
    args: argparse.Namespace,
    watch: ProcessWatch,
    deadline: float,
) -> list[dict[str, Any]]:
    margs = measure_args(args)
    results: list[dict[str, Any]] = []
    setup_end = min(deadline, time.perf_counter() + args.setup_budget)
    for query in queries:
        if time.perf_counter() > setup_end:
            results.append(asdict(Measure(server.name, query.name, error="not run: time budget")))
            continue
        try:
            m = run.measure(server, query, margs)
        except (OSError, http.client.HTTPException) as exc:
            check_alive(server, watch)
            m = Measure(server.name, query.name, error=f"{type(exc).__name__}: {exc}")
        if m.capped:
            m.error = f"> {args.cap:g} s"
            run.recover(server, margs)
        elif m.error and m.error.startswith("HTTP 503") and "deadline" in m.error:
            m.capped, m.error = True, f"> {args.cap:g} s"
        check_alive(server, watch)
        results.append(asdict(m))
        print(
            f"  {query.name:32} {server.name:12} "
            + (
                f"median {m.median_ms:9.1f} ms  rows {m.rows}"
                + (f"  {m.throughput_qps:.1f} q/s" if m.throughput_qps else "")
                if m.median_ms is not None
                else str(m.error)
            ),
            file=sys.stderr,
        )
    return results


def mixed(
    urls: list[str], queries: list[BenchQuery], args: argparse.Namespace
) -> dict[str, Any] | None:
    """``--clients`` clients, spread over ``urls``, cycling through ``queries``."""
    if not queries or args.mixed_seconds <= 0:
        return None
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    stop_at = time.perf_counter() + args.mixed_seconds

    def worker(i: int) -> None:
        client = Client(urls[i % len(urls)], timeout=args.cap + 5)
        j = i
        while time.perf_counter() < stop_at:
            query = queries[j % len(queries)]
            j += 1
            t0 = time.perf_counter()
            try:
                status, _ = client.query(query.text, run.accept_for(query))
            except OSError:
                status = 0
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                if status == 200:
                    latencies.append(ms)
                else:
                    errors[0] += 1
        client.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "replicas": len(urls),
        "clients": args.clients,
        "queries": [q.name for q in queries],
        "seconds": elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "qps": len(latencies) / elapsed if elapsed else 0.0,
        "median_ms": statistics.median(latencies) if latencies else None,
        "p99_ms": latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
        if latencies
        else None,
    }


def spread_throughput(
    servers: list[Server], query: BenchQuery, args: argparse.Namespace
) -> tuple[float, int]:
    """run.concurrent against each replica at once, the clients split between them."""
    share = argparse.Namespace(**vars(measure_args(args)))
    share.clients = max(1, math.ceil(args.clients / len(servers)))
    share.conc_requests = max(1, args.conc_requests // len(servers))
    done: list[int] = [0] * len(servers)
    accept = run.accept_for(query)

    def one(i: int) -> None:
        _, done[i] = run.concurrent(servers[i], query, accept, share)

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(servers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return (sum(done) / elapsed if elapsed else 0.0), sum(done)


def canonical_answer(status: int, body: bytes, content_type: str) -> tuple[Any, ...]:
    """An order-free form of an answer, to compare answers of two servers."""
    media = content_type.split(";")[0].strip().lower()
    if status != 200:
        return (status,)
    if media.endswith("json"):
        data = json.loads(body)
        if "boolean" in data:
            return ("ask", data["boolean"])
        rows = sorted(json.dumps(b, sort_keys=True) for b in data["results"]["bindings"])
        return ("select", tuple(rows))
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.TURTLE
    return ("graph", tuple(sorted(str(t) for t in ox.parse(body, format=fmt))))


def answer_digests(
    server: Server,
    queries: list[BenchQuery],
    measured: list[dict[str, Any]],
    args: argparse.Namespace,
    end: float,
) -> dict[str, str]:
    """Each query once more: a digest of its order-free answer ("-" when not compared).

    Queries that failed or were capped in ``measured`` are not asked again."""
    ok = {m["query"] for m in measured if m.get("median_ms") is not None}
    digests: dict[str, str] = {}
    client = Client(server.url, timeout=args.cap + 5)
    for query in queries:
        if query.name not in ok or time.perf_counter() > end:
            digests[query.name] = "-"
            continue
        try:
            answer = canonical_answer(*client.query_typed(query.text, run.accept_for(query)))
        except (OSError, ValueError, http.client.HTTPException):
            client.close()
            digests[query.name] = "-"
            continue
        if answer[0] not in ("ask", "select", "graph"):
            digests[query.name] = "-"
            continue
        digests[query.name] = hashlib.sha256(repr(answer).encode()).hexdigest()[:16]
    client.close()
    return digests


def compare(a: dict[str, str] | None, b: dict[str, str] | None) -> dict[str, list[str]]:
    """Queries answered alike by both, differently, or not compared."""
    out: dict[str, list[str]] = {"same": [], "differ": [], "skipped": []}
    for name in a or {}:
        x, y = (a or {}).get(name, "-"), (b or {}).get(name, "-")
        out["skipped" if "-" in (x, y) else "same" if x == y else "differ"].append(name)
    return out


# -- setups ------------------------------------------------------------------------------


def embedded(
    nq: Path,
    size: str,
    args: argparse.Namespace,
    watch: ProcessWatch,
    deadline: float,
    queries: list[BenchQuery],
) -> dict[str, Any]:
    """Two starts over an empty cache folder: the first makes whatever the store keeps
    between starts (a served folder), the second is a restart; queries on the second."""
    res: dict[str, Any] = {"command": f"r2p-graph serve {nq.relative_to(ROOT)}"}
    cache = WORK / size / "embedded-cache"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(r2p_env(args), R2P_CACHE_DIR=str(cache))
    server: Server | None = None

    def launch(log: Path) -> Server:
        port = run.free_port()
        cmd = r2p("serve", str(nq), "--host", "127.0.0.1", "--port", str(port))
        return start("r2p-graph", cmd, "/sparql", port, log, args, watch, env=env)

    try:
        log = WORK / size / "logs" / "embedded-first.log"
        server = launch(log)
        assert server.proc is not None
        res["first_start_seconds"] = server.start_seconds
        res["first_store_load_seconds"] = load_seconds_from_log(log)
        time.sleep(1.0)
        res["first_ready"] = process_rows(watch, server.proc.pid, "r2p-graph serve")
        res["first_processes"] = process_rows(watch, server.proc.pid, "r2p-graph serve")
        run.stop(server.proc)
        server = None
        res["cache_mb"] = du_mb(cache) if cache.exists() else 0.0
        log = WORK / size / "logs" / "embedded.log"
        server = launch(log)
        assert server.proc is not None
        res["start_seconds"] = server.start_seconds
        res["store_load_seconds"] = load_seconds_from_log(log)
        time.sleep(1.0)
        res["ready"] = process_rows(watch, server.proc.pid, "r2p-graph serve")
        res["queries"] = run_mix(server, queries, args, watch, deadline)
        end = min(deadline, time.perf_counter() + args.setup_budget)
        res["answers"] = answer_digests(server, queries, res["queries"], args, end)
        quick = quick_queries(queries, res["queries"], args)
        res["mixed"] = mixed([server.url], quick, args)
        check_alive(server, watch)
        res["overhead"] = run.our_overhead(server)
    except SetupAborted as exc:
        res["error"] = str(exc)
        print(f"embedded {size}: {exc}", file=sys.stderr)
    finally:
        if server is not None and server.proc is not None:
            res["processes"] = process_rows(watch, server.proc.pid, "r2p-graph serve")
            run.stop(server.proc)
    return res


def quick_queries(
    queries: list[BenchQuery], measured: list[dict[str, Any]], args: argparse.Namespace
) -> list[BenchQuery]:
    """The queries of the mix answered within ``--mixed-max-ms`` (median) in ``measured``."""
    fast = {
        m["query"]
        for m in measured
        if m.get("median_ms") is not None and m["median_ms"] <= args.mixed_max_ms
    }
    return [q for q in queries if q.name in fast]


def remote(
    nq: Path,
    size: str,
    args: argparse.Namespace,
    watch: ProcessWatch,
    deadline: float,
    queries: list[BenchQuery],
    quick_names: list[str] | None,
) -> dict[str, Any]:
    oxigraph = oxigraph_binary()
    res: dict[str, Any] = {}
    logs = WORK / size / "logs"
    db = WORK / size / "oxigraph-db"
    shutil.rmtree(db, ignore_errors=True)
    print(f"bulk load ({size}): oxigraph load", file=sys.stderr)
    kills_before = len(watch.kills)
    load = run.run_timed(
        [oxigraph, "load", "--location", str(db), "--file", str(nq)],
        cap=max(60.0, min(args.load_cap, deadline - time.perf_counter())),
    )
    load["db_mb"] = du_mb(db) if db.exists() else None
    res["bulk_load"] = load
    if load["timed_out"] or load["returncode"] != 0:
        kill = next(iter(watch.kills[kills_before:]), None)
        res["error"] = out_of_memory(kill) if kill else f"oxigraph load failed: see {load['log']}"
        return res
    servers: list[Server] = []
    try:
        port = run.free_port()
        ox = start(
            "oxigraph",
            [
                oxigraph,
                "serve",
                "--location",
                str(db),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(math.ceil(args.cap)),
            ],
            "/query",
            port,
            logs / "oxigraph-serve.log",
            args,
            watch,
        )
        servers.append(ox)
        res["oxigraph_open_seconds"] = ox.start_seconds
        replicas: list[Server] = []
        for i in (1, 2):
            if i == 2 and time.perf_counter() > deadline:
                res["replica_2"] = "not run: time budget"
                break
            port = run.free_port()
            replica = start(
                f"replica-{i}",
                r2p("serve", "--store", ox.url, "--host", "127.0.0.1", "--port", str(port)),
                "/sparql",
                port,
                logs / f"remote-replica-{i}.log",
                args,
                watch,
                env=r2p_env(args),
            )
            servers.append(replica)
            replicas.append(replica)
            res[f"replica_{i}_start_seconds"] = replica.start_seconds
            if i == 2:
                time.sleep(1.0)
                assert replica.proc is not None
                res["ready"] += process_rows(watch, replica.proc.pid, label(replica))
            if i == 1:
                time.sleep(1.0)
                res["ready"] = ready_rows(watch, ox, replicas)
                res["queries"] = run_mix(replica, queries, args, watch, deadline)
                names = quick_names
                if names is None:
                    names = [q.name for q in quick_queries(queries, res["queries"], args)]
                quick = [q for q in queries if q.name in names]
                res["mixed"] = mixed([replica.url], quick, args)
                check_alive(replica, watch)
                res["overhead"] = run.our_overhead(replica)
        if len(replicas) == 2:
            end = min(deadline, time.perf_counter() + args.setup_budget)
            print("two replicas: same answers?", file=sys.stderr)
            res["answers"] = answer_digests(replicas[0], queries, res["queries"], args, end)
            res["answers_replica_2"] = answer_digests(
                replicas[1], queries, res["queries"], args, end
            )
            spread: dict[str, Any] = {}
            for m in res["queries"]:
                if m.get("throughput_qps") and time.perf_counter() < end:
                    query = next(q for q in queries if q.name == m["query"])
                    qps, n = spread_throughput(replicas, query, args)
                    spread[m["query"]] = {"qps": qps, "requests": n}
            res["two_replicas_qps"] = spread
            res["mixed_two_replicas"] = mixed([r.url for r in replicas], quick, args)
            for r in replicas:
                check_alive(r, watch)
    except SetupAborted as exc:
        res["error"] = str(exc)
        print(f"remote {size}: {exc}", file=sys.stderr)
    finally:
        res["processes"] = [
            row for s in servers if s.proc for row in process_rows(watch, s.proc.pid, label(s))
        ]
        for s in reversed(servers):
            run.stop(s.proc)
        if not args.keep_dbs:
            shutil.rmtree(db, ignore_errors=True)
    return res


def label(server: Server) -> str:
    return (
        "oxigraph serve"
        if server.name == "oxigraph"
        else f"r2p-graph serve --store ({server.name})"
    )


def ready_rows(watch: ProcessWatch, ox: Server, replicas: list[Server]) -> list[dict[str, Any]]:
    rows = []
    for s in [ox, *replicas]:
        assert s.proc is not None
        rows += process_rows(watch, s.proc.pid, label(s))
    return rows


def publish_estimate(
    size: str, quads: int, previous: list[dict[str, Any]], args: argparse.Namespace
) -> str | None:
    """Why publishing ``size`` is not attempted, judged from smaller sizes' publishes."""
    smaller = [p for p in previous if p.get("quads") and p["quads"] < quads]
    failed = [p for p in smaller if p.get("error")]
    if failed:
        ref = max(failed, key=lambda p: p["quads"])
        return (
            f"not run: the publish of {ref['size']} ({ref['quads']:,} quads) already failed "
            f"({ref['error'][:200]})"
        )
    done = [
        p
        for p in previous
        if p.get("returncode") == 0 and not p.get("timed_out") and p.get("quads")
    ]
    if not done:
        return None
    ref = max(done, key=lambda p: p["quads"])
    scale = quads / ref["quads"]
    if scale <= 1:
        return None
    seconds = ref["seconds"] * scale
    peak = max(ref.get("peak_mb") or 0.0, ref.get("oxigraph_peak_mb") or 0.0) * scale
    reasons = []
    if seconds > args.publish_cap:
        reasons.append(f"~{seconds / 60:.0f} min > --publish-cap {args.publish_cap / 60:.0f} min")
    if peak > args.mem_limit_gb * 1024:
        reasons.append(f"~{peak / 1024:.1f} GB > the {args.mem_limit_gb:g} GB per-process budget")
    if not reasons:
        return None
    return (
        f"not run: scaled linearly from the {ref['size']} publish ({ref['seconds']:.0f} s, "
        f"publish process {ref.get('peak_mb') or 0:.0f} MB, oxigraph "
        f"{ref.get('oxigraph_peak_mb') or 0:.0f} MB for {ref['quads']:,} quads) it would take "
        + " and ".join(reasons)
    )


def publish_phase(
    dataset: dict[str, Any],
    size: str,
    args: argparse.Namespace,
    watch: ProcessWatch,
    deadline: float,
    previous: list[dict[str, Any]],
) -> dict[str, Any]:
    """``r2p-graph publish --to URL`` into a fresh ``oxigraph serve``, timed and watched."""
    res: dict[str, Any] = {"size": size, "quads": dataset["quads"]}
    skip = publish_estimate(size, dataset["quads"], previous, args)
    remaining = deadline - time.perf_counter()
    if skip is None and remaining < 60:
        skip = "not run: time budget"
    if skip:
        res["skipped"] = skip
        return res
    nq = ROOT / dataset["path"]
    folder = WORK / size
    data_dir = Path(dataset["data_dir"])
    cache = folder / "publish-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True)
    env = code_env(R2P_DATA_DIR=str(data_dir), R2P_CACHE_DIR=str(cache))
    if data_dir.is_dir():
        # Seed the build cache, so that publish finds "the build" at once (as after a
        # `r2p-graph build` or serve) and times the transfer, not a re-validation.
        code = (
            "from r2p_graph.pipeline.build import cached_build_path\n"
            "from r2p_graph.config import Settings\n"
            "print(cached_build_path(Settings.from_env()))\n"
        )
        key = subprocess.run(
            [str(run.PY), "-P", "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        os.link(nq, key)
        cmd = r2p("publish", "--to", "{update}")
        res["how"] = "r2p-graph publish --to URL (build cache seeded with the dataset)"
    else:
        code = (
            "import sys\nfrom pathlib import Path\nfrom r2p_graph.config import Settings\n"
            "from r2p_graph.publish import publish\n"
            "r = publish(Settings.from_env(), sys.argv[1], source=Path(sys.argv[2]))\n"
            "print(r.version, sum(r.graphs.values()), file=sys.stderr)\n"
        )
        cmd = [str(run.PY), "-P", "-c", code, "{update}", str(nq)]
        res["how"] = "r2p_graph.publish.publish(source=FILE) (no data folder to key a build by)"
    db = folder / "oxigraph-publish-db"
    shutil.rmtree(db, ignore_errors=True)
    port = run.free_port()
    ox: Server | None = None
    try:
        ox = start(
            "oxigraph",
            [oxigraph_binary(), "serve", "--location", str(db), "--bind", f"127.0.0.1:{port}"],
            "/query",
            port,
            folder / "logs" / "oxigraph-publish.log",
            args,
            watch,
        )
        assert ox.proc is not None
        update = f"http://127.0.0.1:{port}/update"
        full = [update if part == "{update}" else part for part in cmd]
        print(f"publish ({size}): {res['how']}", file=sys.stderr)
        kills_before = len(watch.kills)
        series: list[tuple[float, float]] = []
        sampling = threading.Event()

        def sample(pid: int = ox.proc.pid) -> None:  # the store's RSS while it takes the data
            t0 = time.perf_counter()
            while not sampling.wait(1.0):
                series.append((round(time.perf_counter() - t0, 1), round(run.process_rss_mb(pid))))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        done = run.run_timed(full, env=env, cap=max(60.0, min(args.publish_cap, remaining)))
        sampling.set()
        sampler.join()
        res["oxigraph_rss_series"] = series[:: max(1, len(series) // 120)]
        res.update(done)
        res["oxigraph_peak_mb"] = max(
            (p["peak_mb"] for p in watch.processes(ox.proc.pid)), default=None
        )
        log_text = (ROOT / done["log"]).read_text(encoding="utf-8", errors="replace")
        res["message"] = next((line for line in log_text.splitlines()[::-1] if line.strip()), "")[
            :300
        ]
        kill = next(iter(watch.kills[kills_before:]), None)
        if kill:
            res["error"] = out_of_memory(kill)
        elif done["timed_out"]:
            res["error"] = f"stopped after {done['seconds']:.0f} s (--publish-cap)"
        elif done["returncode"] != 0:
            res["error"] = f"exit {done['returncode']}: {res['message']}"
        else:
            res["published_quads"] = count_graphs(ox, args)
        res["db_mb"] = du_mb(db)
    except SetupAborted as exc:
        res["error"] = str(exc)
    finally:
        if ox is not None:
            run.stop(ox.proc)
        shutil.rmtree(cache, ignore_errors=True)
        if not args.keep_dbs:
            shutil.rmtree(db, ignore_errors=True)
    return res


def count_graphs(ox: Server, args: argparse.Namespace) -> dict[str, int] | None:
    client = Client(ox.url, timeout=max(120.0, args.cap * 4))
    try:
        status, body = client.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", JSON_RESULTS
        )
    except OSError:
        return None
    finally:
        client.close()
    if status != 200:
        return None
    rows = json.loads(body)["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


# -- one size ----------------------------------------------------------------------------


def code_state(args: argparse.Namespace) -> dict[str, Any]:
    """Which r2p_graph the servers run: an exported commit, or the working tree as it is."""
    if args.commit:
        return {"commit": args.commit_sha, "exported": True, "r2p_graph_modified": []}

    def git(*a: str) -> str:
        done = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True)
        return done.stdout

    status = git("status", "--porcelain", "--", "r2p_graph").splitlines()
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "exported": False,
        "r2p_graph_modified": [line[3:] for line in status if line.strip()],
    }


def bench_size(
    size: str,
    args: argparse.Namespace,
    watch: ProcessWatch,
    previous_publishes: list[dict[str, Any]],
) -> dict[str, Any]:
    print(f"\n== {size} ==", file=sys.stderr)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "size": size,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code_state(args),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }
    report["dataset"] = prepare_dataset(size, args)
    report["dataset_seconds"] = time.perf_counter() - started
    deadline = time.perf_counter() + args.size_budget
    nq = ROOT / report["dataset"]["path"]
    queries = query_mix()
    print(f"embedded ({size})", file=sys.stderr)
    report["embedded"] = embedded(nq, size, args, watch, deadline, queries)
    quick_names = None
    if report["embedded"].get("mixed"):
        quick_names = report["embedded"]["mixed"]["queries"]
    print(f"remote ({size})", file=sys.stderr)
    report["remote"] = remote(nq, size, args, watch, deadline, queries, quick_names)
    if args.skip_publish:
        report["publish"] = {"size": size, "skipped": "not run: --skip-publish"}
    else:
        report["publish"] = publish_phase(
            report["dataset"], size, args, watch, deadline, previous_publishes
        )
    report["wall_seconds"] = time.perf_counter() - started
    report["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if code_state(args) != report["code"]:
        report["code_changed_during_run"] = code_state(args)
    return report


# -- the report --------------------------------------------------------------------------


def mb(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1024:.2f} GB" if value >= 1024 else f"{value:.0f} MB"


def secs(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def minutes(value: float) -> str:
    return f"{value / 60:.0f} min" if value >= 120 else f"{value:.0f} s"


def median_cell(m: dict[str, Any] | None) -> str:
    if not m:
        return "-"
    if m.get("median_ms") is None:
        return m.get("error") or "-"
    return f"{run.fmt_ms(m['median_ms'])} / {run.fmt_ms(m['p99_ms'])}"


def qps_cell(value: float | None) -> str:
    return f"{value:.1f}" if value else "-"


def memory_rows(
    setup: str, start: str, rows: list[dict[str, Any]], peaks: list[dict[str, Any]]
) -> list[str]:
    """Table rows: one per process (RSS when ready, peak over the run), then the total."""
    peak_by_pid = {p["pid"]: p["peak_mb"] for p in peaks}
    out = []
    for i, r in enumerate(rows):
        peak = peak_by_pid.get(r["pid"], r["peak_mb"])
        out.append(
            f"| {setup if i == 0 else ''} | {start if i == 0 else ''} | {r['process']} "
            f"(pid {r['pid']}) | {mb(r['rss_mb'])} | {mb(peak)} |"
        )
    later = [p for p in peaks if p["pid"] not in {r["pid"] for r in rows}]
    for p in later:
        out.append(
            f"| | | {p['process']} (pid {p['pid']}, not running when ready) | - "
            f"| {mb(p['peak_mb'])} |"
        )
    total_ready = sum(r["rss_mb"] or 0 for r in rows)
    out.append(f"| | | **total** | **{mb(total_ready)}** | |")
    return out


def size_section(r: dict[str, Any]) -> list[str]:
    d = r["dataset"]
    emb, rem, pub = r["embedded"], r["remote"], r["publish"]
    code = r["code"]
    if code.get("exported"):
        modified = " (r2p_graph exported from that commit with `--commit`)"
    elif code["r2p_graph_modified"]:
        modified = " of the working tree, with uncommitted changes in " + ", ".join(
            f"`{f}`" for f in code["r2p_graph_modified"]
        )
    else:
        modified = " (clean working tree)"
    if r.get("code_changed_during_run"):
        modified += "; **r2p_graph changed in the working tree during the run**"
    out = [
        f"## {r['size']}: {d['quads']:,} quads served ({d['mb']:.0f} MB of N-Quads)",
        "",
        f"Run {r['date']} at commit {code['commit']}{modified}; load average (1, 5, 15 min) "
        f"before {r['load_before']}, after {r.get('load_after', '?')}; the whole size took "
        f"{minutes(r['wall_seconds'])} "
        f"(dataset {minutes(r['dataset_seconds'])}).",
        "",
    ]
    if d["kind"] == "derived":
        x = d["derived"]
        out += [
            f"Dataset: **derived**, not validated: {x['factor']} disjoint copies of the "
            f"{d['base']} build's {x['synthetic_quads_per_copy']:,} synthetic quads (every "
            f"`…-bench…` IRI and blank node renamed per copy) plus its "
            f"{x['shared_quads']:,} other quads (ontology, vocabularies, states, the real "
            f"record) once; {d['blank_node_quads']:,} quads with blank nodes. The "
            f"{d['base']} build: {d['base_build']}. Transform: "
            + ("reused from an earlier run." if x.get("reused") else f"{x['seconds']:.0f} s.")
        ]
    else:
        out += [f"Dataset: the validated, inferred build, {d['base_build']}."]
    out += ["", "Graphs: " + ", ".join(f"`{g}` {n:,}" for g, n in d["graphs"].items()), ""]

    out += [
        "### Start-up and memory",
        "",
        "Start-up is from launching the command until the first query is answered. RSS "
        '"ready" is sampled a second after that; "peak" is the process\'s highest RSS '
        "over the whole run (the kernel's VmHWM), loading included.",
        "",
        "| setup | start-up | process | RSS ready | RSS peak |",
        "|---|---|---|---|---|",
    ]
    if emb.get("first_ready"):
        start = secs(emb["first_start_seconds"])
        if emb.get("first_store_load_seconds") is not None:
            start += f" (store ready in {secs(emb['first_store_load_seconds'])})"
        if emb.get("cache_mb"):
            start += f"; leaves {mb(emb['cache_mb'])} in its cache folder for the next start"
        out += memory_rows(
            "embedded, first start", start, emb["first_ready"], emb.get("first_processes", [])
        )
    if emb.get("ready"):
        start = secs(emb["start_seconds"])
        if emb.get("store_load_seconds") is not None:
            start += f" (store ready in {secs(emb['store_load_seconds'])})"
        setup = "embedded, restart (queries below)" if emb.get("first_ready") else "embedded"
        out += memory_rows(setup, start, emb["ready"], emb.get("processes", []))
    else:
        out.append(f"| embedded | {emb.get('error', '-')} | | | |")
    if rem.get("ready"):
        bl = rem["bulk_load"]
        start = (
            f"`oxigraph load` {secs(bl['seconds'])} (peak {mb(bl['peak_mb'])}, "
            f"{mb(bl['db_mb'])} on disk) + open {secs(rem['oxigraph_open_seconds'])} + "
            f"`serve --store` {secs(rem['replica_1_start_seconds'])}"
        )
        if rem.get("replica_2_start_seconds"):
            start += f"; replica 2: {secs(rem['replica_2_start_seconds'])}"
        out += memory_rows("remote", start, rem["ready"], rem.get("processes", []))
    else:
        out.append(f"| remote | {rem.get('error', '-')} | | | |")
    if rem.get("error") and rem.get("ready"):
        out += ["", f"Remote setup stopped early: {rem['error']}."]
    if emb.get("error") and emb.get("ready"):
        out += ["", f"Embedded setup stopped early: {emb['error']}."]
    out += ["", "### Loading the remote store", "", "| how | time | peak RSS | on disk | notes |"]
    out.append("|---|---|---|---|---|")
    bl = rem.get("bulk_load")
    if bl:
        out.append(
            f"| `oxigraph load` (bulk, offline) | {secs(bl['seconds'])} | {mb(bl['peak_mb'])} "
            f"| {mb(bl.get('db_mb'))} | |"
        )
    if pub.get("skipped"):
        out.append(f"| `r2p-graph publish --to URL` | - | - | - | {pub['skipped']} |")
    elif pub:
        published = pub.get("published_quads") or {}
        check = ""
        if published:
            live = {
                g: n
                for g, n in published.items()
                if "/staging/" not in g and not g.endswith("graph/meta")
            }
            check = f"{sum(live.values()):,} quads live in {len(live)} graphs " + (
                "(= the file)" if live == d["graphs"] else f"(file: {d['quads']:,})"
            )
        note = pub.get("error") or check
        series = pub.get("oxigraph_rss_series") or []
        if series:
            t_peak, m_peak = max(series, key=lambda point: point[1])
            half = min(series, key=lambda point: abs(point[0] - series[-1][0] / 2))
            note += (
                f"; oxigraph RSS {mb(half[1])} at {half[0]:.0f} s, highest sample "
                f"{mb(m_peak)} at {t_peak:.0f} s of {series[-1][0]:.0f} s"
            )
        out.append(
            f"| `r2p-graph publish --to URL` into `oxigraph serve` | {secs(pub.get('seconds'))} "
            f"| publish {mb(pub.get('peak_mb'))}, oxigraph {mb(pub.get('oxigraph_peak_mb'))} "
            f"| {mb(pub.get('db_mb'))} | {note}; {pub.get('how', '')} |"
        )
    out.append("")

    out += [
        "### Queries",
        "",
        "Client-observed over HTTP on 127.0.0.1, in ms: median / p99 of the sequential "
        "requests after one warm-up. `remote/emb` is the remote median over the embedded "
        "one. q/s: throughput with the concurrent clients (queries with a median under "
        "the concurrency threshold only); `2 replicas`: the same clients split over both "
        "replicas.",
        "",
        "| query | rows | embedded | remote | remote/emb | q/s embedded | q/s remote "
        "| q/s remote, 2 replicas |",
        "|---|---|---|---|---|---|---|---|",
    ]
    by_e = {m["query"]: m for m in emb.get("queries", [])}
    by_r = {m["query"]: m for m in rem.get("queries", [])}
    spread = rem.get("two_replicas_qps", {})
    limited = {q.name for q in query_mix() if re.search(r"\bLIMIT\b", q.text)}
    mismatched = []
    for name in dict.fromkeys([*by_e, *by_r]):
        e, x = by_e.get(name), by_r.get(name)
        rows = {m.get("rows") for m in (e, x) if m and m.get("rows") is not None}
        if len(rows) > 1:
            mismatched.append(name)
            rows_s = f"{(e or {}).get('rows')} / {(x or {}).get('rows')}"
        else:
            rows_s = str(next(iter(rows), "-"))
        out.append(
            f"| {name} | {rows_s} | {median_cell(e)} | {median_cell(x)} "
            f"| {run.ratio((x or {}).get('median_ms'), (e or {}).get('median_ms'))} "
            f"| {qps_cell((e or {}).get('throughput_qps'))} "
            f"| {qps_cell((x or {}).get('throughput_qps'))} "
            f"| {qps_cell(spread.get(name, {}).get('qps'))} |"
        )
    out.append("")
    if mismatched:
        out += [
            "Rows differ between embedded and remote (embedded / remote) for: "
            + ", ".join(f"{n} (LIMIT)" if n in limited else n for n in mismatched)
            + ".",
            "",
        ]
    mixes = [
        ("embedded", emb.get("mixed")),
        ("remote, 1 replica", rem.get("mixed")),
        ("remote, 2 replicas", rem.get("mixed_two_replicas")),
    ]
    if any(m for _, m in mixes):
        first = next(m for _, m in mixes if m)
        out += [
            "### Mixed workload",
            "",
            f"{first['clients']} clients, each cycling through the {len(first['queries'])} "
            f"queries with an embedded median ≤ {r.get('mixed_max_ms', '?')} ms "
            f"({', '.join(first['queries'])}), for {first['seconds']:.0f} s.",
            "",
            "| setup | q/s | median ms | p99 ms | errors |",
            "|---|---|---|---|---|",
        ]
        for name, m in mixes:
            if m:
                out.append(
                    f"| {name} | {m['qps']:.1f} | {run.fmt_ms(m['median_ms'])} "
                    f"| {run.fmt_ms(m['p99_ms'])} | {m['errors']} |"
                )
        out.append("")
    flagged: list[str] = []
    for what, a, b in (
        ("the two remote replicas", rem.get("answers"), rem.get("answers_replica_2")),
        ("embedded and remote", emb.get("answers"), rem.get("answers")),
    ):
        if not a or not b:
            continue
        c = compare(a, b)
        flagged += c["differ"]
        differ = [f"{n} (LIMIT)" if n in limited else n for n in c["differ"]]
        out += [
            f"Same answers (order aside) from {what}: {len(c['same'])} of "
            f"{len(c['same']) + len(c['differ'])} queries"
            + (f"; different: {', '.join(differ)}" if differ else "")
            + (f"; not compared: {', '.join(c['skipped'])}" if c["skipped"] else "")
            + ".",
            "",
        ]
    if any(n in limited for n in [*mismatched, *flagged]):
        out += [
            "(LIMIT) marks a query whose LIMIT cuts through rows that its ORDER BY does not "
            "tell apart (or that has no ORDER BY): two engines may keep different rows.",
            "",
        ]
    for name, setup in (("embedded", emb), ("remote", rem)):
        ov = setup.get("overhead")
        if ov:
            out.append(
                f"{name} access log: {ov['requests']} requests, mean "
                f"{ov['mean_request_ms']:.1f} ms in the app, of which "
                f"{ov['mean_engine_ms']:.1f} ms in the store "
                f"({'worker process' if name == 'embedded' else 'HTTP to Oxigraph'})."
            )
    out.append("")
    return out


def write_report(results: dict[str, Any], path: Path) -> None:
    kept = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if KEPT_HEADING in text:
            kept = text[text.index(KEPT_HEADING) :]
    s = results["settings"]
    lines = [
        "# Scale-out benchmark: embedded store against a remote Oxigraph store",
        "",
        f"Written by `bench/scaleout.py` (`make bench-scaleout`); last run {results['date']} "
        f"with `{results['command']}`. Raw numbers: "
        f"`{results.get('results_path', 'bench/out/scaleout.json')}`.",
        "",
        "Machine: "
        + ", ".join(f"{k} {v}" for k, v in results["machine"].items())
        + ". Versions: "
        + ", ".join(f"{k} {v}" for k, v in results["versions"].items())
        + ".",
        "",
        f"Settings: {s['clients']} concurrent clients; per query at most {s['reps']} "
        f"sequential requests or {s['seq_seconds']:g} s (at least 3), then up to "
        f"{s['conc_requests']} concurrent requests or {s['conc_seconds']:g} s when the median "
        f"is under {s['concurrent_max_ms']:g} ms; every request capped at {s['cap']:g} s "
        f"(`R2P_QUERY_TIMEOUT`, `oxigraph serve --timeout-s`); mixed workload "
        f"{s['mixed_seconds']:g} s; memory budget {s['mem_limit_gb']:g} GB per process, "
        f"{s['total_mem_limit_gb']:g} GB for all; {s['size_budget']:g} s per size, "
        f"{s['setup_budget']:g} s per setup's query mix; `r2p-graph publish` capped at "
        f"{s['publish_cap']:g} s.",
        "",
        "The setups: **embedded** is `r2p-graph serve FILE.nq` (waitress, the dataset "
        "loaded into query worker processes, 2 by default). **remote** is `oxigraph serve` "
        "over a RocksDB folder filled by `oxigraph load`, with `r2p-graph serve --store "
        "URL` in front (the same endpoint, no data of its own); a second replica on "
        "another port shows that replicas are interchangeable. The client, the servers and "
        "the store share the machine's cores. RSS does not count the operating system's "
        "page cache, which holds the RocksDB files the remote store reads (their size on "
        "disk is given), nor the embedded store's copy of the dataset in `$TMPDIR`.",
        "",
    ]
    for r in results["sizes"]:
        lines += size_section(r)
    if kept:
        lines += ["", kept.rstrip()]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def versions() -> dict[str, str]:
    main = ROOT / ".venv" / "bin" / "python"
    v = {p: run.version_of(main, p) for p in ("r2p-graph", "pyoxigraph", "waitress", "requests")}
    done = subprocess.run([oxigraph_binary(), "--version"], capture_output=True, text=True)
    v["oxigraph (server)"] = done.stdout.strip() or "?"
    return v


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m")
    parser.add_argument(
        "--derive-from", default="1m", help="larger sizes are copies of this size's build"
    )
    run.add_measuring_options(parser)
    parser.add_argument("--cap", type=float, default=30.0, help="deadline per request (s)")
    parser.add_argument("--mixed-seconds", type=float, default=20.0)
    parser.add_argument(
        "--mixed-max-ms", type=float, default=500.0, help="queries in the mixed workload"
    )
    parser.add_argument("--start-cap", type=float, default=1800, help="s until the first answer")
    parser.add_argument("--load-cap", type=float, default=1800, help="s for oxigraph load")
    parser.add_argument("--publish-cap", type=float, default=1800, help="s for r2p-graph publish")
    parser.add_argument("--build-cap", type=float, default=1800, help="s to build a base size")
    parser.add_argument("--setup-budget", type=float, default=1800, help="s per setup's mix")
    parser.add_argument("--size-budget", type=float, default=10800, help="s per size")
    parser.add_argument("--mem-limit-gb", type=float, default=16.0, help="per process")
    parser.add_argument("--total-mem-limit-gb", type=float, default=20.0, help="all processes")
    parser.add_argument(
        "--commit",
        help="run r2p-graph from this commit (exported with git archive under "
        "bench/out/scaleout) instead of the working tree, e.g. HEAD while it is being edited",
    )
    parser.add_argument("--skip-publish", action="store_true")
    parser.add_argument("--keep-dbs", action="store_true", help="keep the RocksDB folders")
    parser.add_argument("--fresh", action="store_true", help="drop kept results of other sizes")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--results", type=Path, default=RESULTS, help="the raw numbers (JSON)")
    parser.add_argument(
        "--from-results", action="store_true", help="only rewrite the report from the JSON"
    )
    args = parser.parse_args(argv)
    if args.from_results:
        write_report(json.loads(args.results.read_text(encoding="utf-8")), args.report)
        return 0
    sizes = args.sizes.split(",")
    for size in [*sizes, args.derive_from]:
        try:
            parse_size(size)
        except ValueError:
            parser.error(f"unknown size {size!r} (like 100k, 1m, 10m)")

    WORK.mkdir(parents=True, exist_ok=True)
    # One run at a time: two runs share the cores (each spoils the other's numbers) and the
    # results file. The lock goes with the process, however it ends.
    lock = (WORK / ".lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        print(
            f"bench/scaleout.py is already running (pid {lock.read().strip() or '?'}); "
            "wait for it to finish",
            file=sys.stderr,
        )
        return 2
    lock.truncate(0)
    lock.write(str(os.getpid()))
    lock.flush()
    global CODE_ROOT
    if args.commit:
        CODE_ROOT, args.commit_sha = export_commit(args.commit)
    faulthandler.register(signal.SIGUSR1)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    kept: list[dict[str, Any]] = []
    if args.results.exists() and not args.fresh:
        kept = list(json.loads(args.results.read_text(encoding="utf-8"))["sizes"])
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["bench/scaleout.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": run.machine(),
        "versions": versions(),
        "settings": {
            k: getattr(args, k)
            for k in (
                "clients",
                "reps",
                "seq_seconds",
                "conc_requests",
                "conc_seconds",
                "concurrent_max_ms",
                "cap",
                "mixed_seconds",
                "mixed_max_ms",
                "mem_limit_gb",
                "total_mem_limit_gb",
                "size_budget",
                "setup_budget",
                "publish_cap",
                "derive_from",
            )
        },
        "sizes": [],
        "results_path": str(args.results.resolve().relative_to(ROOT))
        if args.results.resolve().is_relative_to(ROOT)
        else str(args.results),
    }
    watch = ProcessWatch(args.mem_limit_gb * 1024, args.total_mem_limit_gb * 1024)

    def save() -> None:
        done = {s["size"] for s in results["sizes"]}
        if args.results.exists() and not args.fresh:  # sizes written since this run began
            kept[:] = json.loads(args.results.read_text(encoding="utf-8"))["sizes"]
        others = [s for s in kept if s["size"] not in done]
        ordered = sorted([*others, *results["sizes"]], key=lambda s: parse_size(s["size"]))
        full = dict(results, sizes=ordered)
        args.results.write_text(json.dumps(full, indent=1), encoding="utf-8")
        write_report(full, args.report)

    try:
        for size in sorted(sizes, key=parse_size):
            publishes = [s["publish"] for s in [*kept, *results["sizes"]] if s["size"] != size]
            report = bench_size(size, args, watch, publishes)
            report["mixed_max_ms"] = args.mixed_max_ms
            results["sizes"].append(report)
            save()
    finally:
        watch.close()
        run.stop_all()
        stop_children()
    print(f"report: {args.report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
