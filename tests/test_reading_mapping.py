"""The mapping screen's first guess in five languages, weighing needed columns; a weak fit asks first (issue #13)."""

from __future__ import annotations

import pytest

from legame.ingest import mapping

ITALIAN_ORDERS = (
    "Numero ordine,E-mail cliente,Data ordine,Totale (€),Canale vendita,Rimborso\n"
    '1001,anna@example.com,2025-03-01,"49,90",online,no\n'
    '1002,bruno@example.com,2025-03-02,"120,00",negozio,no\n'
    '1003,carla@example.com,2025-03-03,"15,00",online,sì\n'
)


def proposal_for(text: str) -> mapping.Proposal:
    return mapping.propose(mapping.sample_upload("export.csv", text.encode()))


def sources(table: mapping.TableProposal) -> dict[str, str]:
    return {c: m.source for c, m in table.matches.items() if m.source}


def test_an_italian_orders_file_is_proposed_as_orders_with_every_column(tmp_path):
    proposal = proposal_for(ITALIAN_ORDERS)
    assert proposal.best.table == "orders"
    assert sources(proposal.best) == {
        "order_id": "Numero ordine",
        "person_id": "E-mail cliente",
        "ordered_at": "Data ordine",
        "revenue": "Totale (€)",
        "channel": "Canale vendita",
        "is_refund": "Rimborso",
    }
    assert mapping.weak_fit(proposal, proposal.best) is None


def test_choosing_people_for_it_is_a_weak_fit_to_confirm():
    proposal = proposal_for(ITALIAN_ORDERS)
    assert mapping.weak_fit(proposal, proposal.table("people")) == (
        "This file may not be People: only 2 of the file's 6 columns fit People and Orders fits it better. "
        "Check the columns below before saving."
    )


@pytest.mark.parametrize(
    "header",
    [
        "Numéro de commande,E-mail client,Date de commande,Montant,Canal de vente,Remboursement",
        "Bestellnummer,Kunden-E-Mail,Bestelldatum,Gesamtbetrag,Vertriebskanal,Erstattet",
        "Número de pedido,Correo electrónico,Fecha del pedido,Importe,Canal de venta,Reembolsado",
        "Número do pedido,E-mail do cliente,Data do pedido,Valor total,Canal de venda,Reembolsado",
    ],
)
def test_orders_headers_in_french_german_spanish_and_portuguese_are_orders(header):
    rows = "".join(f"{n},p{n}@example.com,2025-03-0{n},{n}0.5,online,no\n" for n in range(1, 4))
    proposal = proposal_for(header + "\n" + rows)
    assert proposal.best.table == "orders"
    assert len(sources(proposal.best)) == 6
    assert mapping.weak_fit(proposal, proposal.best) is None


def test_an_italian_ads_export_is_spend():
    text = "Giorno,Nome della campagna,Importo speso (EUR),Impressioni,Clic sul link\n2025-03-01,Primavera,12,1000,10\n"
    proposal = proposal_for(text)
    assert proposal.best.table == "spend"
    assert sources(proposal.best) == {
        "day": "Giorno",
        "campaign": "Nome della campagna",
        "amount": "Importo speso (EUR)",
        "impressions": "Impressioni",
        "clicks": "Clic sul link",
    }
