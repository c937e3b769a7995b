# ruff: noqa: S608 - the SQL is built from constants and model names, never from input
"""Build the benchmark database: reference data, then the volume, generated in SQL.

1. Drop and create the database (or keep it with ``--reuse`` when it already holds
   the scale asked for: the table ``bench_scale`` records what was built).
2. Migrate, and load the reference data, the Clearview case and the demo users
   with ``seed_demo`` (no ``--synthetic``: its service-by-service path makes about
   ten investigations a second, hours for the default scale).
3. Generate the volume with ``INSERT … SELECT … FROM generate_series`` from a fixed
   seed (``setseed``): staff users per Canadian authority, respondents,
   investigations with their participations, respondents, assignees, events and
   findings, then orders, terms and deadlines, each with its creation row in the
   audit trail. Distributions follow ``casework.demo.synthetic``: stages, origins,
   12 % confidential, authorities weighted roughly by population, dates spread
   over the last four years, due dates around today.
4. Give each deadline that can alert its next rung for the sweep
   (``orders.alerts.deadlines_set_next_rung``: the start of its due date's first
   rung), as the services would have.
5. ``VACUUM ANALYZE``, so that the planner sees the real volume.

All the generated rows are clearly fictional (``BENCH-…`` references, ``Example``
respondents). The alerts and notifications are left to the sweep (see measure.py).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql


@dataclass(frozen=True)
class Scale:
    investigations: int
    orders: int
    deadlines: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


FULL = Scale(investigations=100_000, orders=300_000, deadlines=1_000_000)
QUICK = Scale(investigations=1_000, orders=3_000, deadlines=10_000)

# Lead authorities and their weights (roughly by population and caseload). Those
# with order-making power lead about 60 % of the investigations, which hold the orders.
LEAD_WEIGHTS: dict[str, int] = {
    "OPC": 20,
    "IPC-ON": 15,
    "CAI": 12,
    "OIPC-BC": 12,
    "OIPC-AB": 10,
    "OIPC-SK": 4,
    "OMB-MB": 3,
    "OIPC-NS": 3,
    "OMB-NB": 2,
    "OIPC-NL": 2,
    "OIPC-PE": 2,
    "IPC-NT": 1,
    "IPC-YT": 1,
    "IPC-NU": 1,
}
RESPONDENT_POOL = 5_000
SEED = 0.2026


def server_url(database_url: str) -> tuple[str, str]:
    """The maintenance database's URL on the same server, and the benchmark database's name."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"--database-url must name a database: {database_url}")
    return urlunsplit(parts._replace(path="/postgres")), name


def recorded_scale(database_url: str) -> Scale | None:
    """The scale the database was built at, or None if it does not exist or was not finished."""
    try:
        conn = psycopg2.connect(database_url)
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT to_regclass('bench_scale') IS NOT NULL")
            if not cur.fetchone()[0]:
                return None
            cur.execute("SELECT investigations, orders, deadlines FROM bench_scale")
            row = cur.fetchone()
            return Scale(*row) if row else None
    finally:
        conn.close()


