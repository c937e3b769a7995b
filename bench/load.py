"""The load test: gunicorn with 3 workers on the benchmark's PostgreSQL database, 20 simulated users (Locust).

    python bench/load.py                    # 2 minutes on postgres://…/casetracker_bench (built by bench/run.py)
    python bench/load.py --time 30s --users 5 --database-url postgres://…/casetracker_bench_quick

1. Sign in the simulated users beforehand (sessions in the database: OIPC-BC's managers and
   legal staff, the latter with a verified second factor) and pick the investigations and
   orders they open; write that plan to ``var/load/plan.json``.
2. Start gunicorn (``config.wsgi``, 3 workers, ``bench.load_settings``: the benchmark's settings
   with PDFs rendered in the request) on 127.0.0.1 only, and wait until it answers.
3. Run Locust headless (from ``var/load-venv``, ``bench/requirements-load.txt``) for ``--time``,
   20 users started 5 a second, against that address only; then stop gunicorn.
4. Print the results as JSON (``--json-out`` too): requests per second, median and p95 in
   milliseconds, and failures, over all requests and per kind of request.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOAD_DIR = ROOT / "var" / "load"
LOCUST = ROOT / "var" / "load-venv" / "bin" / "locust"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/casetracker_bench"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--users", type=int, default=20, help="simulated users (default 20)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default 5)")
    parser.add_argument("--time", default="2m", help="how long the load lasts, as Locust reads it (default 2m)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--port", type=int, default=8012, help="the port on 127.0.0.1 (default 8012)")
    parser.add_argument("--json-out", type=Path, help="also write the results to this file")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_plan(users: int) -> dict[str, Any]:
    """Sessions for the simulated users and what they open (Django set up on the benchmark database)."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from bench.measure import _client_for

    roles = ["manager", "legal"]
    sessions = []
    for n in range(users):
        role = roles[n % len(roles)]
        client = _client_for(f"bench.oipc-bc.{role}")
        sessions.append({"role": role, "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value})
    with connection.cursor() as cursor:
        # Investigations OIPC-BC leads (not confidential) and their issued orders: what its staff open.
        cursor.execute(
            """SELECT i.reference, o.number FROM casework_investigation i
            JOIN casework_participation p ON p.investigation_id = i.id AND p.role = 'lead'
            JOIN casework_authority a ON a.id = p.authority_id AND a.code = 'OIPC-BC'
            JOIN orders_order o ON o.investigation_id = i.id AND o.status = 'issued' AND o.authority_id = a.id
            WHERE NOT i.confidential AND i.reference LIKE 'BENCH-%%' ORDER BY i.reference LIMIT 200"""
        )
        rows = cursor.fetchall()
    plan = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "sessions": sessions,
        "investigations": sorted({reference for reference, _ in rows}),
        "orders": [["OIPC-BC", number] for _, number in rows],
        "year_ago": (timezone.now().date() - timedelta(days=365)).isoformat(),
    }
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    (LOAD_DIR / "plan.json").write_text(json.dumps(plan))
    return plan


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own server on 127.0.0.1
                return
        except urllib.error.HTTPError:
            return  # it answers (the health check may find no broker: the load test has none)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer at {url} within {seconds:.0f} s")


def read_stats(prefix: Path) -> dict[str, Any]:
    """Locust's CSV of statistics: each kind of request, and all of them ("Aggregated")."""

    def entry(row: dict[str, str]) -> dict[str, Any]:
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "requests_per_second": round(float(row["Requests/s"]), 2),
            "median_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "max_ms": round(float(row["Max Response Time"]), 1),
        }

    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    per_request = {f"{row['Type']} {row['Name']}": entry(row) for row in rows if row["Name"] != "Aggregated"}
    total = next(entry(row) for row in rows if row["Name"] == "Aggregated")
    return {"all": total, "per_request": per_request}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    if not LOCUST.exists():
        raise SystemExit(f"{LOCUST} is missing: make load installs it (bench/requirements-load.txt)")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "bench.load_settings"}
    os.environ.update(env)

    import django

    django.setup()
    from bench.measure import load_average, machine, today

    plan = write_plan(args.users)
    log(f"plan: {len(plan['sessions'])} sessions, {len(plan['orders'])} orders")
    address = f"127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(  # noqa: S603 - our own server, bound to 127.0.0.1
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "--workers", str(args.workers), "--bind", address],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    load_before = load_average()
    try:
        wait_until_up(f"http://{address}/healthz")
        log(f"gunicorn ({args.workers} workers) up at {address}; Locust: {args.users} users for {args.time}")
        prefix = LOAD_DIR / "locust"
        subprocess.run(  # noqa: S603 - Locust from its own virtual environment, against 127.0.0.1 only
            [
                str(LOCUST),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                args.time,
                "--host",
                f"http://{address}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            env={**env, "LOAD_PLAN": str(LOAD_DIR / "plan.json")},
            cwd=ROOT,
            check=False,
        )
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)
    results = {
        "what": f"gunicorn with {args.workers} workers, {args.users} simulated users (Locust) for {args.time}",
        "date": today(),
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
        **read_stats(prefix),
    }
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(text + "\n")
    return results


if __name__ == "__main__":
    main()
