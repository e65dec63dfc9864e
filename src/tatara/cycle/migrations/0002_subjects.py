from django.db import migrations


def load(apps, schema_editor):
    from tatara.cycle.reference_data import sync_subjects

    sync_subjects(apps.get_model("cycle", "Subject"))


class Migration(migrations.Migration):
    dependencies = [("cycle", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
