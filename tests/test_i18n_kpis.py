"""The KPIs speak their reader's language: sentences, reasons, periods, statuses and the board's
headline, written out by hand in Italian and in English.

The tiny dataset is test_kpis.py's (March 2025 against February 2025); the board's headline is
the demo's. Money and percentages are CLDR's: "130,00 €" with a no-break space in Italian,
"€130.00" in English under the shipped it-IT config.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from legame import board, i18n
from legame.channels import Taxonomy
from legame.fmt import NumberFormat
from legame.ingest import load_file
from legame.kpis import Period, compute
from legame.kpis import facts as kpi_facts
from legame.kpis import status as kpi_status
from legame.kpis.registry import KPIS, say
from tests import test_kpis
from tests.conftest import write

MARCH = test_kpis.MARCH
Q3_2026 = Period(date(2026, 7, 1), date(2026, 9, 30))
EUR = "\u00a0€"  # Italian writes the euro after the amount, a no-break space between


@pytest.fixture
def loaded(con, config, tmp_path: Path):
    config.data["margin_rate"] = 0.4
    for name in ("posts", "people", "interactions", "surveys", "orders", "spend", "referrals"):
        text = getattr(test_kpis, name.upper())
        report = load_file(con, config, write(tmp_path, f"{name}.csv", text), f"{name}.csv")
        assert report.rejected == 0, report.rejects
    return con


def _kpis(con, config, lang: str, period: Period = MARCH, comparison: str = "previous", filters=None):
    with i18n.language(lang):
        return {k.id: k for k in compute(con, config, period, comparison, filters)}


def test_sentences_in_italian(loaded, config):
    before = i18n.misses("it")
    it = _kpis(loaded, config, "it")
    # Up, with a target.
    assert it["engagement_rate"].sentence == (
        "Interazioni con i post in rapporto alla loro copertura: 6,0% (obiettivo 4,0%), "
        "in aumento rispetto al periodo precedente (febbraio 2025: 1,9%)."
    )
    # Down, with a target: money after the amount, decimal comma.
    assert it["clv_historic"].sentence == (
        f"Un cliente medio ha portato finora 36,00{EUR} di margine (obiettivo 80,00{EUR}), "
        f"in calo rispetto al periodo precedente (febbraio 2025: 40,00{EUR})."
    )
    # No figure to compare with.
    assert it["cac"].sentence == (
        f"Ogni nuovo cliente è costato 130,00{EUR} di marketing (obiettivo 60,00{EUR}); "
        "manca il dato del periodo precedente (febbraio 2025) per un confronto."
    )
    # Within normal variation, and why.
    assert it["conversation_rate"].sentence == (
        "Ogni post ha generato in media 7,0 commenti, entro la normale variabilità rispetto al periodo "
        "precedente (febbraio 2025: 2,0)."
    )
    assert it["conversation_rate"].noise == "la base è troppo piccola (1 < 30)"
    # About the same.
    assert it["known_share"].sentence == (
        "Quota di persone che hanno interagito e sono presenti nel CRM, dove se ne può seguire il valore: "
        "100,0%, praticamente come nel periodo precedente (febbraio 2025)."
    )
    # n/a with the reason in plain words.
    assert it["clv_predicted"].sentence == (
        "“Valore di un cliente” non è calcolabile per il periodo marzo 2025: lo storico degli acquisti non basta "
        "ancora per prevedere il valore (servono clienti che riacquistano nell'arco di diversi mesi)."
    )
    assert it["nps"].sentence == (
        "Il Net Promoter Score è stato +25 (obiettivo +40); manca il dato del periodo precedente "
        "(febbraio 2025) per un confronto."
    )
    assert (it["cac"].label, it["cac"].plain_label) == (
        "Costo di acquisizione cliente (CAC)",
        "Costo di un nuovo cliente",
    )
    assert it["engagement_rate"].label == "Tasso di engagement (sulla copertura)"
    assert it["roas"].display["delta_pct"] == "n.d." and it["payback_months"].display["target"] == "nessun obiettivo"
    assert "Margine lordo: 40% dei ricavi (config.yaml)." in it["romi"].assumptions
    assert i18n.misses("it") == before


def test_the_same_sentences_in_english(loaded, config):
    en = _kpis(loaded, config, "en")
    assert en["engagement_rate"].sentence == (
        "Posts drew interactions equal to 6.0% of their reach (target 4.0%), up from 1.9% in the previous "
        "period (February 2025)."
    )
    assert en["clv_historic"].sentence == (
        "An average customer has brought €36.00 of margin so far (target €80.00), down from €40.00 in the "
        "previous period (February 2025)."
    )
    assert en["cac"].sentence == (
        "Each new customer cost €130.00 in marketing (target €60.00); there is no figure for the previous period "
        "(February 2025) to compare with."
    )
    assert en["conversation_rate"].sentence == (
        "Each post started 7.0 comments on average, within normal variation of 2.0 in the previous period "
        "(February 2025)."
    )
    assert en["known_share"].sentence.endswith(", about the same as in the previous period (February 2025).")
    assert en["clv_predicted"].sentence == (
        "Value of a customer cannot be worked out for March 2025: not enough purchase history yet to predict "
        "value (needs repeat buyers over several months)."
    )


def test_reasons_and_views_by_channel_and_a_year_earlier(loaded, config):
    view = {"channel": "paid_social", "campaign": "Spring"}
    it = _kpis(loaded, config, "it", comparison="year", filters=view)
    assert (
        it["nps"].sentence
        == "“Propensione a raccomandare” non è misurabile per canale: i sondaggi non riportano il canale."
    )
    assert it["nps"].na_reason == "non misurabile per canale: i sondaggi non riportano il canale"
    assert it["nps"].not_measurable == ("channel", "i sondaggi non riportano il canale")
    assert it["engagement_rate"].sentence == (
        "“Engagement dei post” non è misurabile per campagna: i post non riportano la campagna."
    )
    assert it["cac"].sentence == (
        f"Ogni nuovo cliente è costato 100,00{EUR} di marketing (obiettivo 60,00{EUR}); manca il dato dello "
        "stesso periodo dell'anno scorso (marzo 2024) per un confronto."
    )
    en = _kpis(loaded, config, "en", comparison="year", filters=view)
    assert en["nps"].sentence == "Willingness to recommend is not measurable by channel: surveys carry no channel."
    assert "no figure for the same period last year (March 2024)" in en["cac"].sentence
    # A zero denominator: n/a with the reason, where the view is.
    february = Period(date(2025, 2, 1), date(2025, 2, 28))
    empty = _kpis(loaded, config, "it", february, filters={"channel": "paid_social"})
    assert empty["roas"].na_reason == "nessuna spesa di marketing su questo canale"
    assert empty["cac"].sentence == (
        "“Costo di un nuovo cliente” non è calcolabile per il periodo febbraio 2025: "
        "nessun nuovo cliente su questo canale."
    )
    january = Period(date(2025, 1, 1), date(2025, 1, 31))
    assert _kpis(loaded, config, "it", january)["nps"].na_reason == "nessuna risposta ai sondaggi in questo periodo"


def test_counted_sentences_agree_with_their_number(loaded, config):
    it = _kpis(loaded, config, "it")
    assert it["ugc_volume"].sentence.startswith("I clienti hanno creato 1 contenuto sul brand, ")
    assert it["advocates"].sentence.startswith("3 clienti hanno raccomandato, recensito o condiviso il brand, ")
    assert it["earned_reach"].sentence.startswith("Clienti e influencer hanno raggiunto 500 persone senza media")
    values = {"value": "1", "horizon": "36 mesi"}
    with i18n.language("it"):
        assert say(KPIS["advocates"].sentence, {}, count=1, **values) == (
            "1 cliente ha raccomandato, recensito o condiviso il brand"
        )
        assert say(KPIS["advocates"].sentence, {}, count=2, **{**values, "value": "2"}) == (
            "2 clienti hanno raccomandato, recensito o condiviso il brand"
        )
        assert say(KPIS["advocacy_ladder"].sentence, {}, count=1, **values).startswith("1 voce ha parlato")
        assert say(KPIS["advocacy_ladder"].sentence, {}, count=2, value="2").startswith("2 voci hanno parlato")
    assert (
        say(KPIS["ugc_volume"].sentence, {}, count=1, value="1")
        == "Customers created 1 piece of content about the brand"
    )
    assert (
        say(KPIS["ugc_volume"].sentence, {}, count=2, value="2")
        == "Customers created 2 pieces of content about the brand"
    )


@pytest.mark.parametrize(
    ("start", "end", "italian", "english"),
    [
        (date(2026, 7, 1), date(2026, 9, 30), "T3 2026", "Q3 2026"),
        (date(2025, 2, 1), date(2025, 2, 28), "febbraio 2025", "February 2025"),
        (date(2025, 1, 1), date(2025, 12, 31), "2025", "2025"),
        (date(2025, 1, 3), date(2025, 2, 9), "3 gen – 9 feb 2025", "3 Jan – 9 Feb 2025"),
        (date(2024, 12, 3), date(2025, 1, 9), "3 dic 2024 – 9 gen 2025", "3 Dec 2024 – 9 Jan 2025"),
    ],
)
def test_period_labels(start, end, italian, english):
    with i18n.language("it"):
        assert Period(start, end).label == italian
    with i18n.language("en"):
        assert Period(start, end).label == english
    assert Period(start, end).as_dict()["label"] == english  # tests run in English


def test_statuses_facts_and_channels_in_italian(loaded, config):
    it = _kpis(loaded, config, "it")
    with i18n.language("it"):
        assert [kpi_status.label(s) for s in ("on track", "watch", "off track")] == [
            "In linea",
            "Da tenere d'occhio",
            "Fuori obiettivo",
        ]
        assert kpi_status.words("watch") == "da tenere d'occhio"
        row = kpi_facts.facts([it["cac"]], "EUR")[0]
        assert row["Stato"] == "fuori obiettivo" and row["Meglio se"] == "più basso"
        assert row["Come appare"] == f"130,00{EUR}" and row["Tipo di variazione"] == "n.d."
        shown = kpi_facts.shown_facts([it["cac"], it["payback_months"]], NumberFormat.for_reader(config))
        assert shown[1]["Obiettivo"] == "—" and shown[0]["Confronto con"] == "—"
        assert shown[0]["Ultimi dati"] == NumberFormat.for_locale("it_IT").date(it["cac"].freshness)
        assert kpi_facts.unit_words("%", "EUR") == "percentuale"
        taxonomy = Taxonomy.from_config(config)
        assert taxonomy.label("paid_social") == "Social a pagamento"
        assert taxonomy.label("unattributed") == "Non attribuito"
        assert taxonomy.all_labels["offline"] == "Negozio e offline"
    # A label of the user's own, not in the catalogue, is shown as written.
    config.data["channels"] = {"groups": {"vip": "Club VIP Milano"}}
    with i18n.language("it"):
        assert Taxonomy.from_config(config).label("vip") == "Club VIP Milano"


def test_json_keeps_ids_and_keys_english_with_italian_words(loaded, config):
    it = _kpis(loaded, config, "it")
    with i18n.language("it"):  # the CLI writes its JSON in the language asked for (--lang it)
        data = json.loads(json.dumps(it["cac"].as_dict(), default=str))
    assert (data["id"], data["unit"], data["status"], data["direction"]) == ("cac", "currency", "off track", "lower")
    assert data["label"] == "Costo di acquisizione cliente (CAC)"
    assert data["plain_label"] == "Costo di un nuovo cliente"
    assert data["definition"] == "Spesa di marketing / nuovi clienti (primo acquisto nel periodo)."
    assert data["display"]["value"] == f"130,00{EUR}"
    assert data["period"]["label"] == "marzo 2025"
    assert data["comparison_period"]["kind"] == "previous"
    assert data["sentence"].startswith("Ogni nuovo cliente è costato")


def test_board_headline_in_italian_and_english(demo, config):
    with i18n.language("it"):
        built = board.build(demo, config, Q3_2026, "previous")
        value = next(k for k in built.kpis if k.id == "community_value")
        members = int(value.extras["breakdown"]["members"])
        assert members > 1
        assert built.headline == (
            f"Nel T3 2026, {members} clienti membri della community valgono {value.display['value']} "
            "in più di margine previsto nei prossimi 36 mesi rispetto ad altrettanti altri clienti "
            f"(intervallo al 90%: da {value.display['low']} a {value.display['high']})."
        )
        assert value.display["value"].endswith(EUR)
    with i18n.language("en"):
        built = board.build(demo, config, Q3_2026, "previous")
        value = next(k for k in built.kpis if k.id == "community_value")
        assert built.headline.startswith(f"In Q3 2026 the community's {members:,} member customers are worth €")


def test_the_empty_board_says_why_in_italian(con, config):
    with i18n.language("it"):
        empty = board.build(con, config, Q3_2026, "previous")
        assert empty.headline == "Il valore della community non si può ancora calcolare: non ci sono ancora ordini."
        filtered = board.build(con, config, Q3_2026, "previous", {"channel": "email"})
        assert filtered.headline == (
            "Il valore della community è calcolato su tutti i canali e le campagne insieme: i clienti sono valutati "
            "sull'intero storico degli ordini, che non appartiene a un solo canale."
        )
