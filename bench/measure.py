"""The measurements: each a function returning a JSON-ready dict (Django set up on the benchmark database).

Server time is the wall time of one request handled in-process by the test client
(middleware, view, queries, template; no network, no web server), measured after
a warm-up request; each figure gives the median, p95 and minimum over the repeats
and the number of SQL queries. A measurement whose module does not exist yet says
``"available": false`` with the reason instead of failing the run.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TARGETS: dict[str, float] = {
    "dashboard_median_ms": 200,
    "dashboard_ratio_to_raw_sql": 2.0,
    "page_median_ms": 100,
    "sweep_seconds": 15,
    "sweep_nothing_due_ms": 50,
    "sweep_steady_state_seconds": 0.5,
    "sweep_nothing_due_growth": 1.5,
    "pdf_median_ms": 300,
    "pdf_ratio_to_weasyprint": 1.2,
}


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    # Nearest-rank p95: with few repeats it is the slowest sample, which is what it should say.
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "min_ms": round(ordered[0], 1),
    }


# --- The machine ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import django
    from django.db import connection

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib: float | None = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "os": platform.platform(),
        "postgresql": pg_version,
        "postgresql_shared_buffers": shared_buffers,
        "python": platform.python_version(),
        "django": django.get_version(),
        "load_average": load_average(),
    }


def load_average() -> list[float]:
    """The machine's load over 1, 5 and 15 minutes: other work slows every figure (docs/performance.md)."""
    return [round(value, 2) for value in os.getloadavg()]


# --- Pages ---------------------------------------------------------------------------------------


def _client_for(username: str) -> Any:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.two_factor import two_factor_required
    from casework.models import User

    user = User.objects.get(username=username)
    if not two_factor_required(user):
        client = Client()
        client.force_login(user)
        return client
    # Legal staff and administrators must pass a second factor (TWO_FACTOR_REQUIRED_ROLES): they
    # have a confirmed TOTP device (made before signing in, which notes whether there is one)
    # and a session verified by it, as after signing in with a code.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def time_request(
    username: str, path: str, params: dict[str, Any] | None = None, *, repeat: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Time ``repeat`` GETs of ``path`` (after one warm-up); also returns the last request's queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client_for(username)
    warm = client.get(path, params or {})
    if warm.status_code != 200:
        return {"available": False, "reason": f"GET {path} answered {warm.status_code}"}, []
    samples: list[float] = []
    query_counts: set[int] = set()
    captured: list[dict[str, Any]] = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path, params or {})
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (path, response.status_code)
        samples.append(_ms(elapsed))
        query_counts.add(len(queries.captured_queries))
        captured = queries.captured_queries
    result: dict[str, Any] = {
        "available": True,
        "path": path,
        "params": params or {},
        "user": username,
        **summary(samples),
        "queries": max(query_counts),
        "queries_stable": len(query_counts) == 1,
        "repeats": repeat,
        "samples_ms": samples,
    }
    return result, captured


def replay_sql(captured: list[dict[str, Any]], *, repeat: int, skip: Callable[[str], bool]) -> dict[str, Any]:
    """Execute the same SQL again through a bare cursor, fetching every row: the reference for a page."""
    from django.db import connection

    # Reads only: a savepoint or a session update is not part of the page's answer.
    statements = [
        q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) and not skip(q["sql"])
    ]
    samples: list[float] = []
    with connection.cursor() as cursor:
        for _ in range(repeat + 1):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                cursor.fetchall()
            samples.append(_ms(time.perf_counter() - started))
    return {"queries": len(statements), **summary(samples[1:])}


def _auth_or_header(statement: str) -> bool:
    """The session, the signed-in user and the header's bell: the same on every page, not the dashboard's."""
    return (
        '"django_session"' in statement
        or statement.startswith('SELECT "casework_user".')
        and '"casework_user"."id" =' in statement
        or '"orders_notification"' in statement
        or statement.startswith('SELECT "casework_authority".')
        and "LIMIT 21" in statement
    )


