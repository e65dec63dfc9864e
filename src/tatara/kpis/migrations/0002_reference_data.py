from django.db import migrations


def load(apps, schema_editor):
    from tatara.kpis.reference_data import sync_legal_parameters, sync_metrics

    sync_metrics(apps.get_model("kpis", "Metric"), apps.get_model("cycle", "Subject"))
    sync_legal_parameters(apps.get_model("kpis", "LegalParameter"))


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial"), ("cycle", "0002_subjects")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
