from django.db import models
from django.utils.translation import gettext_lazy as _

from tatara.emissions.quantities import ELECTRIC, GAS, HEAT, LIQUID, MASS


class Activity(models.TextChoices):
    """What was consumed. Fuels burnt on site are Scope 1; purchased electricity and heat
    (steam, hot water, cold water from a district heating supplier) are Scope 2. The fuels
    and heat kinds are those of the calculation ordinance's tables."""

    ELECTRICITY = "electricity", _("Electricity")
    CITY_GAS = "city-gas", _("City gas")
    LPG = "lpg", _("LPG")
    LNG = "lng", _("LNG")
    HEAVY_OIL_A = "heavy-oil-a", _("Heavy oil A")
    HEAVY_OIL_BC = "heavy-oil-bc", _("Heavy oil B/C")
    DIESEL = "diesel", _("Diesel")
    GASOLINE = "gasoline", _("Gasoline")
    KEROSENE = "kerosene", _("Kerosene")
    COKING_COAL = "coking-coal", _("Coking coal")
    STEAM_COAL = "steam-coal", _("Steam coal (general coal)")
    ANTHRACITE = "anthracite", _("Anthracite")
    INDUSTRIAL_STEAM = "industrial-steam", _("Purchased steam, industrial")
    STEAM = "steam", _("Purchased steam, other than industrial")
    HOT_WATER = "hot-water", _("Purchased hot water")
    COLD_WATER = "cold-water", _("Purchased cold water")


HEAT_ACTIVITIES = (
    Activity.INDUSTRIAL_STEAM,
    Activity.STEAM,
    Activity.HOT_WATER,
    Activity.COLD_WATER,
)

# What each activity is measured in (a kind of quantities.py); any unit of that kind is
# accepted (MWh for kWh, L for kL, kg for t, 千m3 for m3) and converted when calculating.
KINDS: dict[str, tuple[str, ...]] = {
    Activity.ELECTRICITY: (ELECTRIC,),
    Activity.CITY_GAS: (GAS,),
    Activity.LPG: (MASS,),
    Activity.LNG: (MASS,),
    Activity.HEAVY_OIL_A: (LIQUID,),
    Activity.HEAVY_OIL_BC: (LIQUID,),
    Activity.DIESEL: (LIQUID,),
    Activity.GASOLINE: (LIQUID,),
    Activity.KEROSENE: (LIQUID,),
    Activity.COKING_COAL: (MASS,),
    Activity.STEAM_COAL: (MASS,),
    Activity.ANTHRACITE: (MASS,),
    **{activity: (HEAT,) for activity in HEAT_ACTIVITIES},
}

# The unit an activity is entered in when none is given.
STANDARD_UNITS: dict[str, str] = {
    Activity.ELECTRICITY: "kWh",
    Activity.CITY_GAS: "m3",
    Activity.LPG: "t",
    Activity.LNG: "t",
    Activity.HEAVY_OIL_A: "kL",
    Activity.HEAVY_OIL_BC: "kL",
    Activity.DIESEL: "kL",
    Activity.GASOLINE: "kL",
    Activity.KEROSENE: "kL",
    Activity.COKING_COAL: "t",
    Activity.STEAM_COAL: "t",
    Activity.ANTHRACITE: "t",
    **{activity: "GJ" for activity in HEAT_ACTIVITIES},
}

# Other names of the activities in files (compared case-folded): the ordinance's Japanese
# names and common English ones.
ALIASES: dict[str, str] = {
    "電気": Activity.ELECTRICITY,
    "電力": Activity.ELECTRICITY,
    "都市ガス": Activity.CITY_GAS,
    "lpガス": Activity.LPG,
    "液化石油ガス": Activity.LPG,
    "液化天然ガス": Activity.LNG,
    "a重油": Activity.HEAVY_OIL_A,
    "b・c重油": Activity.HEAVY_OIL_BC,
    "b重油": Activity.HEAVY_OIL_BC,
    "c重油": Activity.HEAVY_OIL_BC,
    "heavy-oil-b": Activity.HEAVY_OIL_BC,
    "heavy-oil-c": Activity.HEAVY_OIL_BC,
    "軽油": Activity.DIESEL,
    "ガソリン": Activity.GASOLINE,
    "灯油": Activity.KEROSENE,
    "原料炭": Activity.COKING_COAL,
    "一般炭": Activity.STEAM_COAL,
    "general-coal": Activity.STEAM_COAL,
    "無煙炭": Activity.ANTHRACITE,
    "産業用蒸気": Activity.INDUSTRIAL_STEAM,
    "蒸気": Activity.STEAM,
    "温水": Activity.HOT_WATER,
    "冷水": Activity.COLD_WATER,
    "chilled-water": Activity.COLD_WATER,
}


class Basis(models.TextChoices):
    """What a factor set covers: the ordinance's factors (fuels and heat), or electricity on
    a location or market basis."""

    FUEL = "fuel", _("Fuels and heat (ordinance)")
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