def subjects() -> dict[str, Any]:
    """Who the pages are measured as, and a typical investigation and order of theirs."""
    from django.db import connection

    with connection.cursor() as cursor:
        # An OIPC-BC investigation with orders, whose order count is the most common one.
        cursor.execute(
            """
            WITH per AS (
                SELECT i.reference, count(o.id) AS n FROM casework_investigation i
                JOIN casework_authority a ON a.code = 'OIPC-BC'
                JOIN casework_participation p ON p.investigation_id = i.id AND p.authority_id = a.id AND p.role = 'lead'
                JOIN orders_order o ON o.investigation_id = i.id
                WHERE i.reference LIKE 'BENCH-%' AND NOT i.confidential GROUP BY i.reference
            ), mode AS (SELECT n FROM per GROUP BY n ORDER BY count(*) DESC, n DESC LIMIT 1)
            SELECT reference, n FROM per WHERE n = (SELECT n FROM mode) ORDER BY reference LIMIT 1
            """
        )
        reference, orders = cursor.fetchone()
        # An issued OIPC-BC order of that investigation's kind, with the most common number of terms.
        cursor.execute(
            """
            SELECT o.number, count(t.id) FROM orders_order o JOIN casework_authority a ON a.id = o.authority_id
            JOIN orders_term t ON t.order_id = o.id
            JOIN casework_investigation i ON i.id = o.investigation_id AND NOT i.confidential
            WHERE a.code = 'OIPC-BC' AND o.status = 'issued' AND o.number LIKE 'B%'
            GROUP BY o.number ORDER BY count(t.id) DESC, o.number LIMIT 1
            """
        )
        number, terms = cursor.fetchone()
        cursor.execute("SELECT id FROM casework_authority WHERE code = 'OIPC-BC'")
        bc_id = cursor.fetchone()[0]
    return {
        "investigator": "bench.oipc-bc.investigator",
        "legal": "bench.oipc-bc.legal",
        "manager": "bench.oipc-bc.manager",
        "investigation": reference,
        "investigation_orders": orders,
        "order": ("OIPC-BC", number),
        "order_terms": terms,
        "authority_id": bc_id,
    }


def pages(repeat: int) -> dict[str, Any]:
    """The lists (with filters and search), an investigation page, an order page, and their histories."""
    from django.urls import reverse
    from django.utils import timezone

    who = subjects()
    investigations = reverse("casework:investigation_list")
    orders = reverse("orders:list")
    cases: dict[str, tuple[str, str, dict[str, Any]]] = {
        "investigations_list": (who["investigator"], investigations, {}),
        "investigations_list_filtered": (
            who["investigator"],
            investigations,
            {"stage": "investigation", "authority": who["authority_id"], "confidential": "false"},
        ),
        "investigations_list_search": (who["investigator"], investigations, {"q": "location data"}),
        # Rare terms that still match a few visible rows at every scale (no. 12, 120–129, 1200–1299…).
        "investigations_list_search_rare": (who["investigator"], investigations, {"q": "no. 12"}),
        "investigations_list_respondent": (who["investigator"], investigations, {"respondent": "Respondent 012"}),
        "investigation_page": (
            who["investigator"],
            reverse("casework:investigation_detail", args=[who["investigation"]]),
            {},
        ),
        "orders_list": (who["legal"], orders, {}),
        "orders_list_filtered": (who["legal"], orders, {"status": "issued", "q": "location"}),
        "order_page": (who["legal"], reverse("orders:detail", args=list(who["order"])), {}),
        # The list the dashboard's "met on time" figure opens: the deadlines met in the last year.
        "deadlines_list_met": (
            who["manager"],
            reverse("orders:deadline_list"),
            {"status": "met", "met_after": (timezone.now().date() - timedelta(days=365)).isoformat()},
        ),
        # The history, which the detail pages load after themselves (a request of its own).
        "investigation_history": (
            who["investigator"],
            reverse("casework:investigation_history", args=[who["investigation"]]),
            {"partial": "1"},
        ),
        "order_history": (who["legal"], reverse("orders:history", args=list(who["order"])), {"partial": "1"}),
        # The bell's page: OIPC-BC's legal staff hold ~20 000 notifications at full scale.
        "notifications": (who["legal"], reverse("orders:notifications"), {}),
    }
    results: dict[str, Any] = {"subjects": {k: v for k, v in who.items() if k != "authority_id"}}
    for name, (user, path, params) in cases.items():
        results[name], _ = time_request(user, path, params, repeat=repeat)
        results[name]["target_median_ms"] = TARGETS["page_median_ms"]
        if results[name].get("available"):
            results[name]["target_met"] = results[name]["median_ms"] <= TARGETS["page_median_ms"]
    return results


