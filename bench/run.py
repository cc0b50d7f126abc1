"""Benchmarks: `make bench` (or `.venv/bin/python bench/run.py [scenario …]`).

Runs with development-like settings on a dedicated SQLite file (data/bench/bench.sqlite3) or on
BENCH_DATABASE_URL, migrates, loads the territory, runs the scenarios and prints ONE JSON document on stdout:
a list of objects, one per measurement, each with its "scenario" name and its numbers. The same document is
saved to bench/results/latest.json. Everything else (progress, migrate output) goes to stderr.

To add a scenario, write a function taking no argument and returning a dict (or a list of dicts) of numbers,
and register it in SCENARIOS below (import it lazily if its module needs Django set up).
All traffic stays on the loopback interface, and every load is bounded in requests and in time.
"""

import contextlib
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DIR = ROOT / "data" / "bench"
RESULTS = ROOT / "bench" / "results" / "latest.json"
DATABASE_URL = os.getenv("BENCH_DATABASE_URL", f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")

# Load generator bounds (environment overrides for a quick run).
HTTP_REQUESTS = int(os.getenv("BENCH_HTTP_REQUESTS", "3000"))
HTTP_SECONDS = float(os.getenv("BENCH_HTTP_SECONDS", "20"))
HTTP_CONCURRENCY = int(os.getenv("BENCH_HTTP_CONCURRENCY", "4"))
GUNICORN_WORKERS = int(os.getenv("BENCH_GUNICORN_WORKERS", "2"))


def log(message):
    print(message, file=sys.stderr, flush=True)


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def setup_django():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DATA_DIR"] = str(BENCH_DIR)
    import django

    django.setup()
    from django.core.management import call_command

    with contextlib.redirect_stdout(sys.stderr):
        log("Migration de la base de mesure…")
        call_command("migrate", "--noinput", verbosity=0)
        log("Chargement du territoire (si la base est vide)…")
        call_command("load_territory")


# ---------------------------------------------------------------------------------------------------------
# Scenario: commune lookup (written with the geo module).


def commune_lookup():
    from bench.scenarios_geo import commune_lookup as scenario

    return scenario()


# ---------------------------------------------------------------------------------------------------------
# Scenario: requests per second served by gunicorn (production settings) under a local load generator.


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn_server():
    """gunicorn serving config.wsgi with the production settings on 127.0.0.1; yields the port."""
    static_root = BENCH_DIR / "static"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "DATA_DIR": str(BENCH_DIR),
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    log("collectstatic (stockage avec empreintes, comme en production)…")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,
    )
    port = free_port()
    gunicorn = Path(python).with_name("gunicorn")
    command = [
        str(gunicorn),
        "config.wsgi",
        "-w",
        str(GUNICORN_WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    with tempfile.TemporaryDirectory() as home:
        process = subprocess.Popen(command, cwd=ROOT, env={**env, "HOME": home}, stdout=sys.stderr, stderr=sys.stderr)
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn s'est arrêté (code {process.returncode})")
                try:
                    status, _ = fetch(port, "/sante/")
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn ne répond pas après 30 s")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def fetch(port, path):
    connection = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Language": "fr"})
        response = connection.getresponse()
        body = response.read()
        return response.status, body
    finally:
        connection.close()


def load(port, path, *, requests=HTTP_REQUESTS, seconds=HTTP_SECONDS, concurrency=HTTP_CONCURRENCY):
    """Sends at most `requests` GETs to 127.0.0.1:port in at most `seconds`, `concurrency` at a time."""
    for _ in range(20):  # warm-up: imports, template and connection caches in every worker
        fetch(port, path)
    latencies = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(requests))
    start = time.monotonic()
    deadline = start + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    return
            began = time.perf_counter()
            try:
                status, _ = fetch(port, path)
            except OSError as error:
                status = type(error).__name__
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    duration = time.monotonic() - start
    return {
        "path": path,
        "requests": len(latencies),
        "duration_s": round(duration, 2),
        "requests_per_s": round(len(latencies) / duration, 1) if duration else None,
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        "latency_p95_ms": round(percentile(latencies, 0.95) * 1000, 2) if latencies else None,
        "errors": len(errors),
        "error_samples": sorted({str(error) for error in errors})[:5],
        "concurrency": concurrency,
        "gunicorn_workers": GUNICORN_WORKERS,
        "load_generator": "threads Python (même machine, 2 cœurs partagés avec le serveur)",
    }


HTTP_PATHS = {
    "http_home": "/",
    "http_commune_autocomplete": "/territoire/communes/?q=agen",
}


def http_throughput():
    results = []
    with gunicorn_server() as port:
        for name, path in HTTP_PATHS.items():
            log(f"Charge sur {path}…")
            results.append({"scenario": name, **load(port, path)})
    return results


# ---------------------------------------------------------------------------------------------------------
# Scenarios: places (30,000 synthetic places in the national standard).


def places_io():
    from bench.scenarios_places import places_io as scenario

    return scenario()


def places_import_second_source():
    from bench.scenarios_places import places_import_second_source as scenario

    return scenario()


def places_search():
    from bench.scenarios_places import places_search as scenario

    return scenario()


def referrals_rank_places():
    from bench.scenarios_referrals import rank_places_scenario as scenario

    return scenario()


def orientation_guide_result():
    from bench.scenarios_orientation import guide_result_scenario as scenario

    return scenario()


def orientation_callback():
    from bench.scenarios_orientation import callback_scenario as scenario

    return scenario()


def referrals_create():
    from bench.scenarios_referrals import create_scenario as scenario

    return scenario()


def referrals_inbox():
    from bench.scenarios_referrals import inbox_scenario as scenario

    return scenario()


def referrals_coordination():
    from bench.scenarios_referrals import coordination_scenario as scenario

    return scenario()


def vouchers_import():
    from bench.scenarios_vouchers import import_scenario as scenario

    return scenario()


def vouchers_redeem():
    from bench.scenarios_vouchers import redeem_scenario as scenario

    return scenario()


def vouchers_statement():
    from bench.scenarios_vouchers import statement_scenario as scenario

    return scenario()


def vouchers_concurrent_redeem():
    from bench.scenarios_vouchers import concurrent_redeem_scenario as scenario

    return scenario()


def vouchers_figures():
    from bench.scenarios_vouchers import figures_scenario as scenario

    return scenario()


def events_calendar():
    from bench.scenarios_events import calendar_scenario as scenario

    return scenario()


def events_register():
    from bench.scenarios_events import register_scenario as scenario

    return scenario()


def events_figures():
    from bench.scenarios_events_attendance import figures_scenario as scenario

    return scenario()


def events_check_in():
    from bench.scenarios_events_attendance import check_in_scenario as scenario

    return scenario()


def api_places_list():
    from bench.scenarios_api import places_list_scenario as scenario

    return scenario()


# Scenario name → function. Modules add theirs here; order matters (places_io loads what the next ones use).
def devices_stock():
    from bench.scenarios_devices import stock_scenario as scenario

    return scenario()


def devices_queue():
    from bench.scenarios_devices import queue_scenario as scenario

    return scenario()


def funding_ledger():
    from bench.scenarios_funding import ledger_scenario as scenario

    return scenario()


def funding_decide():
    from bench.scenarios_funding import decide_scenario as scenario

    return scenario()


def people_duplicates():
    from bench.scenarios_people import duplicates_scenario as scenario

    return scenario()


def volumes_pilotage():
    from bench.scenarios_volumes import volumes_scenario as scenario

    return scenario()


def dashboards_coordinator():
    from bench.scenarios_dashboards import coordinator_scenario as scenario

    return scenario()


def dashboards_export():
    from bench.scenarios_dashboards import export_scenario as scenario

    return scenario()


def dashboards_yearly_report():
    from bench.scenarios_dashboards import yearly_report_scenario as scenario

    return scenario()


SCENARIOS = {
    "commune_lookup": commune_lookup,
    "http_throughput": http_throughput,
    "places_io": places_io,
    "places_import_second_source": places_import_second_source,
    "places_search": places_search,
    "referrals_rank_places": referrals_rank_places,
    "orientation_guide_result": orientation_guide_result,
    "orientation_callback": orientation_callback,
    "vouchers_import": vouchers_import,
    "vouchers_redeem": vouchers_redeem,
    "vouchers_statement": vouchers_statement,
    "vouchers_concurrent_redeem": vouchers_concurrent_redeem,
    "vouchers_figures": vouchers_figures,
    "referrals_create": referrals_create,
    "referrals_inbox": referrals_inbox,
    "referrals_coordination": referrals_coordination,
    "people_duplicates": people_duplicates,
    "devices_stock": devices_stock,
    "devices_queue": devices_queue,
    "events_calendar": events_calendar,
    "events_register": events_register,
    "events_figures": events_figures,
    "events_check_in": events_check_in,
    "funding_ledger": funding_ledger,
    "funding_decide": funding_decide,
    "api_places_list": api_places_list,
    "volumes_pilotage": volumes_pilotage,
    "dashboards_coordinator": dashboards_coordinator,
    "dashboards_export": dashboards_export,
    "dashboards_yearly_report": dashboards_yearly_report,
}


def main(selected):
    unknown = set(selected) - set(SCENARIOS)
    if unknown:
        log(f"Scénarios inconnus : {', '.join(sorted(unknown))} (connus : {', '.join(SCENARIOS)})")
        return 2
    setup_django()
    results = []
    failed = False
    for name, scenario in SCENARIOS.items():
        if selected and name not in selected:
            continue
        log(f"Scénario {name}…")
        began = time.monotonic()
        try:
            outcome = scenario()
        except Exception as error:  # one broken scenario must not hide the others' numbers
            failed = True
            outcome = {"error": f"{type(error).__name__}: {error}"}
        for entry in outcome if isinstance(outcome, list) else [outcome]:
            entry.setdefault("scenario", name)
            results.append({"scenario": entry.pop("scenario"), **entry})
        log(f"  terminé en {time.monotonic() - began:.1f} s")
    document = json.dumps(results, ensure_ascii=False, indent=2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(document + "\n", encoding="utf-8")
    print(document)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
