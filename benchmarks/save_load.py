"""Save latency with many coders at once against gunicorn (several worker processes).

Each simulated coder is a thread with its own user, API token and document: it reads its layer,
waits for the others, then saves one new span per request, `saves` times, either back to back
("burst") or on a fixed schedule ("paced", like a page that saves every few hundred ms). Any
answer other than 2xx, or no answer, is an error. Afterwards the stored spans must equal the 2xx
answers: a save that was answered 200 and then lost, or stored twice, shows up here.
"""

import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from annotator.models import Layer, Span
from benchmarks.figures import Figure, load, percentile

ROOT = Path(__file__).resolve().parents[1]
SECRET_KEY = "bench-secret-shared-by-every-worker-" + "0" * 32
READY_TIMEOUT = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url: str, folder: Path, workers: int = 4):
    """Serve the app with gunicorn on a free port; yield the port, stop the server after."""
    port = _free_port()
    instance = folder / "instance"
    env = os.environ | {"ANNOTATOR_DATABASE_URL": url, "ANNOTATOR_SECRET_KEY": SECRET_KEY,
                        "ANNOTATOR_INSTANCE_PATH": str(instance)}
    log_path = folder / f"gunicorn-{port}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "120", "annotator:create_app()"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(port, server, log_path)
            yield port, log_path, server.pid
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_ready(port: int, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text()[-2000:]}")
        if request(port, "GET", "/api/openapi.json")[0] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {READY_TIMEOUT} s")


def server_cpu_seconds(master: int) -> float:
    """Return the CPU time used so far by gunicorn's master and its live workers (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        pid, parent = int(stat.parent.name), int(fields[1])
        if master in (pid, parent):
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def request(port: int, method: str, path: str, token: str | None = None,
            body: object = None) -> tuple[int, object]:
    """Send one request on a new connection; return (status, parsed JSON); status 0 on failure."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=None if body is None else json.dumps(body),
                           headers=headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, None
    except OSError:
        return 0, None
    finally:
        connection.close()


class Coder(threading.Thread):
    """One simulated coder saving a new span per request into their own layer."""

    def __init__(self, port: int, token: str, document: int, saves: int, interval: float,
                 phase: float, barrier: threading.Barrier):
        super().__init__(daemon=True)
        self.port, self.token, self.document = port, token, document
        self.saves, self.interval, self.phase, self.barrier = saves, interval, phase, barrier
        self.results: list[tuple[float, int]] = []  # (latency ms, status)

    def read_layer(self) -> tuple[int, int]:
        status, body = request(self.port, "GET", f"/api/documents/{self.document}/layer",
                               self.token)
        if status != 200:
            raise RuntimeError(f"reading the layer of document {self.document}: {status}")
        return body["layer"]["id"], body["layer"]["version"]

    def run(self) -> None:
        layer, version = self.read_layer()  # made on first read: the first save may follow
        self.barrier.wait()
        started = time.perf_counter() + self.phase
        for n in range(self.saves):
            if self.interval:
                time.sleep(max(0.0, started + n * self.interval - time.perf_counter()))
            offset = n // 4  # four paragraphs: a new (paragraph, offsets) for every save
            payload = {"change_id": f"c{n}", "base_version": version, "changes": [
                {"op": "add_span", "span": {"id": f"b{n}", "paragraph": n % 4, "start": offset,
                                            "end": offset + 1, "label": "ACTOR", "attrs": {}}}]}
            sent = time.perf_counter()
            status, body = request(self.port, "POST", f"/api/layers/{layer}/changes",
                                   self.token, payload)
            self.results.append(((time.perf_counter() - sent) * 1000, status))
            if 200 <= status < 300:
                version = body["version"]
            else:
                layer, version = self.read_layer()  # as the page does after a failure


def run_coders(port: int, savers: list[dict], saves: int, interval: float) -> list[Coder]:
    """Run one thread per saver until every one has made its saves."""
    # Paced coders keep their own rhythm, each shifted by a random (seeded) part of the
    # interval: people do not save in step, and twenty saves landing in the same millisecond
    # every second would measure a queue that real use never builds.
    barrier = threading.Barrier(len(savers))
    phases = random.Random(len(savers))
    coders = [Coder(port, s["token"], s["document"], saves, interval,
                    interval * phases.random(), barrier) for s in savers]
    for coder in coders:
        coder.start()
    for coder in coders:
        coder.join()
    return coders


def stored_spans(engine: Engine, user_ids: list[int]) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count(Span.id)).join(Layer, Span.layer_id == Layer.id)
            .where(Layer.user_id.in_(user_ids), Layer.kind == "coder"))