def dashboard(repeat: int) -> dict[str, Any]:
    """The compliance dashboard as OIPC-BC's manager, and the raw SQL of its queries as the reference."""
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    try:
        path = reverse("orders:dashboard")
    except NoReverseMatch:
        path = "/dashboard/"
        try:
            resolve(path)
        except Resolver404:
            return {"available": False, "reason": "no /dashboard/ page yet (orders.dashboard.views)"}
    result, captured = time_request("bench.oipc-bc.manager", path, repeat=repeat)
    if not result.get("available"):
        return result
    reference = replay_sql(captured, repeat=repeat, skip=_auth_or_header)
    ratio = round(result["median_ms"] / reference["median_ms"], 2) if reference["median_ms"] else None
    result["reference"] = {
        "what": "the same SQL of the dashboard's own queries, replayed through a cursor",
        **reference,
    }
    result["ratio_to_reference"] = ratio
    result["target_median_ms"] = TARGETS["dashboard_median_ms"]
    result["target_ratio"] = TARGETS["dashboard_ratio_to_raw_sql"]
    result["target_met"] = bool(
        result["median_ms"] <= TARGETS["dashboard_median_ms"]
        and ratio is not None
        and ratio <= TARGETS["dashboard_ratio_to_raw_sql"]
    )
    return result


# --- The sweep -----------------------------------------------------------------------------------

SWEEP_EVERY = timedelta(minutes=15)  # beat's schedule (config/settings.py)
STEADY_STATE_SWEEPS = 96  # a day of them
IDLE_REPEATS = 30


def sweep() -> dict[str, Any]:
    """The deadline sweep: from no alert at all, with nothing due, and in steady state over a day.

    1. Start from no alert at all: the alerts and notifications of an earlier run are deleted
       and every deadline's next rung set again (``deadlines_set_next_rung``, what
       ``manage.py recompute_next_rungs`` does), so that the first sweep does the whole work
       (the first sweep, or one after a long outage) whether or not the database is reused.
    2. The first sweep; then the same instant again: it must raise nothing.
    3. A sweep with nothing due, ``IDLE_REPEATS`` times at the same instant: its median is what
       beat pays every 15 minutes when no rung has come; its queries are counted.
    4. Steady state: a sweep every 15 minutes over a day of simulated time after the first
       (``STEADY_STATE_SWEEPS``), each raising the rungs that came (local midnights).
    5. Each (deadline, due date, level) must be in the alerts table once.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from orders.alerts import deadlines_set_next_rung, sweep_deadlines
    from orders.models import Alert, Deadline, Notification

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE orders_notification, orders_alert")
    started = time.perf_counter()
    reset = deadlines_set_next_rung(Deadline.objects.all())
    reset_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE orders_deadline")
    now = timezone.now()
    started = time.perf_counter()
    first = sweep_deadlines(now=now)
    first_s = time.perf_counter() - started
    first_notifications = Notification.objects.count()
    started = time.perf_counter()
    second = sweep_deadlines(now=now)
    second_s = time.perf_counter() - started

    idle: list[float] = []
    idle_raised = 0
    for _ in range(IDLE_REPEATS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            idle_raised += len(sweep_deadlines(now=now))
            idle.append(_ms(time.perf_counter() - started))
    idle_queries = len(queries.captured_queries)

    steady: list[float] = []
    steady_raised: list[int] = []
    for k in range(1, STEADY_STATE_SWEEPS + 1):
        started = time.perf_counter()
        steady_raised.append(len(sweep_deadlines(now=now + k * SWEEP_EVERY)))
        steady.append(time.perf_counter() - started)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM orders_alert GROUP BY deadline_id, due_on, level "
            "HAVING count(*) > 1) AS twice"
        )
        duplicates = cursor.fetchone()[0]
    alerts = Alert.objects.count()
    idle_summary = summary(idle)
    steady_mean = statistics.mean(steady)
    once = bool(len(second) == 0 and idle_raised == 0 and duplicates == 0 and alerts == len(first) + sum(steady_raised))
    targets = {
        "first_sweep": first_s <= TARGETS["sweep_seconds"],
        "nothing_due": idle_summary["median_ms"] <= TARGETS["sweep_nothing_due_ms"],
        "steady_state": steady_mean <= TARGETS["sweep_steady_state_seconds"],
        "each_alert_once": once,
    }
    return {
        "available": True,
        "deadlines": Deadline.objects.count(),
        "next_rungs_reset_seconds": round(reset_s, 2),
        "next_rungs_reset": reset,
        "seconds": round(first_s, 2),
        "raised": len(first),
        "notifications_created": first_notifications,
        "second_sweep_seconds": round(second_s, 2),
        "second_sweep_raised": len(second),
        "nothing_due": {**idle_summary, "queries": idle_queries, "repeats": IDLE_REPEATS},
        "steady_state": {
            "sweeps": STEADY_STATE_SWEEPS,
            "every_minutes": int(SWEEP_EVERY.total_seconds() // 60),
            "mean_seconds": round(steady_mean, 3),
            "median_ms": _ms(statistics.median(steady)),
            "max_seconds": round(max(steady), 2),
            "total_seconds": round(sum(steady), 1),
            "raised": sum(steady_raised),
            "sweeps_that_raised": sum(1 for n in steady_raised if n),
        },
        "alerts_in_database": alerts,
        "duplicate_alerts": duplicates,
        "each_alert_raised_once": once,
        "target_seconds": TARGETS["sweep_seconds"],
        "target_nothing_due_ms": TARGETS["sweep_nothing_due_ms"],
        "target_steady_state_seconds": TARGETS["sweep_steady_state_seconds"],
        "targets": targets,
        "target_met": all(targets.values()),
    }


def sweep_idle(repeat: int) -> dict[str, Any]:
    """A sweep with nothing due, ``repeat`` times (after one): what beat pays every 15 minutes when no rung
    has come. The database must have been swept before (``sweep``), or the first one raises every alert."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from orders.alerts import sweep_deadlines

    now = timezone.now()
    sweep_deadlines(now=now)
    samples: list[float] = []
    raised = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            raised += len(sweep_deadlines(now=now))
            samples.append(_ms(time.perf_counter() - started))
    result = {"available": True, **summary(samples), "queries": len(queries.captured_queries), "raised": raised}
    return {**result, "repeats": repeat, "samples_ms": samples}


