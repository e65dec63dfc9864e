from django.db import models
from django.utils.translation import gettext_lazy as _


class Activity(models.TextChoices):
    """What was consumed. Electricity is Scope 2; the fuels burnt on site are Scope 1."""

    ELECTRICITY = "electricity", _("Electricity")
    CITY_GAS = "city-gas", _("City gas")
    LPG = "lpg", _("LPG")
    LNG = "lng", _("LNG")
    HEAVY_OIL_A = "heavy-oil-a", _("Heavy oil A")
    DIESEL = "diesel", _("Diesel")
    GASOLINE = "gasoline", _("Gasoline")
    KEROSENE = "kerosene", _("Kerosene")


# The unit an activity is entered in when none is given; any unit of the same dimension is
# accepted (MWh for kWh, L for kL, kg for t) and converted when emissions are calculated.
STANDARD_UNITS: dict[str, str] = {
    Activity.ELECTRICITY: "kWh",
    Activity.CITY_GAS: "m**3",
    Activity.LPG: "t",
    Activity.LNG: "t",
    Activity.HEAVY_OIL_A: "kL",
    Activity.DIESEL: "kL",
    Activity.GASOLINE: "kL",
    Activity.KEROSENE: "kL",
}


class Basis(models.TextChoices):
    """What a factor set covers: fuels, or electricity on a location or market basis."""

    FUEL = "fuel", _("Fuels")
    LOCATION = "location", _("Electricity, location-based")
    MARKET = "market", _("Electricity, market-based")


ELECTRICITY_BASES = (Basis.LOCATION, Basis.MARKET)


class Scope(models.IntegerChoices):
    SCOPE_1 = 1, _("Scope 1 (direct)")
    SCOPE_2 = 2, _("Scope 2 (purchased energy)")


class Report(models.TextChoices):
    """IPCC assessment reports whose GWP values are shipped."""

    AR5 = "AR5", _("IPCC Fifth Assessment Report (AR5)")
    AR6 = "AR6", _("IPCC Sixth Assessment Report (AR6)")
