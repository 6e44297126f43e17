"""Time the annotation page, the layer API and the project page with Flask's test client.

The test client runs the whole WSGI app in this process, so the times are server times: no
network, no browser. Each URL gets a few warm-up requests, then `requests` timed ones.
"""

import re
import time

from flask import Flask
from flask.testing import FlaskClient

from benchmarks.figures import Figure, load, percentile
from benchmarks.synth import PASSWORD

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
WARM_UP = 5
PROJECT_PAGE_REQUESTS = 30


def signed_in_client(app: Flask, username: str) -> FlaskClient:
    """Return a test client signed in through the login form, as a browser would be."""
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    token = META_TOKEN.search(page).group(1)
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD,
                                                "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"cannot sign in as {username}: {response.status_code}")
    return client


def time_get(client: FlaskClient, url: str, requests: int) -> tuple[list[float], float, int]:
    """Return the wall times (ms) of GETs of `url`, the mean CPU ms per GET, and its bytes."""
    size = 0
    for _ in range(WARM_UP):
        size = len(_get(client, url))
    times = []
    # CPU time does not count waiting for a core, so it shows what an idle machine would do.
    cpu_started = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        _get(client, url)
        times.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / requests
    return times, cpu_ms, size


def _get(client: FlaskClient, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    return response.get_data()


def measure_pages(app: Flask, backend: str, world: dict, requests: int) -> list[Figure]:
    """Time the pages a coder and a reviewer open, on the big synthetic project."""
    document = world["page_document"]
    coder = signed_in_client(app, world["page_coder"])
    busy_coder = signed_in_client(app, world["busy_coder"])
    reviewer = signed_in_client(app, world["reviewer"])
    cases = [
        ("page.annotate", "annotation page (GET /documents/<id>/annotate)", coder,
         f"/documents/{document}/annotate", "< 50"),
        ("page.layer", "layer API (GET /api/documents/<id>/layer)", coder,
         f"/api/documents/{document}/layer", "< 50"),
        ("page.project_coder", f"project page, coder with {world['busy_queue']:,} documents",
         busy_coder, f"/projects/{world['project']}", ""),
        ("page.project_reviewer", "project page, reviewer (overview page 1)", reviewer,
         f"/projects/{world['project']}", ""),
    ]
    figures = []
    for key, label, client, url, target in cases:
        started_load = load()
        # Project pages carry no target and a big queue is slow: fewer requests suffice.
        count = requests if target else min(requests, PROJECT_PAGE_REQUESTS)
        times, cpu_ms, size = time_get(client, url, count)
        details = {"url": url, "requests": count, "p50_ms": percentile(times, 50),
                   "p95_ms": percentile(times, 95), "max_ms": max(times), "cpu_ms": cpu_ms,
                   "bytes": size, "documents_in_project": world["documents"]}
        figure_load = max(started_load, load())
        figures.append(Figure(f"{key}.p50", f"{label} p50", backend, details["p50_ms"], "ms",
                              "", figure_load, details))
        figures.append(Figure(f"{key}.p95", f"{label} p95", backend, details["p95_ms"], "ms",
                              target, figure_load, details))
        figures.append(Figure(f"{key}.cpu", f"{label} CPU per request", backend, cpu_ms, "ms",
                              "", figure_load, details))
    return figures