def recreate_database(database_url: str) -> None:
    maintenance, name = server_url(database_url)
    conn = psycopg2.connect(maintenance)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def prepare_schema_and_reference() -> None:
    """Migrate and load the reference data, the Clearview case and the demo users (Django must be set up)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0, stdout=_Null())


class _Null:
    def write(self, *args: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def _history_insert(model: Any, where: str) -> str:
    """SQL copying the rows of ``model`` matching ``where`` into its audit trail as creations."""
    historical = model.history.model
    columns = [
        f.column
        for f in historical._meta.concrete_fields
        if not f.name.startswith("history_") and f.column != "history_id"
    ]
    cols = ", ".join(columns)
    return (
        f"INSERT INTO {historical._meta.db_table} ({cols}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {cols}, now(), 'generated for the benchmark', '+', NULL "
        f"FROM {model._meta.db_table} WHERE {where}"
    )


def generate(scale: Scale, log: Any = print) -> dict[str, float]:
    """Generate the volume in SQL (Django must be set up on the benchmark database); returns timings."""
    from django.db import connection, transaction

    from casework.models import Investigation, Participation
    from orders.alerts import deadlines_set_next_rung
    from orders.models import Deadline, Order, Term

    timings: dict[str, float] = {}
    n, o, d = scale.investigations, scale.orders, scale.deadlines
    weights = ", ".join(f"('{code}', {weight})" for code, weight in LEAD_WEIGHTS.items())

    steps: list[tuple[str, list[str]]] = [
        (
            "reference",
            [
                f"SELECT setseed({SEED})",
                # The authorities investigations are drawn from, with a cumulative weight band each.
                f"""CREATE TEMP TABLE b_auth AS
                SELECT a.id, a.code, a.can_issue_orders, w.weight,
                       (sum(w.weight) OVER (ORDER BY a.code) - w.weight)::float / sum(w.weight) OVER () AS lo,
                       sum(w.weight) OVER (ORDER BY a.code)::float / sum(w.weight) OVER () AS hi,
                       (SELECT min(se.statute_id) FROM casework_statute_enforced_by se
                         WHERE se.authority_id = a.id) AS statute_id,
                       row_number() OVER (ORDER BY a.code) AS idx
                FROM casework_authority a JOIN (VALUES {weights}) AS w(code, weight) ON w.code = a.code""",
                "SELECT setval(pg_get_serial_sequence('casework_user', 'id'), "
                "(SELECT coalesce(max(id), 1) FROM casework_user))",
                # A manager, a legal and an investigator per authority (no password: force_login only).
                """INSERT INTO casework_user (password, is_superuser, username, first_name, last_name, email,
                    is_staff, is_active, date_joined, authority_id, is_investigator, is_legal, is_manager,
                    is_administrator, alert_email)
                SELECT '!', false, 'bench.' || lower(a.code) || '.' || r.role, 'Bench',
                       initcap(r.role) || ' ' || a.code, '', false, true, now(), a.id,
                       r.role = 'investigator', r.role = 'legal', r.role = 'manager',
                       false, 'none'
                FROM b_auth a CROSS JOIN (VALUES ('investigator'), ('legal'), ('manager')) AS r(role)""",
                f"""INSERT INTO casework_organization (name, kind, country, website, notes)
                SELECT format('Example Respondent %s (fictional)', lpad(g::text, 5, '0')),
                       (ARRAY['company', 'company', 'company', 'public_body', 'non_profit'])[1 + g % 5], 'CA', '', ''
                FROM generate_series(1, {RESPONDENT_POOL}) g""",
                """CREATE TEMP TABLE b_org AS SELECT id, row_number() OVER (ORDER BY id) AS idx
                FROM casework_organization WHERE name LIKE 'Example Respondent %'""",
            ],
        ),
        (
            "investigations",
            [
                # One row per investigation with its random draws; ids follow the current maximum.
                f"""CREATE TEMP TABLE b_inv AS
                SELECT g, (SELECT coalesce(max(id), 0) FROM casework_investigation) + g AS id,
                       random() AS r_lead, random() AS r_joint, random() AS r_stage, random() AS r_origin,
                       random() AS r_conf, random() AS r_org, random() AS r_assign,
                       current_date - (random() * 1460)::int AS opened_on
                FROM generate_series(1, {n}) g""",
                """ALTER TABLE b_inv ADD COLUMN lead_id bigint, ADD COLUMN joint_id bigint, ADD COLUMN stage text""",
                """UPDATE b_inv SET lead_id = a.id FROM b_auth a WHERE b_inv.r_lead >= a.lo AND b_inv.r_lead < a.hi""",
                # A third of the investigations are joint, with another authority.
                """UPDATE b_inv SET joint_id = (SELECT a.id FROM b_auth a WHERE a.id <> b_inv.lead_id
                    ORDER BY a.idx OFFSET (b_inv.g * 7) % 13 LIMIT 1) WHERE r_joint < 0.33""",
                # Stages as in casework.demo.synthetic (investigation 28 %, closed 18 %…).
                """UPDATE b_inv SET stage = CASE
                    WHEN current_date - opened_on < 60 THEN (ARRAY['intake', 'investigation'])[1 + g % 2]
                    WHEN r_stage < 0.06 THEN 'intake' WHEN r_stage < 0.11 THEN 'early_resolution'
                    WHEN r_stage < 0.39 THEN 'investigation' WHEN r_stage < 0.47 THEN 'preliminary_report'
                    WHEN r_stage < 0.57 THEN 'report_issued' WHEN r_stage < 0.62 THEN 'inquiry'
                    WHEN r_stage < 0.68 THEN 'orders' WHEN r_stage < 0.78 THEN 'follow_up'
                    WHEN r_stage < 0.82 THEN 'judicial_review' ELSE 'closed' END""",
                """INSERT INTO casework_investigation (id, reference, title, summary, origin, opened_on, closed_on,
                    stage, disposition, confidential, created_at, updated_at)
                SELECT i.id, format('BENCH-%s', lpad(i.g::text, 7, '0')),
                       (ARRAY['Unauthorized disclosure of customer records',
                              'Collection of location data without consent', 'Employee monitoring software',
                              'Breach of client records',
                              'Retention of video surveillance footage', 'Refused access request',
                              'Facial recognition at building entrances', 'Tracking pixels on a public website',
                              'Ransomware incident', 'Marketing messages sent without consent',
                              'Sharing of personal information with a service provider abroad',
                              'Excessive collection on an application form'])[1 + i.g % 12]
                           || format(' – Example Respondent %s (fictional)',
                                     lpad((1 + (i.r_org * 4999)::int)::text, 5, '0')),
                       format('Fictional investigation generated for the benchmark (no. %s).', i.g),
                       CASE WHEN i.r_origin < 0.6 THEN 'complaint' WHEN i.r_origin < 0.75 THEN 'commissioner_initiated'
                            WHEN i.r_origin < 0.95 THEN 'breach_report' ELSE 'referral' END,
                       i.opened_on,
                       CASE WHEN i.stage = 'closed'
                            THEN i.opened_on + ((current_date - i.opened_on) * i.r_assign)::int END,
                       i.stage,
                       CASE WHEN i.stage = 'closed' THEN 'well_founded' ELSE '' END,
                       i.r_conf < 0.12, now(), now()
                FROM b_inv i""",
                # The lead, then the joint authorities (participation ids follow the current maximum).
                """INSERT INTO casework_participation (investigation_id, authority_id, role, file_number, joined_on,
                    withdrawal_reason)
                SELECT i.id, i.lead_id, 'lead', format('F-%s', i.g), i.opened_on, '' FROM b_inv i ORDER BY i.g""",
                """INSERT INTO casework_participation (investigation_id, authority_id, role, file_number, joined_on,
                    withdrawal_reason)
                SELECT i.id, i.joint_id, 'joint', format('J-%s', i.g), i.opened_on, '' FROM b_inv i
                WHERE i.joint_id IS NOT NULL ORDER BY i.g""",
                """INSERT INTO casework_participation_statutes (participation_id, statute_id)
                SELECT p.id, a.statute_id FROM casework_participation p JOIN b_inv i ON i.id = p.investigation_id
                JOIN b_auth a ON a.id = p.authority_id WHERE a.statute_id IS NOT NULL""",
                """INSERT INTO casework_investigation_respondents (investigation_id, organization_id)
                SELECT i.id, o.id FROM b_inv i JOIN b_org o ON o.idx = 1 + (i.r_org * 4999)::int""",
                # The lead's investigator is assigned to the confidential ones and to a third of the others.
                """INSERT INTO casework_investigation_assignees (investigation_id, user_id)
                SELECT i.id, u.id FROM b_inv i
                JOIN casework_user u ON u.authority_id = i.lead_id AND u.username LIKE 'bench.%.investigator'
                WHERE i.r_conf < 0.12 OR i.r_assign < 0.33""",
                # The timeline: the launch and two later events.
                """INSERT INTO casework_event (investigation_id, date, date_precision, kind, summary, source, verified,
                    note, withdrawal_reason)
                SELECT i.id, i.opened_on + ((current_date - i.opened_on) * k.f)::int, 'day', k.kind, k.summary, '',
                       true, '', ''
                FROM b_inv i CROSS JOIN (VALUES (0.0, 'launched', 'The investigation is opened.'),
                    (0.3, 'respondent_action', 'The respondent provides its representations.'),
                    (0.6, 'other', 'Documents requested from the respondent.')) AS k(f, kind, summary)""",
                # Findings once the report is out: one per participation.
                """INSERT INTO casework_finding (participation_id, statute_id, provision, issue, conclusion, issued_on,
                    report_reference, text, withdrawal_reason)
                SELECT p.id, a.statute_id, '', (ARRAY['consent', 'safeguards', 'retention', 'access'])[1 + i.g % 4],
                       CASE WHEN i.r_origin < 0.7 THEN 'well_founded' ELSE 'not_well_founded' END,
                       i.opened_on + (current_date - i.opened_on) / 2, format('Report BENCH-%s', i.g), '', ''
                FROM casework_participation p JOIN b_inv i ON i.id = p.investigation_id
                JOIN b_auth a ON a.id = p.authority_id
                WHERE a.statute_id IS NOT NULL AND i.stage IN ('report_issued', 'inquiry', 'orders', 'follow_up',
                    'judicial_review', 'closed')""",
            ],
        ),
        (
            "orders",
            [
                # The investigations led by an authority with order-making power hold the orders.
                """CREATE TEMP TABLE b_issuing AS
                SELECT row_number() OVER (ORDER BY i.g) AS k, i.id, i.lead_id, i.opened_on
                FROM b_inv i JOIN b_auth a ON a.id = i.lead_id WHERE a.can_issue_orders""",
                f"""CREATE TEMP TABLE b_ord AS
                SELECT j, (SELECT coalesce(max(id), 0) FROM orders_order) + j AS id, random() AS r_inv,
                       random() AS r_status, random() AS r_issued, random() AS r_served
                FROM generate_series(1, {o}) j""",
                """ALTER TABLE b_ord ADD COLUMN investigation_id bigint, ADD COLUMN authority_id bigint,
                    ADD COLUMN issued_on date, ADD COLUMN status text""",
                """UPDATE b_ord SET investigation_id = s.id, authority_id = s.lead_id,
                    issued_on = s.opened_on + ((current_date - s.opened_on) * b_ord.r_issued)::int
                FROM b_issuing s WHERE s.k = 1 + (b_ord.r_inv * ((SELECT count(*) FROM b_issuing) - 1))::bigint""",
                """UPDATE b_ord SET status = CASE
                    WHEN r_status < 0.05 THEN 'draft' WHEN r_status < 0.07 THEN 'withdrawn'
                    WHEN r_status < 0.47 THEN 'issued' WHEN r_status < 0.67 THEN 'complied'
                    WHEN r_status < 0.72 THEN 'partly_complied' WHEN r_status < 0.80 THEN 'not_complied'
                    WHEN r_status < 0.88 THEN 'under_judicial_review' WHEN r_status < 0.91 THEN 'stayed'
                    WHEN r_status < 0.95 THEN 'upheld' WHEN r_status < 0.97 THEN 'quashed' ELSE 'varied' END""",
                """INSERT INTO orders_order (id, investigation_id, authority_id, number, title, legal_basis, recitals,
                    recitals_fr, issued_on, served_on, status, signatory_name, signatory_title, note, created_at,
                    updated_at)
                SELECT b.id, b.investigation_id, b.authority_id, format('B%s-%s', to_char(b.issued_on, 'YY'), b.j),
                       'Order to stop the practice and delete the information', 'Privacy Act s. 52',
                       'WHEREAS the Commissioner investigated the practice of the respondent (fictional);',
                       '', CASE WHEN b.status = 'draft' THEN NULL ELSE b.issued_on END,
                       CASE WHEN b.status = 'draft' OR b.r_served < 0.1 THEN NULL
                            ELSE least(b.issued_on + (b.r_served * 5)::int, current_date) END,
                       b.status, 'Example Commissioner', 'Commissioner', '', now(), now()
                FROM b_ord b WHERE b.investigation_id IS NOT NULL""",
            ],
        ),
        (
            "terms and deadlines",
            [
                # Term t belongs to order 1 + (t - 1) % orders: three or four terms each.
                f"""CREATE TEMP TABLE b_term AS
                SELECT t, (SELECT coalesce(max(id), 0) FROM orders_term) + t AS id,
                       b.id AS order_id, 1 + (t - 1) / {o} AS number, b.status AS order_status,
                       coalesce(b.issued_on, current_date)
                         + (ARRAY[0, 21, 30, 45, 60, 90, 120, 180])[1 + ((t * 5 + (t - 1) / {o}) % 8)] AS due_on,
                       random() AS r_status
                FROM generate_series(1, {d}) t JOIN b_ord b ON b.j = 1 + (t - 1) % {o}
                WHERE b.investigation_id IS NOT NULL""",
                """INSERT INTO orders_term (id, order_id, number, text, text_fr, qualifier, daily_penalty,
                    penalty_currency)
                SELECT id, order_id, number,
                       (ARRAY['Cease collecting the personal information.',
                              'Delete the personal information collected.', 'Notify the individuals affected.',
                              'Report to the Commissioner on the steps taken.'])
                           [1 + (number - 1) % 4], '', 'absolute', NULL, ''
                FROM b_term""",
                """ALTER TABLE b_term ADD COLUMN status text""",
                """UPDATE b_term SET status = CASE
                    WHEN order_status = 'draft' THEN 'open'
                    WHEN order_status = 'complied' THEN 'met'
                    WHEN order_status IN ('withdrawn', 'quashed') THEN 'waived'
                    WHEN order_status = 'stayed' THEN 'stayed'
                    WHEN order_status IN ('partly_complied', 'not_complied') THEN
                        CASE WHEN r_status < 0.5 THEN 'met' ELSE 'missed' END
                    WHEN due_on < current_date - 30 THEN
                        CASE WHEN r_status < 0.70 THEN 'met' WHEN r_status < 0.92 THEN 'missed'
                             WHEN r_status < 0.97 THEN 'open' ELSE 'extended' END
                    WHEN due_on < current_date THEN
                        CASE WHEN r_status < 0.5 THEN 'open' WHEN r_status < 0.9 THEN 'met' ELSE 'missed' END
                    ELSE CASE WHEN r_status < 0.88 THEN 'open' WHEN r_status < 0.94 THEN 'extended' ELSE 'met' END
                    END""",
                """INSERT INTO orders_deadline (rule, due_on, original_due_on, explanation, steps, status, met_on,
                    verified, note, updated_at, term_id, order_id)
                SELECT jsonb_build_object('rule', 'fixed', 'date', to_char(due_on, 'YYYY-MM-DD')), due_on, due_on,
                       'Fixed date written in the order: ' || to_char(due_on, 'FMMonth FMDD, YYYY') || '.', '{}',
                       status, CASE WHEN status = 'met' THEN least(due_on - (r_status * 10)::int, current_date) END,
                       true, '', now(), id, order_id
                FROM b_term ORDER BY t""",
            ],
        ),
        (
            "audit trail",
            [
                _history_insert(Investigation, "reference LIKE 'BENCH-%'"),
                _history_insert(Participation, "investigation_id IN (SELECT id FROM b_inv)"),
                _history_insert(Order, "id IN (SELECT id FROM b_ord)"),
                _history_insert(Term, "id IN (SELECT id FROM b_term)"),
                _history_insert(Deadline, "term_id IN (SELECT id FROM b_term)"),
            ],
        ),
        (
            "sequences",
            [
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
                for table in ("casework_investigation", "orders_order", "orders_term", "orders_deadline")
            ],
        ),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        for name, statements in steps:
            started = time.monotonic()
            for statement in statements:
                cursor.execute(statement)
            timings[name] = round(time.monotonic() - started, 1)
            log(f"  {name}: {timings[name]} s")
        # The SQL above writes deadlines past the services: their next rungs, as the services set them.
        started = time.monotonic()
        deadlines_set_next_rung(Deadline.objects.all())
        timings["next rungs"] = round(time.monotonic() - started, 1)
        log(f"  next rungs: {timings['next rungs']} s")
        cursor.execute("CREATE TABLE bench_scale (investigations int, orders int, deadlines int, built_at timestamptz)")
        cursor.execute("INSERT INTO bench_scale VALUES (%s, %s, %s, now())", [n, o, d])
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum analyze"] = round(time.monotonic() - started, 1)
    log(f"  vacuum analyze: {timings['vacuum analyze']} s")
    return timings


def counts() -> dict[str, int]:
    """How many rows the measured tables hold (estimates would do, but these are exact)."""
    from django.db import connection

    tables = {
        "investigations": "casework_investigation",
        "participations": "casework_participation",
        "events": "casework_event",
        "orders": "orders_order",
        "terms": "orders_term",
        "deadlines": "orders_deadline",
        "users": "casework_user",
    }
    result = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            result[label] = cursor.fetchone()[0]
    return result
