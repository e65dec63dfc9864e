from django.db import migrations


def load(apps, schema_editor):
    from tatara.kpis.reference_data import sync_metrics

    sync_metrics(apps.get_model("kpis", "Metric"), apps.get_model("cycle", "Subject"))


class Migration(migrations.Migration):
    """Scope 1 and Scope 2 CO2 as metrics of their own (GRI 305-1, 305-2), beside the total."""

    dependencies = [("kpis", "0003_boundary_and_collection")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
