"""Binding orders, their terms and deadlines, stays, extensions, court proceedings and alerts.

The rules (who may issue, which status may follow which, how a due date moves)
live in ``orders.services``; the database holds what it can on its own: unique
numbers, one alert per (deadline, due date, level), valid choices, dates in order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.admin import display as admin_display
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import (
    CURRENCY_VALIDATOR,
    REFERENCE_VALIDATOR,
    Authority,
    ChoiceLabelsModel,
    Investigation,
    validate_legal_date,
)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ISSUED = "issued", _("issued")
    COMPLIED = "complied", _("complied")
    PARTLY_COMPLIED = "partly_complied", _("partly complied")
    NOT_COMPLIED = "not_complied", _("not complied")
    STAYED = "stayed", _("stayed")
    UNDER_JUDICIAL_REVIEW = "under_judicial_review", _("under judicial review")
    UPHELD = "upheld", _("upheld")
    QUASHED = "quashed", _("quashed")
    VARIED = "varied", _("varied")
    WITHDRAWN = "withdrawn", _("withdrawn")


# Orders whose deadlines do not run: not issued yet, or ended (lists, the dashboard, exports).
ORDER_STATUSES_NOT_RUNNING = (
    OrderStatus.DRAFT.value,
    OrderStatus.WITHDRAWN.value,
    OrderStatus.QUASHED.value,
    OrderStatus.COMPLIED.value,
)
# ... nor alert: a stayed order's deadlines are paused (the sweep, the ladder shown on an order's page).
ORDER_STATUSES_NOT_ALERTING = (*ORDER_STATUSES_NOT_RUNNING, OrderStatus.STAYED.value)

# Which status may follow which (orders.services.order_set_status enforces it).
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"issued", "withdrawn"}),
    "issued": frozenset(
        {"complied", "partly_complied", "not_complied", "under_judicial_review", "stayed", "withdrawn", "varied"}
    ),
    "under_judicial_review": frozenset({"upheld", "quashed", "varied", "stayed", "withdrawn"}),
    "stayed": frozenset({"issued", "under_judicial_review", "upheld", "quashed", "varied", "withdrawn"}),
    "upheld": frozenset({"complied", "partly_complied", "not_complied", "under_judicial_review", "stayed"}),
    "varied": frozenset({"complied", "partly_complied", "not_complied", "under_judicial_review", "stayed"}),
    "partly_complied": frozenset({"complied", "not_complied", "under_judicial_review"}),
    "not_complied": frozenset({"complied", "partly_complied", "under_judicial_review"}),
    "complied": frozenset(),
    "quashed": frozenset(),
    "withdrawn": frozenset(),
}


class Order(ChoiceLabelsModel):
    """A binding order issued by an authority with order-making power."""

    Status = OrderStatus

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.PROTECT, related_name="orders"
    )
    authority = models.ForeignKey(
        Authority, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="orders"
    )
    # The issuing authority's code, kept by the database (triggers of orders/0015, on the orders and
    # on the authorities) so that the orders list sorts by it from an index: not edited, not in history.
    authority_code = models.CharField(_("issuing authority's code"), max_length=16, editable=False, default="")
    # Same alphabet as investigation references: the number is part of the order's URL.
    number = models.CharField(_("number"), max_length=40, validators=[REFERENCE_VALIDATOR])
    title = models.CharField(_("title"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, help_text=_("For example PIPA s. 52."))
    recitals = models.TextField(_("recitals (English)"), blank=True, max_length=50000)
    recitals_fr = models.TextField(_("recitals (French)"), blank=True, max_length=50000)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, validators=[validate_legal_date])
    served_on = models.DateField(
        _("served on"),
        null=True,
        blank=True,
        help_text=_("The day the respondent received the order."),
        validators=[validate_legal_date],
    )
    status = models.CharField(_("status"), max_length=24, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned staff"), related_name="assigned_orders", blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[assignees], excluded_fields=["authority_code"])

    class Meta:
        ordering = ["-issued_on", "authority_code", "number"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OrderStatus.values), name="orders_order_status_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="withdrawn") | Q(issued_on__isnull=False),
                name="orders_order_issued_has_date",
            ),
            models.CheckConstraint(
                condition=Q(served_on__isnull=True) | Q(issued_on__isnull=False) & Q(served_on__gte=F("issued_on")),
                name="orders_order_served_after_issued",
            ),
            models.CheckConstraint(condition=~Q(number=""), name="orders_order_number_set"),
        ]
        indexes = [
            # Order pages and the API find an order by its authority and number; numbers are unique among
            # what each user may see (casework.namesakes), not across the database.
            models.Index(fields=["authority", "number"], name="orders_order_number_lookup"),
            # The orders list's order (newest issue first, drafts on top, then by authority code and
            # number): a page is read from this index and stops after its rows, instead of sorting
            # every visible order (the drafts, which share no issue date, included).
            # PostgreSQL sorts NULLs first in a DESC index, as the list does (SQLite cannot say so).
            models.Index(fields=["-issued_on", "authority_code", "number"], name="orders_order_list_sort"),
            # The same order without the drafts, for the list filtered by any other status (e.g. the
            # issued orders a search looks for): its page is read without walking past every draft
            # first, which the list's order puts before the orders issued. Partial, so that the
            # planner never reads it whole to intersect a status with a search's matches.
            models.Index(
                fields=["-issued_on", "authority_code", "number"],
                name="orders_order_issued_sort",
                condition=~Q(status=OrderStatus.DRAFT),
            ),
            # The dashboard (orders.dashboard): the visible orders of the investigations a user
            # sees, with what its counts need, read from the index alone (no table rows).
            models.Index(
                fields=["investigation"],
                include=["id", "status", "authority", "issued_on"],
                name="orders_order_visible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority.code} {self.number}"

    def save(self, **kwargs: Any) -> None:
        # The database sets authority_code whatever is written (its triggers); this keeps the
        # object in memory in step when its authority is at hand (no query).
        if self._meta.get_field("authority").is_cached(self):  # type: ignore[union-attr]
            self.authority_code = self.authority.code
        super().save(**kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == OrderStatus.DRAFT


class OrderRevision(models.Model):
    """An amendment or variation of an issued order: who, when, why, and what changed."""

    class Kind(models.TextChoices):
        AMENDMENT = "amendment", _("amendment")
        VARIATION = "variation", _("variation (by a court or on reconsideration)")
        CORRECTION = "correction", _("correction of a clerical error")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="revisions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    made_on = models.DateField(_("made on"), validators=[validate_legal_date])
    reason = models.TextField(_("reason"), max_length=5000)
    changes = models.JSONField(_("changes"), default=dict, help_text=_("Each changed field: before and after."))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["order", "recorded_at"]
        verbose_name = _("order revision")
        verbose_name_plural = _("order revisions")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="orders_revision_reason_set"),
            models.CheckConstraint(
                condition=Q(kind__in=["amendment", "variation", "correction"]), name="orders_revision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.kind} {self.made_on.isoformat()}"


class Term(models.Model):
    """One thing the order requires, in English and French, with its deadline."""

    class Qualifier(models.TextChoices):
        ABSOLUTE = "absolute", _("absolute")
        BEST_EFFORTS = "best_efforts", _("best efforts")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text (English)"), blank=True, max_length=20000)
    text_fr = models.TextField(_("text (French)"), blank=True, max_length=20000)
    qualifier = models.CharField(_("qualifier"), max_length=16, choices=Qualifier.choices, default=Qualifier.ABSOLUTE)
    daily_penalty = models.DecimalField(
        _("penalty per day late"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    penalty_currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[CURRENCY_VALIDATOR])

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="orders_term_number_unique_per_order"),
            models.CheckConstraint(condition=~Q(text="") | ~Q(text_fr=""), name="orders_term_has_text"),
            models.CheckConstraint(
                condition=Q(daily_penalty__isnull=True) | ~Q(penalty_currency=""), name="orders_term_penalty_currency"
            ),
        ]
        # On PostgreSQL, migration orders/0005 adds UNIQUE (id, order_id) (orders_term_id_order):
        # the key a deadline's (term, order) refers to, so that its order is its term's.
        indexes = [
            # An order's terms without reading their texts (index-only), for the joins that go
            # from an order to its terms.
            models.Index(fields=["order"], include=["id"], name="orders_term_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order} term {self.number}"


class DeadlineStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    MISSED = "missed", _("missed")
    STAYED = "stayed", _("stayed")
    EXTENDED = "extended", _("extended")
    WAIVED = "waived", _("waived")


# Groups of deadline statuses, each named once, here: the partial indexes below build their conditions from
# them, and every query uses them, so that a query and the index meant for it cannot drift apart.
# Running: the clock runs (the sweep's alerts, "due soon", the dashboard's pending deadlines).
ACTIVE_DEADLINE_STATUSES = (DeadlineStatus.OPEN.value, DeadlineStatus.EXTENDED.value)
# Owed: running, or closed as missed (the overdue lists); such a deadline may still be extended.
OWED_DEADLINE_STATUSES = (*ACTIVE_DEADLINE_STATUSES, DeadlineStatus.MISSED.value)
# Pending: running, or paused by a stay (what a court's quashing waives).
PENDING_DEADLINE_STATUSES = (*ACTIVE_DEADLINE_STATUSES, DeadlineStatus.STAYED.value)
# Unsettled: neither met nor waived (what a sufficient compliance submission marks met).
UNSETTLED_DEADLINE_STATUSES = (*OWED_DEADLINE_STATUSES, DeadlineStatus.STAYED.value)


class Deadline(ChoiceLabelsModel):
    """When a term must be done: its rule, the due date computed from it, and how it was reached."""

    Status = DeadlineStatus

    term = models.OneToOneField(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="deadline")
    # The term's order, set when the deadline is created and never changed (a term never changes
    # order): the dashboard counts an order's deadlines without going through its terms. Checked
    # by clean_fields() and save(); on PostgreSQL also by a composite foreign key (term, order) →
    # orders_term (id, order) (migration orders/0005). Indexed by orders_deadline_order_counts.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,
    )
    rule = models.JSONField(_("rule"), help_text=_('For example {"rule": "calendar_days", "days": 90}.'))
    due_on = models.DateField(_("due on"), null=True, blank=True, validators=[validate_legal_date])
    original_due_on = models.DateField(_("first due date"), null=True, blank=True, validators=[validate_legal_date])
    explanation = models.TextField(_("how the date was reached"), blank=True)
    steps = models.JSONField(_("computation"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    met_on = models.DateField(_("met on"), null=True, blank=True, validators=[validate_legal_date])
    verified = models.BooleanField(
        _("verified"), default=True, help_text=_("Untick when the deadline could not be checked against the order.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=DeadlineStatus.values), name="orders_deadline_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_on__isnull=False), name="orders_deadline_met_has_date"
            ),
        ]
        indexes = [
            # The dashboard's deadline figures (orders.dashboard.deadline_figures): each visible
            # order's deadlines with what the figures read, from the index alone (no table rows).
            # Not partial: it is also the index of the order foreign key (cascading deletes).
            models.Index(fields=["order"], include=["due_on", "status", "met_on"], name="orders_deadline_order_counts"),
            # Active deadlines by due date ("my deadlines"), with the term the deadlines list joins;
            # the dashboard's next deadlines. (The sweep reads NextRung's index instead.)
            models.Index(
                fields=["due_on"],
                include=["term"],
                name="orders_deadline_active_due",
                condition=Q(status__in=ACTIVE_DEADLINE_STATUSES),
            ),
            # The dashboard's overdue deadlines and the deadlines list's overdue filter: still owed
            # (running or closed as missed) and due before today (orders.dashboard.overdue_q).
            models.Index(
                fields=["due_on"],
                include=["term"],
                name="orders_deadline_owed_due",
                condition=Q(status__in=OWED_DEADLINE_STATUSES),
            ),
            # The deadlines list's stayed deadlines (orders.dashboard.stayed_q).
            models.Index(fields=["term"], name="orders_deadline_stayed", condition=Q(status="stayed")),
            # The deadlines list's filters on the day met (orders.dashboard.met_between_q), with
            # the due date for "on time".
            models.Index(
                fields=["met_on"],
                include=["due_on", "term"],
                name="orders_deadline_met_on",
                condition=Q(status="met"),
            ),
            # The deadlines list filtered on the day met, in its order (by due date): walked by due date
            # with the day met and the order in the index, it stops after a page of rows instead of
            # sorting every deadline met in the period.
            models.Index(
                fields=["due_on", "met_on"],
                include=["order"],
                name="orders_deadline_met_due",
                condition=Q(status="met"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term}: {self.due_on.isoformat() if self.due_on else '?'} ({self.status})"

    def save(self, **kwargs: Any) -> None:
        # bulk_create skips this: the loaders set the order themselves, and PostgreSQL's
        # composite foreign key (migration orders/0005) refuses a wrong one.
        self._take_order_from_term()
        if problem := self.order_problem():
            raise ValueError(str(problem))
        super().save(**kwargs)

    def _take_order_from_term(self) -> None:
        """A deadline created without its order (the admin's form) takes its term's."""
        if self.order_id is None and self.term_id is not None:
            self.order_id = self.term.order_id

    def order_problem(self) -> str | None:
        """Why ``order`` may not be saved (missing, or not the term's), or ``None``.

        The term is read only for a new deadline or when it is loaded already: an
        existing deadline's term and order never change, and checking them on each
        update would cost a query.
        """
        if self.order_id is None:
            return str(_("A deadline needs its term's order."))
        term_loaded = self._meta.get_field("term").is_cached(self)  # type: ignore[union-attr]
        if self.term_id is not None and (self._state.adding or term_loaded) and self.term.order_id != self.order_id:
            return str(_("A deadline's order must be its term's order."))
        return None

    def clean_fields(self, exclude: Any = None) -> None:
        # The order is checked against the term (order_problem), not looked up as a foreign
        # key: that would cost a query each time a deadline is validated.
        exclude = set(exclude or ())
        super().clean_fields(exclude={*exclude, "order"})
        if not {"order", "term"} & exclude:
            self._take_order_from_term()
            if problem := self.order_problem():
                raise ValidationError({"order": problem})

    @property
    @admin_display(description=_("next alert from"))
    def next_alert_at(self) -> datetime | None:
        """When the sweep next looks at this deadline (its ``NextRung``), or None when it cannot alert."""
        try:
            return self.next_rung.at
        except NextRung.DoesNotExist:
            return None


class NextRung(models.Model):
    """When the sweep must next look at a deadline that can alert (orders.alerts, "The next rung").

    The start (local midnight in the issuing authority's time zone) of the first rung of the
    deadline's ladder not yet looked at. The services set it to the first rung of the due date
    whenever the due date or whether the deadline may alert changes; the sweep moves it to the rung
    after the one it raised. Never later than the next alert owed, so the sweep reads only the
    deadlines whose rung has come. A deadline that cannot alert (not running, no due date yet, its
    order not alerting: ORDER_STATUSES_NOT_ALERTING) has no row. Derived, so not in the audit trail.

    A table of its own, two columns wide: the sweep moves the next rung of every deadline it
    reads, and an UPDATE of an indexed column of orders_deadline would write a new entry in each of
    that table's indexes (docs/performance.md).
    """

    deadline = models.OneToOneField(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, primary_key=True, related_name="next_rung"
    )
    at = models.DateTimeField(_("next alert from"))

    class Meta:
        verbose_name = _("next rung")
        verbose_name_plural = _("next rungs")
        indexes = [
            # The sweep (orders.alerts.sweep_deadlines): the deadlines whose next rung has come, ``at <= now``.
            models.Index(fields=["at"], name="orders_nextrung_at"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.at.isoformat()}"


class Stay(models.Model):
    """A pause of a deadline's clock, from a court or the authority."""

    deadline = models.ForeignKey(Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="stays")
    started_on = models.DateField(_("stayed from"), validators=[validate_legal_date])
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True, validators=[validate_legal_date])
    days_left = models.IntegerField(_("calendar days left when the stay began"))
    due_on_before = models.DateField(_("due date when the stay began"), validators=[validate_legal_date])
    reason = models.TextField(_("reason"), max_length=5000)
    provision = models.CharField(
        _("stayed by law under"),
        max_length=300,
        blank=True,
        help_text=_("The provision that stayed the deadline without a court order (judicial review brought in time)."),
    )
    proceeding = models.ForeignKey(
        "CourtProceeding", verbose_name=_("court proceeding"), null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "started_on"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=F("started_on")),
                name="orders_stay_lifted_after_start",
            ),
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(lifted_on__isnull=True), name="orders_stay_one_running"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="orders_stay_reason_set"),
        ]

    def __str__(self) -> str:
        return f"stay of {self.deadline} from {self.started_on.isoformat()}"


