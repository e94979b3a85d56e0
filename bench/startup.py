"""Start-up and memory of ``r2p-graph serve``: time until the first answer, RSS of the tree.

    .venv/bin/python bench/startup.py [--sizes real,100k,1m] [--mode default|file]
                                      [--runs 3] [--fresh]

For each size, the cached build in ``bench/out/<SIZE>/cache`` (``bench/run.py`` makes
it) is served the way a user serves it:

* ``--mode default``: ``r2p-graph serve`` with ``R2P_DATA_DIR=bench/out/<SIZE>/data``
  and a cache folder (``bench/out/<SIZE>/startup-cache``) holding that build under the
  name ``ensure_build`` looks for (a hard link), i.e. a start from a cached build;
* ``--mode file``: ``r2p-graph serve bench/out/<SIZE>/cache/dataset-*.nq`` (with the
  same cache folder, where the served folder of the file goes).

Each run starts the server, asks ``ASK { ?s ?p ?o }`` every 10 ms until it is answered
(the time until the first answer, and the CPU time the process tree used until then),
runs a few queries, then stops it; RSS of the whole process tree (server and query
workers) is sampled every 50 ms: peak, and once loaded.
``--fresh`` removes what a previous start left for reuse (the served folders: on-disk
stores and their sidecars) before the first run, so that run measures the first start
after a build; the others reuse it. Prints one line per run and the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from run import (  # noqa: E402
    JSON_RESULTS,
    Client,
    MemorySampler,
    free_port,
    spawn,
    stop,
    tree_rss_mb,
)

QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
]


def build_file(size: str) -> Path:
    found = sorted((BENCH / "out" / size / "cache").glob("dataset-*.nq"))
    if not found:
        raise SystemExit(f"no cached build in bench/out/{size}/cache (run bench/run.py once)")
    return max(found, key=lambda p: p.stat().st_mtime)


def default_cache(size: str, build: Path) -> tuple[dict[str, str], Path]:
    """Environment and cache folder in which ``ensure_build`` finds ``build``."""
    data = BENCH / "out" / size / "data"
    cache = BENCH / "out" / size / "startup-cache"
    env = dict(os.environ, R2P_DATA_DIR=str(data), R2P_CACHE_DIR=str(cache))
    code = (
        "from r2p_graph.pipeline.build import cached_build_path\n"
        "from r2p_graph.config import Settings\n"
        "print(cached_build_path(Settings.from_env()))\n"
    )
    target = Path(
        subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
        ).stdout.decode().strip()
    )
    cache.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        for old in cache.glob("dataset-*.nq"):
            old.unlink()
        os.link(build, target)
    return env, cache


def forget_reusables(cache: Path) -> None:
    """Remove the served folders (on-disk stores, sidecars) a previous start left."""
    shutil.rmtree(cache / "served", ignore_errors=True)


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process, its live descendants and the
    children it has reaped: a measure of start-up work that other load on the machine
    does not inflate as much as wall time."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(
                        int(entry)
                    )
            except (OSError, ValueError, IndexError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks


def wait_first_answer(url: str, proc: subprocess.Popen[bytes], started: float) -> float:
    """Seconds from ``started`` until ``ASK { ?s ?p ?o }`` is answered; asked every 10 ms
    (``run.wait_ready`` waits 100 ms between tries, too coarse for sub-second starts)."""
    while time.perf_counter() < started + 900:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        client = Client(url, timeout=120)
        try:
            status, _ = client.query("ASK { ?s ?p ?o }", JSON_RESULTS)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        finally:
            client.close()
        time.sleep(0.01)
    raise TimeoutError("the server did not answer within 900 s")


def one_run(cmd: list[str], env: dict[str, str], log: Path) -> dict[str, float]:
    port = free_port()
    env = dict(
        env,
        R2P_HOST="127.0.0.1",
        R2P_PORT=str(port),
        R2P_ACCESS_LOG="0",
        R2P_QUERY_TIMEOUT="120",
    )
    sampler = MemorySampler(0.05)
    started = time.perf_counter()
    with log.open("ab") as err:
        proc = spawn(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    sampler.watch("r2p", proc.pid)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        first = wait_first_answer(url, proc, started)
        cpu = tree_cpu_seconds(proc.pid)
        client = Client(url, timeout=120)
        for text in QUERIES:
            status, _ = client.query(text, JSON_RESULTS)
            assert status == 200, status
        client.close()
        time.sleep(0.2)
        loaded = tree_rss_mb(proc.pid)
    finally:
        stop(proc)
        sampler.close()
    return {
        "first_answer_s": first,
        "cpu_s": cpu,
        "rss_loaded_mb": loaded,
        "rss_peak_mb": sampler.peak["r2p"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,100k,1m")
    parser.add_argument("--mode", choices=("default", "file"), default="default")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--engine", default="oxigraph")
    parser.add_argument(
        "--entry",
        choices=("cli", "server.py"),
        default="cli",
        help="start with r2p-graph serve (default) or python server.py (default dataset only)",
    )
    parser.add_argument("--worker-store", choices=("disk", "memory"), default="disk")
    args = parser.parse_args(argv)
    r2p = str(ROOT / ".venv" / "bin" / "r2p-graph")
    log = BENCH / "out" / "logs" / "startup.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    summary = {}
    for size in args.sizes.split(","):
        build = build_file(size)
        env, cache = default_cache(size, build)
        cmd = [r2p, "serve"] if args.mode == "default" else [r2p, "serve", str(build)]
        if args.entry == "server.py":
            cmd = [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "server.py")]
        env["R2P_ENGINE"] = args.engine
        env["R2P_WORKER_STORE"] = args.worker_store
        if args.fresh:
            forget_reusables(cache)
        runs = []
        for i in range(args.runs):
            result = one_run(cmd, env, log)
            runs.append(result)
            print(
                f"{size:5} {args.mode:7} run {i + 1}: "
                f"first answer {result['first_answer_s']:6.2f} s (CPU {result['cpu_s']:5.2f} s)"
                f"  RSS loaded {result['rss_loaded_mb']:7.0f} MB"
                f"  peak {result['rss_peak_mb']:7.0f} MB",
                flush=True,
            )
        later = runs[1:] if args.fresh and len(runs) > 1 else runs
        summary[size] = {
            "first_run": runs[0],
            "median_first_answer_s": statistics.median(r["first_answer_s"] for r in later),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in later),
            "median_rss_loaded_mb": statistics.median(r["rss_loaded_mb"] for r in later),
            "max_rss_peak_mb": max(r["rss_peak_mb"] for r in runs),
        }
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