def start_background_jobs(url: str, folder: Path, export_project: str,
                          import_file: Path) -> list[tuple[str, subprocess.Popen]]:
    """Start an `annotator export` and an `annotator import`, as an admin might mid-session."""
    env = os.environ | {"ANNOTATOR_DATABASE_URL": url}
    cli = [sys.executable, "-c", "from annotator.cli import main; main()"]
    subprocess.run([*cli, "create-project", "bench-background-import"], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    jobs = []
    for name, arguments in (
        ("export", ["export", export_project, "--format", "native", "--out",
                    str(folder / "background-export.jsonl")]),
        ("import", ["import", "bench-background-import", str(import_file)]),
    ):
        jobs.append((name, subprocess.Popen([*cli, *arguments], env=env, cwd=ROOT,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                            text=True)))
    return jobs


def stop_background_jobs(jobs: list[tuple[str, subprocess.Popen]], started: float) -> dict:
    """Stop jobs still running; return each one's outcome (exit code, seconds, last error)."""
    outcome = {}
    for name, job in jobs:
        finished = job.poll() is not None
        if not finished:
            job.terminate()
        _, stderr = job.communicate()
        outcome[name] = {"finished_during_round": finished, "returncode": job.returncode,
                         "seconds": time.perf_counter() - started,
                         "error": stderr.strip().splitlines()[-1] if stderr.strip() else ""}
    return outcome


ROUNDS = (
    ("burst", "back to back"),
    ("paced", "every {interval} ms"),
    ("busy", "every {interval} ms, during an export and an import"),
)


def measure_saves(url: str, engine: Engine, backend: str, folder: Path, savers: dict,
                  saves: int, interval_ms: float, background: dict,
                  workers: int = 4) -> list[Figure]:
    """Run the save rounds against one gunicorn; return latency, error and throughput figures."""
    # `background` names the project to export and the article file to import in the "busy"
    # round (checklist item 34: coders keep saving while an admin imports and exports).
    figures = []
    with gunicorn(url, folder, workers) as (port, log_path, server):
        for mode, description in ROUNDS:
            group = savers[mode]
            interval = 0.0 if mode == "burst" else interval_ms / 1000
            started_load = load()
            started = time.perf_counter()
            cpu_started = server_cpu_seconds(server)
            jobs = (start_background_jobs(url, folder, background["export_project"],
                                          background["import_file"]) if mode == "busy" else [])
            coders = run_coders(port, group, saves, interval)
            elapsed = time.perf_counter() - started
            server_cpu = server_cpu_seconds(server) - cpu_started
            outcome = stop_background_jobs(jobs, started)
            results = [r for coder in coders for r in coder.results]
            latencies = [ms for ms, _ in results]
            ok = sum(1 for _, status in results if 200 <= status < 300)
            statuses: dict[str, int] = {}
            for _, status in results:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            stored = stored_spans(engine, [s["user"] for s in group])
            log = log_path.read_text(errors="replace")
            details = {"coders": len(group), "saves_each": saves, "workers": workers,
                       "interval_ms": interval * 1000, "seconds": elapsed,
                       "saves_per_s": len(results) / elapsed, "statuses": statuses,
                       "ok": ok, "stored_spans": stored,
                       "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99),
                       "max_ms": max(latencies), "background_jobs": outcome,
                       # CPU the server spent per request (the layer reads included): what
                       # bounds throughput, whatever else runs on the machine.
                       "server_cpu_ms_per_save": server_cpu * 1000 / max(1, len(results)),
                       # cumulative over the rounds: the log is the server's whole life
                       "server_tracebacks": log.count("Traceback"),
                       "database_locked": log.count("database is locked")}
            figure_load = max(started_load, load())
            label = f"save, {len(group)} coders " + description.format(
                interval=f"{interval_ms:.0f}")
            figures += [
                Figure(f"save.{mode}.p50", f"{label}: median", backend, details["p50_ms"],
                       "ms", "", figure_load, details),
                # Back to back, 20 requests are always in flight: by Little's law their latency
                # is 20 / throughput whatever the server does, so that round measures capacity
                # (saves/s); the latency target is for coders saving at a human pace.
                Figure(f"save.{mode}.p99", f"{label}: p99", backend, details["p99_ms"], "ms",
                       "" if mode == "burst" else "< 50", figure_load, details),
                Figure(f"save.{mode}.errors", f"{label}: errors (non-2xx)", backend,
                       len(results) - ok, "errors", "== 0", figure_load, details),
                Figure(f"save.{mode}.lost", f"{label}: stored spans - 2xx", backend,
                       stored - ok, "spans", "== 0", figure_load, details),
                Figure(f"save.{mode}.rate", f"{label}: throughput", backend,
                       details["saves_per_s"], "saves/s", "", figure_load, details),
                Figure(f"save.{mode}.cpu", f"{label}: server CPU per save", backend,
                       details["server_cpu_ms_per_save"], "ms", "", figure_load, details),
            ]
    return figures
