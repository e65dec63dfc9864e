from django.db import migrations


def load(apps, schema_editor):
    from tatara.emissions.reference_data import sync_factor_sets, sync_gwp

    sync_factor_sets(
        apps.get_model("emissions", "EmissionFactorSet"),
        apps.get_model("emissions", "EmissionFactor"),
    )
    sync_gwp(apps.get_model("emissions", "GwpValue"))


class Migration(migrations.Migration):
    dependencies = [("emissions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
