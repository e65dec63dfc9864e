"""Name the submitter of every value still waiting for approval, from its audit events, so
that the segregation-of-duties rule (core.approvals, "kpis.observation") applies to it."""

from django.db import migrations


def forwards(apps, schema_editor):
    Observation = apps.get_model("kpis", "Observation")
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="kpis", model="observation").first()
    if content_type is None:
        return
    for observation in Observation.objects.filter(status="submitted"):
        event = (
            AuditEvent.objects.filter(
                target_type=content_type,
                target_id=str(observation.pk),
                verb="kpi_observation.submitted",
            )
            .order_by("-created_at", "-id")
            .first()
        )
        if event is not None:
            observation.submitted_by_id = event.actor_id
            observation.submitted_by_label = event.actor_label[:150]
            observation.save(update_fields=["submitted_by", "submitted_by_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0005_observation_submitted_by"),
        ("core", "0004_year_lock"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
