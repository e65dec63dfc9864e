"""Load the ordinance's factor sets as versions (the corrected years, the new activities, the
units of quantities.py) and write the units of stored activity records in the canonical
spelling of quantities.py (`m**3` → `m3`, `ton` → `t`, `kwh` → `kWh`)."""

from django.db import migrations


def load(apps, schema_editor):
    from django.core.exceptions import ValidationError

    from tatara.emissions.quantities import canonical
    from tatara.emissions.reference_data import sync_factor_sets

    sync_factor_sets(
        apps.get_model("emissions", "EmissionFactorSet"),
        apps.get_model("emissions", "EmissionFactor"),
    )
    Record = apps.get_model("emissions", "ActivityRecord")
    for record in Record.objects.all().only("pk", "unit"):
        try:
            spelled = canonical(record.unit)
        except ValidationError:
            continue  # left for a person: the calculation names the record and its unit
        if spelled != record.unit:
            Record.objects.filter(pk=record.pk).update(unit=spelled)


class Migration(migrations.Migration):
    dependencies = [("emissions", "0003_versions_units_calculations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
