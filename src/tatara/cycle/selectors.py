"""Reads of the yearly cycle. Each takes the viewer, so scoping cannot be forgotten."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tatara.core import year_lock
from tatara.core.dashboard import Panel, Task
from tatara.core.permissions import can
from tatara.cycle.choices import Column, Status
from tatara.cycle.models import CycleYear, Initiative, Measure, Subject


def years(*, viewer: Any) -> QuerySet[CycleYear]:
    """Cycle years with the number of initiatives the viewer may see in each."""
    visible = Initiative.objects.visible_to(viewer, "cycle.view")
    return (
        CycleYear.objects.visible_to(viewer, "cycle.view")
        .select_related("fiscal_year")
        .annotate(
            initiative_count=Count("initiatives", filter=Q(initiatives__in=visible.values("pk")))
        )
        .order_by("-fiscal_year__year")
    )


def get_year(*, viewer: Any, year: int) -> CycleYear:
    return (
        CycleYear.objects.visible_to(viewer, "cycle.view")
        .select_related("fiscal_year")
        .get(fiscal_year__year=year)
    )


def initiatives(*, viewer: Any, action: str = "cycle.view") -> QuerySet[Initiative]:
    return (
        Initiative.objects.visible_to(viewer, action)
        .select_related("cycle__fiscal_year", "subject", "owner_unit")
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("column", "position"))
        )
    )


@dataclass
class SubjectBlock:
    subject: Subject
    initiatives: list[Initiative] = field(default_factory=list)


def year_table(*, viewer: Any, year: int, action: str = "cycle.view") -> list[SubjectBlock]:
    """The year's table: every subject (in order) with the viewer's initiatives under it."""
    rows = (
        initiatives(viewer=viewer, action=action)
        .filter(cycle__fiscal_year__year=year)
        .order_by("subject__number", "position", "pk")
    )
    by_subject: dict[int, list[Initiative]] = defaultdict(list)
    for initiative in rows:
        by_subject[initiative.subject_id].append(initiative)
    return [
        SubjectBlock(subject, by_subject.get(subject.pk, [])) for subject in Subject.objects.all()
    ]


@dataclass
class Lineage:
    """An initiative followed across years (predecessor → successor)."""

    subject: Subject
    by_year: dict[int, Initiative]

    @property
    def title(self) -> str:
        latest = self.by_year[max(self.by_year)]
        planned = latest.planned
        return planned[0].text if planned else str(latest)


@dataclass
class RoadMap:
    years: list[int]
    lineages: dict[int, list[Lineage]]  # subject number → lineages
    counts: dict[tuple[int, int], Counter[int]]  # (subject number, year) → rating → n
    subjects: list[Subject]

    def count(self, subject: int, year: int, rating: int) -> int:
        return self.counts.get((subject, year), Counter())[rating]


def road_map(*, viewer: Any) -> RoadMap:
    rows = list(
        initiatives(viewer=viewer).order_by(
            "cycle__fiscal_year__year", "subject__number", "position"
        )
    )
    by_pk = {i.pk: i for i in rows}
    chains: list[Lineage] = []
    chain_of: dict[int, Lineage] = {}
    for initiative in rows:
        chain = (
            chain_of.get(initiative.predecessor_id) if initiative.predecessor_id in by_pk else None
        )
        if chain is None:
            chain = Lineage(initiative.subject, {})
            chains.append(chain)
        chain.by_year[initiative.cycle.fiscal_year.year] = initiative
        chain_of[initiative.pk] = chain
    lineages: dict[int, list[Lineage]] = defaultdict(list)
    for chain in chains:
        lineages[chain.subject.number].append(chain)
    counts: dict[tuple[int, int], Counter[int]] = defaultdict(Counter)
    for initiative in rows:
        if initiative.rating:
            counts[(initiative.subject.number, initiative.cycle.fiscal_year.year)][
                initiative.rating
            ] += 1
    year_list = sorted({i.cycle.fiscal_year.year for i in rows})
    return RoadMap(year_list, dict(lineages), dict(counts), list(Subject.objects.all()))


def pending_tasks(*, viewer: Any) -> list[Task]:
    """What the viewer (or the units they answer for) must do next in the cycle: nothing in a
    closed year, and not the second step of a decision whose first step was the viewer's
    (core.approvals: another person approves the plan they drafted, confirms their rating)."""
    from tatara.cycle.services import drafted_by_actor, proposed_by_actor

    today = timezone.localdate()
    tasks: list[Task] = []
    open_rows = (
        initiatives(viewer=viewer)
        .exclude(status=Status.CONFIRMED)
        .exclude(year_lock.closed_condition("cycle__fiscal_year"))
    )
    for initiative in open_rows:
        unit = initiative.owner_unit
        planned = initiative.planned
        first = planned[0].text if planned else ""
        label = (
            f"{initiative} ({first[:60]}{'…' if len(first) > 60 else ''})"
            if first
            else str(initiative)
        )
        url = reverse("cycle:initiative", args=[initiative.pk])
        cycle = initiative.cycle
        if initiative.status == Status.DRAFT and can(viewer, "cycle.approve", unit):
            if drafted_by_actor(viewer, initiative):
                continue
            tasks.append(
                Task(
                    _("Approve the plan of %(i)s") % {"i": label},
                    url,
                    _("Approver"),
                    cycle.plan_due,
                )
            )
        elif initiative.status == Status.APPROVED and (
            can(viewer, "cycle.change", unit) or can(viewer, "cycle.submit", unit)
        ):
            has_results = any(m.column == Column.RESULT for m in initiative.measures.all())
            what = (
                _("Propose the self-assessment of %(i)s")
                if has_results
                else _("Enter the results of %(i)s")
            )
            tasks.append(Task(what % {"i": label}, url, unit.name, cycle.results_due))
        elif initiative.status == Status.PROPOSED and can(viewer, "cycle.review", unit):
            if proposed_by_actor(viewer, initiative):
                continue
            tasks.append(
                Task(
                    _("Review the proposed rating of %(i)s") % {"i": label},
                    url,
                    _("CSR Management Office"),
                    cycle.review_due,
                )
            )
    for task in tasks:
        task.overdue = bool(task.due and task.due < today)
    return tasks


def status_counts(*, viewer: Any, year: int) -> dict[str, int]:
    rows = Initiative.objects.visible_to(viewer, "cycle.view").filter(cycle__fiscal_year__year=year)
    return dict(rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def dashboard_panel(viewer: Any) -> Panel | None:
    if not can(viewer, "cycle.view"):
        return None
    panel = Panel(title=_("Yearly CSR cycle"), url=reverse("cycle:years"))
    panel.tasks = pending_tasks(viewer=viewer)
    current = years(viewer=viewer).exclude(phase="closed").first() or years(viewer=viewer).first()
    if current is not None:
        counts = status_counts(viewer=viewer, year=current.year)
        summary: list[tuple[str, Any]] = [
            (f"{current.fiscal_year} — {current.get_phase_display()}", "")
        ]
        summary += [(str(label), counts.get(value, 0)) for value, label in Status.choices]
        panel.summary = summary
    return panel
