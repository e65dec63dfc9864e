from django.db import migrations


def load(apps, schema_editor):
    # The fuel factor sets are loaded by 0003 (their versioned fields come with it); the
    # GWP values have not changed shape.
    from tatara.emissions.reference_data import sync_gwp

    sync_gwp(apps.get_model("emissions", "GwpValue"))


class Migration(migrations.Migration):
    dependencies = [("emissions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