def dashboard_counts() -> dict[str, Any]:
    """The dashboard's kept counts against the live rows (``rebuild_dashboard_counts --check``): none may differ."""
    from orders.dashboard import tallies

    if not tallies.enabled():
        return {"available": False, "reason": "no kept counts on this database"}
    started = time.perf_counter()
    differences = tallies.differences(limit=20)
    return {
        "available": True,
        "equal_to_live": not differences,
        "differences": [
            {"table": d.table, "key": list(map(str, d.key)), "kept": d.kept, "live": d.live} for d in differences
        ],
        "check_seconds": round(time.perf_counter() - started, 1),
        "target_met": not differences,
    }


# --- The PDF -------------------------------------------------------------------------------------


def _pdf_pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdf(repeat: int) -> dict[str, Any]:
    """A typical three-page order rendered by ``render_order_pdf`` and by plain WeasyPrint on the same HTML."""
    try:
        from orders.documents import pdf as order_pdf
    except ImportError as exc:
        return {"available": False, "reason": f"orders.documents.pdf cannot be imported yet: {exc}"}
    if not hasattr(order_pdf, "render_order_pdf") or not hasattr(order_pdf, "order_pdf_html"):
        return {"available": False, "reason": "orders.documents.pdf has no render_order_pdf / order_pdf_html yet"}
    import weasyprint
    from django.db import transaction

    with transaction.atomic():
        # A three-page order is drafted and issued for the measurement, then rolled back.
        order, language, pages, candidates = _three_page_order(order_pdf)
        if order is None:
            return {"available": False, "reason": "no order to render"}
        result = _time_pdf(order_pdf, weasyprint, order, language, repeat)
        transaction.set_rollback(True)
    result.update(pages=pages, candidates=candidates)
    result["target_met"] = bool(result["target_met"] and pages == 3)
    return result


RECITAL = (
    "WHEREAS the Commissioner investigated the respondent's collection, use and disclosure of the personal "
    "information of individuals in the province through the service described in the report of findings, and "
    "found that the respondent collected it without consent, for purposes a reasonable person would not consider "
    "appropriate in the circumstances, and kept it longer than necessary (fictional, for the benchmark);"
)
TERM = (
    "The respondent shall, by the date below, cease the practice described in the report of findings in "
    "relation to individuals in the province, delete the personal information collected through it, including "
    "images, biometric arrays and any information derived from them, and confirm in writing to the Commissioner "
    "the steps taken, the number of records deleted and the date of deletion (fictional, for the benchmark)."
)


