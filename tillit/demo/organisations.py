"""The Finnish names of the demo's Finnish organisations, loaded after every
demo that makes them (core, groups, networks, events).

Finland's public bodies are bilingual: each has an official Finnish and
Swedish name, and a visitor reading Tillit in Finnish sees the Finnish one.
Idempotent: a Finnish name already set is kept.
"""

from django.db import transaction

from tillit.core.models import Organisation

FINNISH_NAMES = {
    "Finansministeriet": "Valtiovarainministeriö",
    "Undervisnings- och kulturministeriet": "Opetus- ja kulttuuriministeriö",
    "Social- och hälsovårdsministeriet": "Sosiaali- ja terveysministeriö",
    "Miljöministeriet": "Ympäristöministeriö",
    "Justitieministeriet": "Oikeusministeriö",
    "Statskontoret": "Valtiokonttori",
    "Skatteförvaltningen": "Verohallinto",
    "Trafikledsverket": "Väylävirasto",
    "Statistikcentralen": "Tilastokeskus",
    "Helsingfors stad": "Helsingin kaupunki",
    "Esbo stad": "Espoon kaupunki",
    "Tammerfors stad": "Tampereen kaupunki",
    "Åbo stad": "Turun kaupunki",
    "Västra Nylands välfärdsområde": "Länsi-Uudenmaan hyvinvointialue",
    "Birkalands välfärdsområde": "Pirkanmaan hyvinvointialue",
    "Folkpensionsanstalten": "Kansaneläkelaitos",
    "Helsingfors universitet": "Helsingin yliopisto",
}


@transaction.atomic
def load_demo(today=None) -> dict[str, int]:
    named = 0
    finnish = Organisation.objects.filter(
        country=Organisation.Country.FINLAND, name_fi__isnull=True
    )
    for organisation in finnish:
        finnish_name = FINNISH_NAMES.get(organisation.name_sv or "")
        if finnish_name:
            organisation.name_fi = finnish_name
            organisation.save(update_fields=["name_fi"])
            named += 1
    return {"Finnish organisation names": named}