class Extension(models.Model):
    """A new due date granted for a deadline, with its reason."""

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="extensions"
    )
    granted_on = models.DateField(_("granted on"), validators=[validate_legal_date])
    previous_due_on = models.DateField(_("previous due date"), validators=[validate_legal_date])
    new_due_on = models.DateField(_("new due date"), validators=[validate_legal_date])
    reason = models.TextField(_("reason"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "granted_on", "pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_on__gt=F("previous_due_on")), name="orders_extension_moves_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="orders_extension_reason_set"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline}: {self.previous_due_on.isoformat()} → {self.new_due_on.isoformat()}"


class ComplianceSubmission(models.Model):
    """What the respondent sent to show compliance, and staff's assessment of it."""

    class Assessment(models.TextChoices):
        PENDING = "pending", _("not assessed yet")
        SUFFICIENT = "sufficient", _("shows compliance")
        PARTIAL = "partial", _("shows partial compliance")
        INSUFFICIENT = "insufficient", _("does not show compliance")

    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="compliance_submissions"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.CASCADE, related_name="submissions"
    )
    received_on = models.DateField(_("received on"), validators=[validate_legal_date])
    summary = models.TextField(_("what the respondent sent"), max_length=20000)
    assessment = models.CharField(
        _("assessment"), max_length=16, choices=Assessment.choices, default=Assessment.PENDING
    )
    assessment_note = models.TextField(_("assessment note"), blank=True, max_length=20000)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True, validators=[validate_legal_date])
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "received_on", "pk"]
        verbose_name = _("compliance submission")
        verbose_name_plural = _("compliance submissions")
        constraints = [
            models.CheckConstraint(
                condition=Q(assessment="pending") | Q(assessed_on__isnull=False),
                name="orders_submission_assessed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(assessed_on__isnull=True) | Q(assessed_on__gte=F("received_on")),
                name="orders_submission_assessed_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} submission {self.received_on.isoformat()}"


class CourtProceeding(models.Model):
    """A judicial review, appeal or stay application against an order."""

    class Kind(models.TextChoices):
        JUDICIAL_REVIEW = "judicial_review", _("judicial review")
        APPEAL = "appeal", _("appeal")
        STAY_APPLICATION = "stay_application", _("stay application")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        UPHELD = "upheld", _("order upheld")
        QUASHED = "quashed", _("order quashed")
        VARIED = "varied", _("order varied")
        WITHDRAWN = "withdrawn", _("withdrawn or discontinued")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="proceedings")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.JUDICIAL_REVIEW)
    court = models.CharField(_("court"), max_length=200)
    file_number = models.CharField(_("court file number"), max_length=100, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True, validators=[validate_legal_date])
    stay_granted_from = models.DateField(
        _("stay granted from"), null=True, blank=True, validators=[validate_legal_date]
    )
    stay_granted_to = models.DateField(_("stay granted until"), null=True, blank=True, validators=[validate_legal_date])
    decided_on = models.DateField(_("decided on"), null=True, blank=True, validators=[validate_legal_date])
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    citation = models.CharField(_("citation"), max_length=200, blank=True, help_text=_("For example 2024 BCSC 2311."))
    source = models.URLField(_("source"), max_length=500, blank=True)
    verified = models.BooleanField(_("verified"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "filed_on", "pk"]
        verbose_name = _("court proceeding")
        verbose_name_plural = _("court proceedings")
        constraints = [
            models.CheckConstraint(
                condition=Q(stay_granted_to__isnull=True)
                | Q(stay_granted_from__isnull=False) & Q(stay_granted_to__gte=F("stay_granted_from")),
                name="orders_proceeding_stay_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending") | Q(decided_on__isnull=False), name="orders_proceeding_decided_has_date"
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(filed_on__isnull=True) | Q(decided_on__gte=F("filed_on")),
                name="orders_proceeding_decided_after_filed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.court} {self.file_number or self.citation}".strip()


class Alert(models.Model):
    """A rung of the alert ladder reached by a deadline or a statutory clock; raised once per (its due date, level).

    An alert is about exactly one of an order's deadline or an investigation's statutory clock
    (``orders.clocks``): the notifications, the bell and the e-mails are the same for both.
    """

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.CASCADE, related_name="alerts", null=True, blank=True
    )
    clock = models.ForeignKey(
        "InvestigationClock",
        verbose_name=_("statutory clock"),
        on_delete=models.CASCADE,
        related_name="alerts",
        null=True,
        blank=True,
    )
    due_on = models.DateField(_("due date alerted"), validators=[validate_legal_date])
    level = models.CharField(_("level"), max_length=8, help_text=_("T-30, T-14, T-7, T-1, T0, T+1, T+8…"))
    raised_at = models.DateTimeField(_("raised at"))
    # Which sweep inserted the row: after an INSERT … ON CONFLICT DO NOTHING, the
    # rows carrying this sweep's id are exactly the alerts it raised (not a rival's).
    sweep_id = models.UUIDField(_("sweep"), db_index=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # The sweep's idempotency: retries, overlapping sweeps and restarts can only
            # ever insert one row per rung (the loser's INSERT conflicts and does nothing).
            models.UniqueConstraint(fields=["deadline", "due_on", "level"], name="orders_alert_once_per_level"),
            # The same promise for a statutory clock's rungs (NULLs never conflict: the other kind's rows).
            models.UniqueConstraint(fields=["clock", "due_on", "level"], name="orders_alert_clock_once_per_level"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=False, clock__isnull=True) | Q(deadline__isnull=True, clock__isnull=False),
                name="orders_alert_deadline_or_clock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.deadline or self.clock}"

    @property
    def investigation_id(self) -> int:
        """The investigation the alert is about (its deadline's order's, or its clock's); loaded relations."""
        if self.clock_id is not None:
            return self.clock.investigation_id  # type: ignore[union-attr]
        return self.deadline.term.order.investigation_id  # type: ignore[union-attr]


class NotificationEmail(models.TextChoices):
    """Where a notification's e-mail stands (``docs/deadlines-and-alerts.md``, "Delivery").

    pending → sending → sent, or back to pending with a backoff, or failed once the retries
    have waited ``ORDERS_EMAIL_RETRY_HOURS``; digest → sending → sent (the same way back).
    ``sending`` is a worker's claim, held only while it talks to the relay: one left behind by
    a worker that died is owed again after ``ORDERS_EMAIL_SENDING_TIMEOUT_SECONDS``.
    """

    PENDING = "pending", _("to send")
    DIGEST = "digest", _("waiting for the daily digest")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not sent (no e-mail wanted or no address)")


# E-mails still owed: delivery, the digests and /healthz find them through orders_notification_owed.
OWED_EMAIL_STATUSES = (NotificationEmail.PENDING, NotificationEmail.DIGEST, NotificationEmail.SENDING)


class Notification(models.Model):
    """An alert for one person: read in the app, and delivered by e-mail as they chose."""

    Email = NotificationEmail

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=8, choices=NotificationEmail.choices, default=NotificationEmail.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    # The claim of the worker sending the e-mail (status "sending"): its token, so that only
    # that worker records the outcome, and when it claimed it, so that a claim left by a
    # worker that died can be told from one in progress.
    email_claim = models.UUIDField(_("e-mail claim"), null=True, blank=True, editable=False)
    email_claimed_at = models.DateTimeField(_("e-mail claimed at"), null=True, blank=True, editable=False)
    # The claim is a daily digest's: an unfinished one goes back to waiting for the digest.
    email_claimed_for_digest = models.BooleanField(_("claimed for the digest"), default=False, editable=False)
    # A failed attempt from this time on is the last (empty: ORDERS_EMAIL_RETRY_HOURS after
    # created_at); an administrator's "send again" gives a failed e-mail a new window.
    email_retry_until = models.DateTimeField(_("e-mail retried until"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "alert"], name="orders_notification_once_per_user"),
            models.CheckConstraint(
                condition=Q(email_status__in=NotificationEmail.values),
                name="orders_notification_email_status_valid",
            ),
            # A row being sent always says by whom and since when (the reconciliation reads both).
            models.CheckConstraint(
                condition=~Q(email_status=NotificationEmail.SENDING)
                | (Q(email_claim__isnull=False) & Q(email_claimed_at__isnull=False)),
                name="orders_notification_sending_is_claimed",
            ),
        ]
        indexes = [
            # The bell: a user's unread notifications.
            models.Index(fields=["user"], name="orders_notification_unread", condition=Q(read_at__isnull=True)),
            # The notifications page: a user's newest first (orders.selectors.notification_list), read
            # in this order and stopped after the page, instead of sorting all of the user's.
            models.Index(fields=["user", "-created_at", "-id"], name="orders_notification_newest"),
            # Delivery, the digests, the reconciliation of stale claims and /healthz: e-mails still owed.
            models.Index(
                fields=["created_at"],
                name="orders_notification_owed",
                condition=Q(email_status__in=OWED_EMAIL_STATUSES),
            ),
            # /healthz and the operations page count the e-mails that failed for good.
            models.Index(
                fields=["created_at"],
                name="orders_notification_failed",
                condition=Q(email_status=NotificationEmail.FAILED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.alert}"


class OrderDocument(models.Model):
    """A rendered PDF of an order in one language: one row per (order, language, version).

    A document is written once: rendering again makes a new version, so an issued
    order's earlier documents stay exactly as they were served (their SHA-256 says so).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("rendering")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    class Language(models.TextChoices):
        EN = "en", _("English")
        FR = "fr", _("French")

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="documents")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    pdfa = models.BooleanField(_("PDF/A (archival)"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("file"), upload_to="orders/documents/%Y/", blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.CharField(_("why rendering failed"), max_length=1000, blank=True)
    # The order's status when the request was made: documents of an issued order are the record.
    order_status = models.CharField(_("order status when rendered"), max_length=24, choices=OrderStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # A worker's claim on a pending document: when the latest rendering started, and how many
    # started. A start older than the task's time limit is a worker that died mid-render; the
    # resume task sends the document (the same version) to a worker again (orders.documents).
    render_started_at = models.DateTimeField(_("rendering started at"), null=True, blank=True, editable=False)
    render_attempts = models.PositiveSmallIntegerField(_("renderings started"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "language", "-version"]
        verbose_name = _("order document")
        verbose_name_plural = _("order documents")
        constraints = [
            models.UniqueConstraint(fields=["order", "language", "version"], name="orders_document_version_unique"),
            models.CheckConstraint(condition=Q(language__in=["en", "fr"]), name="orders_document_language_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ready", "failed"]), name="orders_document_status_valid"
            ),
            # A ready document has its file and its fingerprint; the download depends on both.
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (~Q(file="") & Q(sha256__regex=r"^[0-9a-f]{64}$") & Q(size__isnull=False)),
                name="orders_document_ready_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="orders_document_failed_has_reason"
            ),
        ]
        indexes = [
            # The resume task (every minute) and /healthz: documents still pending.
            models.Index(
                fields=["requested_at"],
                name="orders_document_pending",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} ({self.language}) v{self.version}"


class ExportJob(models.Model):
    """A bundle of order PDFs built in the background: a ZIP with manifest.csv and manifest.json."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("building")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    orders = models.ManyToManyField(Order, verbose_name=_("orders"), related_name="+")
    # Blank: each order in every language its authority issues in.
    language = models.CharField(_("language"), max_length=2, choices=OrderDocument.Language.choices, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("orders to bundle"), default=0)
    done = models.PositiveIntegerField(_("orders bundled"), default=0)
    file = models.FileField(_("file"), upload_to="orders/exports/%Y/", blank=True, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error = models.CharField(_("why the export failed"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("requested at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "ready", "failed"]), name="orders_exportjob_status_valid"
            ),
            models.CheckConstraint(condition=Q(done__lte=F("total")), name="orders_exportjob_progress_bounded"),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="orders_exportjob_ready_has_file"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"


class CalendarFeed(models.Model):
    """The secret that opens a user's iCalendar feed of deadlines; resetting it replaces the secret."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # Shown on the user's preferences page so that it can be pasted into a calendar program
    # again; read-only and limited to the deadlines the user may see. Reset replaces it.
    token = models.CharField(_("secret"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


# --- Statutory clocks on investigations (orders.clocks) --------------------------------------------


class ClockTrigger(models.TextChoices):
    """What starts a statutory clock."""

    COMPLAINT = "complaint", _("complaint filed or investigation initiated")
    REVIEW_REQUEST = "review_request", _("request for review received")


class ClockRule(models.Model):
    """A period a statute sets for an investigation itself (PIPEDA s. 13(1): the report within a year).

    Reference data (``orders/clocks/data/rules.toml``, kept in the database by
    ``orders.clocks.reference``): the rule is a deadline rule (``orders.deadlines``) counted from
    the trigger's date in the participating authority's legal calendar. ``verified`` is unticked
    when the provision could not be read in the statute's own text: pages and exports say so.
    """

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[REFERENCE_VALIDATOR])
    statute = models.ForeignKey(
        "casework.Statute", verbose_name=_("statute"), on_delete=models.PROTECT, related_name="clock_rules"
    )
    provision = models.CharField(_("provision"), max_length=60, help_text=_("For example s. 13(1)."))
    trigger = models.CharField(_("counted from"), max_length=16, choices=ClockTrigger.choices)
    rule = models.JSONField(_("rule"), help_text=_('For example {"rule": "months", "months": 12}.'))
    title_en = models.CharField(_("what is due (English)"), max_length=200)
    title_fr = models.CharField(_("what is due (French)"), max_length=200, blank=True)
    text_en = models.TextField(_("what the provision says (English)"), max_length=2000)
    text_fr = models.TextField(_("what the provision says (French)"), max_length=2000, blank=True)
    extension_en = models.CharField(_("extension (English)"), max_length=500, blank=True)
    extension_fr = models.CharField(_("extension (French)"), max_length=500, blank=True)
    source = models.URLField(_("source"), max_length=500)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Ticked only when the provision was read in the statute's own text.")
    )
    note = models.CharField(_("note on the source"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("statutory clock rule")
        verbose_name_plural = _("statutory clock rules")
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=ClockTrigger.values), name="orders_clockrule_trigger_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.provision})"


class InvestigationClock(ChoiceLabelsModel):
    """A statutory clock running on an investigation for one participating authority.

    Computed, explained, stayed, extended and alerted as an order's deadline is (``orders.clocks.services``,
    the sweep of ``orders.alerts``); its statuses are the deadlines' (``DeadlineStatus``) and the same
    groups (``ACTIVE_DEADLINE_STATUSES``…) say which are running.
    """

    Status = DeadlineStatus

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.PROTECT, related_name="clocks"
    )
    # The authority whose clock it is (its legal calendar, time zone, staff): the participation's,
    # kept here so that the sweep, the dashboard and the notifications need no join through it.
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="clocks"
    )
    rule = models.ForeignKey(ClockRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="clocks")
    started_on = models.DateField(_("counted from"), validators=[validate_legal_date])
    due_on = models.DateField(_("due on"), validators=[validate_legal_date])
    original_due_on = models.DateField(_("first due date"), validators=[validate_legal_date])
    explanation = models.TextField(_("how the date was reached"), blank=True)
    steps = models.JSONField(_("computation"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    met_on = models.DateField(_("met on"), null=True, blank=True, validators=[validate_legal_date])
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # As Deadline.next_alert_at: the start of the next rung the sweep owes a look (orders.alerts).
    next_alert_at = models.DateTimeField(_("next alert from"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["next_alert_at"])

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("statutory clock")
        verbose_name_plural = _("statutory clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "authority", "rule"], name="orders_clock_once_per_rule_and_authority"
            ),
            models.CheckConstraint(condition=Q(status__in=DeadlineStatus.values), name="orders_clock_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="met") | Q(met_on__isnull=False), name="orders_clock_met_has_date"
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("started_on")), name="orders_clock_due_after_start"),
        ]
        indexes = [
            # The sweep (orders.alerts.sweep_deadlines): running clocks whose next rung has come.
            models.Index(
                fields=["next_alert_at"],
                name="orders_clock_next_rung",
                condition=Q(status__in=ACTIVE_DEADLINE_STATUSES, next_alert_at__isnull=False),
            ),
            # The dashboard's clock figures and the home page's next clock (orders.clocks.selectors).
            models.Index(
                fields=["due_on"],
                include=["investigation", "authority", "status"],
                name="orders_clock_owed_due",
                condition=Q(status__in=OWED_DEADLINE_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.investigation.reference}: {self.due_on.isoformat()} ({self.status})"


class ClockStay(models.Model):
    """A pause of a statutory clock (an adjournment, a stay by the authority or a court)."""

    clock = models.ForeignKey(
        InvestigationClock, verbose_name=_("statutory clock"), on_delete=models.CASCADE, related_name="stays"
    )
    started_on = models.DateField(_("stayed from"), validators=[validate_legal_date])
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True, validators=[validate_legal_date])
    days_left = models.IntegerField(_("calendar days left when the stay began"))
    due_on_before = models.DateField(_("due date when the stay began"), validators=[validate_legal_date])
    reason = models.TextField(_("reason"), max_length=5000)
    provision = models.CharField(_("under"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["clock", "started_on", "pk"]
        verbose_name = _("stay of a statutory clock")
        verbose_name_plural = _("stays of statutory clocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_on__isnull=True) | Q(lifted_on__gte=F("started_on")),
                name="orders_clockstay_lifted_after_start",
            ),
            models.UniqueConstraint(
                fields=["clock"], condition=Q(lifted_on__isnull=True), name="orders_clockstay_one_running"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="orders_clockstay_reason_set"),
        ]

    def __str__(self) -> str:
        return f"stay of {self.clock} from {self.started_on.isoformat()}"


class ClockExtension(models.Model):
    """A later due date for a statutory clock, with its reason and the provision that allows it."""

    clock = models.ForeignKey(
        InvestigationClock, verbose_name=_("statutory clock"), on_delete=models.CASCADE, related_name="extensions"
    )
    granted_on = models.DateField(_("granted on"), validators=[validate_legal_date])
    previous_due_on = models.DateField(_("previous due date"), validators=[validate_legal_date])
    new_due_on = models.DateField(_("new due date"), validators=[validate_legal_date])
    reason = models.TextField(_("reason"), max_length=5000)
    provision = models.CharField(_("under"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["clock", "granted_on", "pk"]
        verbose_name = _("extension of a statutory clock")
        verbose_name_plural = _("extensions of statutory clocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_on__gt=F("previous_due_on")), name="orders_clockextension_moves_later"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="orders_clockextension_reason_set"),
        ]

    def __str__(self) -> str:
        return f"{self.clock}: {self.previous_due_on.isoformat()} → {self.new_due_on.isoformat()}"
