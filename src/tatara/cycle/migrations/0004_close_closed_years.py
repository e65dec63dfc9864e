"""A closed cycle is a closed fiscal year (core.year_lock): close, in the lock, every fiscal
year whose cycle was closed before the lock existed. And name the first step of the
two-person decisions still waiting (core.approvals) from the audit events: the drafter of a
draft plan, the proposer of a proposed rating."""

from django.db import migrations
from django.utils import timezone

PHASE_CLOSED = "closed"


def _latest(AuditEvent, content_type, pk, verbs):
    if content_type is None:
        return None
    return (
        AuditEvent.objects.filter(target_type=content_type, target_id=str(pk), verb__in=verbs)
        .order_by("-created_at", "-id")
        .first()
    )


def forwards(apps, schema_editor):
    CycleYear = apps.get_model("cycle", "CycleYear")
    FiscalYear = apps.get_model("core", "FiscalYear")
    Initiative = apps.get_model("cycle", "Initiative")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    closed = CycleYear.objects.filter(phase=PHASE_CLOSED).values_list("fiscal_year_id", flat=True)
    FiscalYear.objects.filter(pk__in=list(closed), closed_at__isnull=True).update(
        closed_at=now, closed_by_label="migration (the cycle was closed)"
    )
    content_type = ContentType.objects.filter(app_label="cycle", model="initiative").first()
    for initiative in Initiative.objects.filter(status__in=["draft", "proposed"]):
        if initiative.status == "draft":
            verbs, fields = ["initiative.created", "initiative.plan_edited"], "drafted_by"
        else:
            verbs, fields = ["initiative.rating_proposed"], "proposed_by"
        event = _latest(AuditEvent, content_type, initiative.pk, verbs)
        if event is None:
            continue
        setattr(initiative, f"{fields}_id", event.actor_id)
        setattr(initiative, f"{fields}_label", event.actor_label[:150])
        initiative.save(update_fields=[fields, f"{fields}_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("cycle", "0003_two_person_steps"),
        ("core", "0004_year_lock"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
