"""The benchmark suite: build a PostgreSQL database at a chosen scale, measure, print JSON.

    python bench/run.py                 # 100 000 investigations, 300 000 orders, 1 000 000 deadlines
    python bench/run.py --quick         # 1 000 / 3 000 / 10 000, three repeats: CI-sized
    python bench/run.py --scale 0.1     # 10 % of the default scale
    python bench/run.py --reuse --json-out var/bench.json
    python bench/run.py --only sweep --sweep-baseline var/bench/scale-0.1.json   # growth from 10 %
    python bench/run.py --growth        # 10 % and 100 % in alternating rounds: each page's ratio

1. Build (bench/build.py): drop and create the database, migrate, ``seed_demo``,
   generate the volume in SQL, ``VACUUM ANALYZE`` (skipped with ``--reuse`` when the
   database already holds that scale).
2. Measure (bench/measure.py), in this order: the deadline sweep (from no alert at all,
   with nothing due, and every 15 minutes over a simulated day); the investigations and orders lists, an
   investigation page and an order page; the dashboard beside the raw SQL of its
   queries; an order PDF beside plain WeasyPrint on the same HTML.
3. Print the results as JSON (and write them to ``--json-out``), with each target met or not;
   with ``--sweep-baseline``, how a sweep with nothing due grew from that run's scale to this one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/casetracker_bench"
GROWTH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/casetracker_bench_10"
GROWTH_SMALL_SCALE = 0.1
STEPS = ["sweep", "pages", "dashboard", "pdf", "sweep_idle", "counts"]
DEFAULT_STEPS = ["counts", "sweep", "pages", "dashboard", "pdf"]
QUICK_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/casetracker_bench_quick"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the default scale (default 1.0)")
    parser.add_argument("--investigations", type=int, help="number of investigations (overrides --scale)")
    parser.add_argument("--orders", type=int, help="number of orders (overrides --scale)")
    parser.add_argument("--deadlines", type=int, help="number of deadlines (overrides --scale)")
    parser.add_argument("--quick", action="store_true", help="1 000 / 3 000 / 10 000 and three repeats")
    parser.add_argument("--repeat", type=int, help="timed repeats of each measurement (default 10, quick 3)")
    parser.add_argument(
        "--database-url",
        help=f"the database to build (default {DEFAULT_DATABASE_URL}, with --quick {QUICK_DATABASE_URL}; "
        "or BENCH_DATABASE_URL); it is dropped and created again unless --reuse applies",
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database if it already holds this scale")
    parser.add_argument("--json-out", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--sweep-baseline",
        type=Path,
        help="the JSON of a run at a smaller scale (e.g. --scale 0.1): report how a sweep with nothing due grew",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        help="measure only this (repeatable; default: counts, sweep, pages, dashboard, pdf; sweep_idle: sweeps "
        "with nothing due alone)",
    )
    parser.add_argument(
        "--growth",
        action="store_true",
        help="measure the pages, the dashboard and a sweep with nothing due at 10 %% (--growth-database-url) and at "
        "--scale (--database-url) in alternating rounds, and report each one's ratio",
    )
    parser.add_argument(
        "--growth-database-url",
        default=os.environ.get("BENCH_GROWTH_DATABASE_URL", GROWTH_DATABASE_URL),
        help=f"with --growth: the 10 %% database (default {GROWTH_DATABASE_URL})",
    )
    parser.add_argument("--rounds", type=int, default=5, help="with --growth: rounds at each scale (default 5)")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="the database already holds this scale, migrated and analysed: measure at once (the rounds of --growth)",
    )
    args = parser.parse_args(argv)
    if args.database_url is None:
        # A quick run never drops the full-scale database, which takes minutes to build.
        args.database_url = os.environ.get("BENCH_DATABASE_URL") or (
            QUICK_DATABASE_URL if args.quick else DEFAULT_DATABASE_URL
        )
    if args.scale <= 0:
        parser.error("--scale must be more than 0")
    for name in ("investigations", "orders", "deadlines", "repeat", "rounds"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def wanted_scale(args: argparse.Namespace) -> Any:
    from bench.build import FULL, QUICK, Scale

    base = QUICK if args.quick else Scale(*(max(1, round(v * args.scale)) for v in FULL.as_dict().values()))
    scale = Scale(
        investigations=args.investigations or base.investigations,
        orders=args.orders or base.orders,
        deadlines=args.deadlines or base.deadlines,
    )
    if scale.orders > scale.deadlines:
        raise SystemExit("every order has at least one term: --deadlines must be at least --orders")
    return scale


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

    from bench import build

    if args.growth:
        return growth(args)
    scale = wanted_scale(args)
    repeat = args.repeat or (3 if args.quick else 10)
    started = time.monotonic()
    build_info: dict[str, Any] = {"reused": False}
    if args.measure_only:
        if build.recorded_scale(args.database_url) != scale:
            raise SystemExit(f"--measure-only: {args.database_url} does not hold {scale.as_dict()}")
        build_info = {"reused": True, "measure_only": True}
    elif args.reuse and build.recorded_scale(args.database_url) == scale:
        build_info["reused"] = True
        log(f"reusing {args.database_url} at {scale.as_dict()}")
    else:
        log(f"building {args.database_url} at {scale.as_dict()}")
        build.recreate_database(args.database_url)

    import django

    django.setup()
    if build_info.get("measure_only"):
        pass
    elif build_info["reused"]:
        # Migrations added since the database was built (indexes, mostly) still apply.
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        t = time.monotonic()
        build.prepare_schema_and_reference()
        build_info["migrate_and_seed_seconds"] = round(time.monotonic() - t, 1)
        log(f"  migrate and seed_demo: {build_info['migrate_and_seed_seconds']} s")
        build_info["generate_seconds"] = build.generate(scale, log=log)
    build_info["seconds"] = round(time.monotonic() - started, 1)

    from bench import measure

    only = set(args.only or DEFAULT_STEPS)
    results: dict[str, Any] = {
        "machine": measure.machine(),
        "date": measure.today(),
        "scale": scale.as_dict(),
        "rows": build.counts(),
        "repeats": repeat,
        "build": build_info,
    }
    # The sweep first: the pages then show the alerts it raised, as they would in production.
    steps = [
        # The kept counts first, as the build or the migration left them: each must equal the live rows.
        ("counts", lambda: measure.dashboard_counts()),
        ("sweep", lambda: measure.sweep()),
        ("sweep_idle", lambda: measure.sweep_idle(max(repeat, 10))),
        ("pages", lambda: measure.pages(repeat)),
        ("dashboard", lambda: measure.dashboard(repeat)),
        ("pdf", lambda: measure.pdf(repeat)),
    ]
    for name, step in steps:
        if name not in only:
            continue
        t = time.monotonic()
        log(f"measuring {name}…")
        results[name] = step()
        log(f"  {name}: {round(time.monotonic() - t, 1)} s")
    if args.sweep_baseline and isinstance(results.get("sweep"), dict):
        results["sweep"]["growth"] = sweep_growth(results, args.sweep_baseline)
    results["targets_met"] = targets_met(results)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return _output(results, args.json_out)


def _output(results: dict[str, Any], json_out: Path | None) -> dict[str, Any]:
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n")
    return results


# --- Growth: 10 % and 100 % in one command --------------------------------------------------------

GROWTH_TARGET = 1.5  # no page costs more than 1.5 × at full scale what it costs at 10 %


def _child(arguments: list[str]) -> dict[str, Any]:
    """Run this script on one database in a process of its own (Django holds one database) and read its JSON."""
    import subprocess

    command = [sys.executable, str(Path(__file__).resolve()), *arguments]
    completed = subprocess.run(command, stdout=subprocess.PIPE, check=True, cwd=ROOT)  # noqa: S603 - our own script
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def growth(args: argparse.Namespace) -> dict[str, Any]:
    """The pages, the dashboard and a sweep with nothing due at 10 % and at full scale, in alternating rounds.

    1. Prepare each database (built if it does not hold its scale, else migrated and analysed) and
       check its kept counts against the live rows (``counts``).
    2. ``--rounds`` rounds; in each, ``--repeat`` timed requests of every page at each scale, the
       two scales taking turns to go first, so that whatever else loads the machine meanwhile
       weighs on both alike.
    3. Each page's median over all its rounds at each scale, and the ratio full ÷ 10 %.
    """
    from bench.measure import TARGETS, load_average, summary, today

    started = time.monotonic()
    repeat = args.repeat or 3
    full = ["--scale", str(args.scale), "--database-url", args.database_url]
    small = ["--scale", str(args.scale * GROWTH_SMALL_SCALE), "--database-url", args.growth_database_url]
    sides = {"10 %": small, "100 %": full}
    prepared = {}
    for label, where in sides.items():
        log(f"preparing {label}: {where[-1]}")
        prepared[label] = _child([*where, "--reuse", "--only", "counts"])
    samples: dict[str, dict[str, list[float]]] = {}
    queries: dict[str, dict[str, set[int]]] = {}
    loads = [load_average()]
    for round_number in range(args.rounds):
        order = list(sides.items()) if round_number % 2 == 0 else list(reversed(sides.items()))
        for label, where in order:
            log(f"round {round_number + 1}/{args.rounds}: {label}")
            run = _child(
                [*where, "--measure-only", "--repeat", str(repeat)]
                + ["--only", "pages", "--only", "dashboard", "--only", "sweep_idle"]
            )
            measured = {k: v for k, v in run.get("pages", {}).items() if k != "subjects"}
            measured["dashboard"] = run.get("dashboard", {})
            measured["sweep_nothing_due"] = run.get("sweep_idle", {})
            for name, item in measured.items():
                if isinstance(item, dict) and item.get("available"):
                    samples.setdefault(name, {}).setdefault(label, []).extend(item["samples_ms"])
                    queries.setdefault(name, {}).setdefault(label, set()).add(item["queries"])
        loads.append(load_average())
    full_targets = {"dashboard": TARGETS["dashboard_median_ms"], "sweep_nothing_due": TARGETS["sweep_nothing_due_ms"]}
    pages: dict[str, Any] = {}
    for name, by_scale in samples.items():
        if set(by_scale) != set(sides):
            continue
        small_summary, full_summary = summary(by_scale["10 %"]), summary(by_scale["100 %"])
        ratio = round(full_summary["median_ms"] / small_summary["median_ms"], 2) if small_summary["median_ms"] else None
        target_ms = full_targets.get(name, TARGETS["page_median_ms"])
        pages[name] = {
            "10 %": {**small_summary, "queries": sorted(queries[name]["10 %"]), "samples": len(by_scale["10 %"])},
            "100 %": {**full_summary, "queries": sorted(queries[name]["100 %"]), "samples": len(by_scale["100 %"])},
            "ratio": ratio,
            "queries_flat": queries[name]["10 %"] == queries[name]["100 %"],
            "target_ratio": GROWTH_TARGET,
            "growth_met": ratio is not None and ratio <= GROWTH_TARGET,
            "target_median_ms": target_ms,
            "full_scale_met": full_summary["median_ms"] <= target_ms,
        }
    results = {
        "what": "10 % and 100 % in alternating rounds: each page's median over every round, and its growth",
        "date": today(),
        "machine": prepared["100 %"].get("machine"),
        "load_average_per_round": loads,
        "rounds": args.rounds,
        "repeats_per_round": repeat,
        "rows": {label: run.get("rows") for label, run in prepared.items()},
        "dashboard_counts": {label: run.get("counts") for label, run in prepared.items()},
        "pages": pages,
        "targets_met": {
            "growth": all(page["growth_met"] for page in pages.values()),
            "full_scale": all(page["full_scale_met"] for page in pages.values()),
            "queries_flat": all(page["queries_flat"] for page in pages.values()),
        },
        "total_seconds": round(time.monotonic() - started, 1),
    }
    return _output(results, args.json_out)


def targets_met(results: dict[str, Any]) -> dict[str, Any]:
    """Each target: true, false, or "not measured" (its module missing or the step skipped)."""

    def met(item: Any) -> Any:
        if not isinstance(item, dict) or not item.get("available", False):
            return "not measured"
        return bool(item.get("target_met"))

    pages = results.get("pages", {})
    page_names = [name for name in pages if name != "subjects"]
    lists_and_pages: Any = "not measured"
    if page_names:
        lists_and_pages = all(met(pages[name]) is True for name in page_names)
    growth = results.get("sweep", {}).get("growth") if isinstance(results.get("sweep"), dict) else None
    return {
        "dashboard_counts_equal_live": met(results.get("counts")),
        "dashboard": met(results.get("dashboard")),
        "lists_and_pages": lists_and_pages,
        "sweep": met(results.get("sweep")),
        "sweep_nothing_due_growth": met(growth),
        "pdf": met(results.get("pdf")),
    }


def sweep_growth(results: dict[str, Any], baseline_path: Path) -> dict[str, Any]:
    """How a sweep with nothing due grew from the baseline run's scale to this one (target: at most 1.5 ×)."""
    from bench.measure import TARGETS

    try:
        baseline = json.loads(baseline_path.read_text())["sweep"]
        before, after = baseline["nothing_due"]["median_ms"], results["sweep"]["nothing_due"]["median_ms"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return {"available": False, "reason": f"{baseline_path}: no sweep with nothing due to compare ({exc!r})"}
    ratio = round(after / before, 2) if before else None
    return {
        "available": True,
        "baseline": str(baseline_path),
        "deadlines": [baseline["deadlines"], results["sweep"]["deadlines"]],
        "nothing_due_median_ms": [before, after],
        "ratio": ratio,
        "target_ratio": TARGETS["sweep_nothing_due_growth"],
        "target_met": ratio is not None and ratio <= TARGETS["sweep_nothing_due_growth"],
    }


if __name__ == "__main__":
    main()
