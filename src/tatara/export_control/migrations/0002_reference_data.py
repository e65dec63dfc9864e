from django.db import migrations


def load(apps, schema_editor):
    from tatara.export_control.reference_data import sync_control_rows, sync_countries

    sync_control_rows(apps.get_model("export_control", "ControlRow"))
    sync_countries(
        apps.get_model("export_control", "Country"),
        apps.get_model("export_control", "CountryGroupPeriod"),
    )


class Migration(migrations.Migration):
    dependencies = [("export_control", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