def _three_page_order(order_pdf: Any) -> tuple[Any, str, int, dict[str, int]]:
    """The order to render: a real one if one has three pages, else a fictional one drafted until it has three.

    Must run inside a transaction that the caller rolls back.
    """
    from django.utils import timezone

    from casework.models import Authority, Investigation
    from orders import services
    from orders.models import Order

    candidates = list(
        Order.objects.select_related("authority__jurisdiction", "investigation")
        .filter(number__in=["P21-08", "P2021-12", "1023158-S"])
        .order_by("authority__code")
    )
    pages: dict[str, int] = {}
    for order in candidates:
        language = "fr" if order.authority.issues_in == ["fr"] else "en"
        pages[f"{order.authority.code} {order.number}"] = count = _pdf_pages(
            order_pdf.render_order_pdf(order, language)
        )
        if count == 3:
            return order, language, count, pages
    investigation = Investigation.objects.filter(reference="PIPEDA-039525").first()
    authority = Authority.objects.filter(code="OIPC-BC").first()
    if investigation is None or authority is None:
        return None, "en", 0, pages
    draft = services.order_draft(
        actor=None,
        investigation=investigation,
        authority=authority,
        number="BENCH-PDF-1",
        legal_basis="PIPA s. 52",
        title="Order to cease and delete (fictional, for the benchmark)",
        recitals="\n\n".join([RECITAL] * 6),
    )
    count = 0
    for number in range(1, 40):
        services.term_add(
            actor=None, order=draft, text=TERM, deadline_rule={"rule": "calendar_days", "days": 30 * number}
        )
        if number % 3:
            continue
        count = _pdf_pages(order_pdf.render_order_pdf(draft, "en"))
        if count >= 3:
            break
    order = services.order_issue(actor=None, order=draft, issued_on=timezone.localdate())
    order = Order.objects.select_related("authority__jurisdiction", "investigation").get(pk=order.pk)
    count = _pdf_pages(order_pdf.render_order_pdf(order, "en"))
    pages[f"{order.authority.code} {order.number} (fictional, rolled back)"] = count
    return order, "en", count, pages


def _time_pdf(order_pdf: Any, weasyprint: Any, order: Any, language: str, repeat: int) -> dict[str, Any]:
    fetcher_class = getattr(order_pdf, "StaticURLFetcher", None)
    base_url = order_pdf.static_base_url() if hasattr(order_pdf, "static_base_url") else None

    def plain() -> bytes:
        html = order_pdf.order_pdf_html(order, language)
        kwargs: dict[str, Any] = {"string": html, "base_url": base_url}
        if fetcher_class is not None:
            kwargs["url_fetcher"] = fetcher_class()
        return weasyprint.HTML(**kwargs).write_pdf()

    order_pdf.render_order_pdf(order, language)  # warm: the first render is not counted
    plain()
    ours: list[float] = []
    reference: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        order_pdf.render_order_pdf(order, language)
        ours.append(_ms(time.perf_counter() - started))
        started = time.perf_counter()
        plain()
        reference.append(_ms(time.perf_counter() - started))
    result: dict[str, Any] = {
        "available": True,
        "order": f"{order.authority.code} {order.number}",
        "language": language,
        **summary(ours),
        "repeats": repeat,
        "reference": {
            "what": "weasyprint.HTML(string=order_pdf_html(...)).write_pdf(), same HTML",
            **summary(reference),
        },
    }
    ratio = round(result["median_ms"] / result["reference"]["median_ms"], 2)
    result["ratio_to_reference"] = ratio
    result["target_median_ms"] = TARGETS["pdf_median_ms"]
    result["target_ratio"] = TARGETS["pdf_ratio_to_weasyprint"]
    result["target_met"] = bool(
        result["median_ms"] <= TARGETS["pdf_median_ms"] and ratio <= TARGETS["pdf_ratio_to_weasyprint"]
    )
    return result


def today() -> str:
    return date.today().isoformat()  # noqa: DTZ011 - the machine's date, for the record only
