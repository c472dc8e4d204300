"""Commerce and CRM export profiles (orders): Stripe, WooCommerce, HubSpot deals, Salesforce opportunities.

Each fixture in tests/fixtures/exports/ has the vendor's real columns; the expected
numbers are worked out by hand from the fixture rows (arithmetic in the comments).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame.ingest import load_file

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def orders(con) -> dict[str, tuple]:
    """order_id -> (revenue, is_refund, channel, campaign, ordered_at as text)."""
    rows = con.execute(
        "select order_id, revenue, is_refund, channel, campaign, ordered_at::varchar from orders"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def rejects(report) -> list[tuple]:
    return [(r["row"], r["column"], r["value"], r["reason"]) for r in report.rejects]


def total_revenue(con, where: str = "true") -> float:
    return con.execute(f"select round(sum(revenue), 2) from orders where {where}").fetchone()[0]


# Stripe ------------------------------------------------------------------------------------------


def test_stripe_payments_are_paid_and_refunded_charges_net_of_refunds(con, config):
    report = load_file(con, config, EXPORTS / "stripe_payments.csv")
    assert (report.profile, report.table) == ("stripe_payments", "orders")
    # 8 rows: 6 Paid or Refunded charges, one of them (line 8) without a Customer Email;
    # the Failed charge (line 5) and the PaymentIntent that never got one (line 6) are skipped.
    assert (report.rows_read, report.inserted, report.rejected) == (8, 5, 1)
    assert rejects(report) == [(8, "Customer Email", None, "missing value")]
    notes = " ".join(report.notes)
    assert "2 rows whose Status is not Paid or Refunded were skipped, not rejected" in notes
    assert "Amounts are in EUR, as the Converted Currency column says" in notes
    loaded = orders(con)
    assert set(loaded) == {
        "ch_3QaA1bLgmA0001",
        "ch_3QaB2cLgmA0002",
        "ch_3QaC3dLgmA0003",
        "ch_3QaE5fLgmA0005",
        "ch_3QaG7hLgmA0007",
    }
    assert loaded["ch_3QaA1bLgmA0001"][:3] == (49.00, False, "stripe")
    assert loaded["ch_3QaB2cLgmA0002"][:2] == (100.00, False)  # 120.00 paid - 20.00 refunded, still Paid
    assert loaded["ch_3QaC3dLgmA0003"][:2] == (0.00, True)  # 35.00 - 35.00: Status Refunded
    assert loaded["ch_3QaE5fLgmA0005"][:2] == (27.60, False)  # paid 30.00 usd, 27.60 eur reached the balance
    assert loaded["ch_3QaA1bLgmA0001"][4] == "2025-03-01 09:15:02"
    # 49.00 + 100.00 + 0.00 + 27.60 + 1250.00
    assert total_revenue(con) == 1426.60
    # Anna's two payments ("anna.rossi@example.it" and "ANNA.ROSSI@example.it ") are one person.
    people = dict(con.execute("select order_id, person_id from orders").fetchall())
    assert people["ch_3QaA1bLgmA0001"] == people["ch_3QaG7hLgmA0007"] != people["ch_3QaB2cLgmA0002"]


def test_stripe_payment_refunded_after_a_first_load_is_replaced(con, config, tmp_path):
    load_file(con, config, EXPORTS / "stripe_payments.csv")
    lines = (EXPORTS / "stripe_payments.csv").read_text(encoding="utf-8").splitlines()
    # The next export: Anna's 49.00 payment was refunded in full in the meantime.
    refunded = lines[1].replace(",49.00,0.00,eur,true,49.00,0.00,eur,", ",49.00,49.00,eur,true,49.00,49.00,eur,")
    refunded = refunded.replace(",Paid,", ",Refunded,")
    assert refunded != lines[1]
    later = tmp_path / "unified_payments.csv"
    later.write_text("\n".join([lines[0], refunded]) + "\n", encoding="utf-8")
    report = load_file(con, config, later)
    assert (report.rows_read, report.inserted, report.replaced, report.rejected) == (1, 0, 1, 0)
    assert orders(con)["ch_3QaA1bLgmA0001"][:2] == (0.00, True)
    # 1426.60 - 49.00
    assert total_revenue(con) == 1377.60


def test_stripe_payment_settled_in_another_currency_is_rejected_not_converted(con, config, tmp_path):
    lines = (EXPORTS / "stripe_payments.csv").read_text(encoding="utf-8").splitlines()
    # An account that settles in USD: every Converted column is in USD.
    usd = lines[1].replace(",eur,true,49.00,0.00,eur,", ",usd,true,49.00,0.00,usd,")
    path = tmp_path / "unified_payments.csv"
    path.write_text("\n".join([lines[0], usd, lines[2]]) + "\n", encoding="utf-8")
    report = load_file(con, config, path)
    assert (report.rows_read, report.inserted, report.rejected) == (2, 1, 1)
    assert rejects(report) == [(2, "Converted Currency", "usd", "in USD, but Legame counts in EUR: convert it first")]
    assert total_revenue(con) == 100.00


# WooCommerce ------------------------------------------------------------------------------------


def test_woocommerce_order_export_keeps_paid_orders_and_flags_refunded_and_cancelled(con, config):
    report = load_file(con, config, EXPORTS / "woocommerce_orders.csv")
    assert (report.profile, report.table) == ("woocommerce_orders", "orders")
    assert "it also matched" not in report.reason
    # 8 orders: wc-pending (2005) and wc-failed (2006) skipped; the USD order (line 8) and the
    # order whose billing email is "n/d" (line 9) rejected; 4 loaded.
    assert (report.rows_read, report.inserted, report.rejected) == (8, 4, 2)
    assert rejects(report) == [
        (8, "order_currency", "USD", "in USD, but Legame counts in EUR: convert it first"),
        (9, "billing_email", "n/d", "not an email address (or several in one cell)"),
    ]
    assert "2 rows whose status is not wc-completed or wc-processing" in " ".join(report.notes)
    loaded = orders(con)
    assert {k: v[:3] for k, v in loaded.items()} == {
        "2001": (59.90, False, "woocommerce"),
        "2002": (24.50, False, "woocommerce"),
        "2003": (80.00, True, "woocommerce"),  # wc-refunded
        "2004": (15.00, True, "woocommerce"),  # wc-cancelled
    }
    assert loaded["2002"][4] == "2025-03-04 17:40:12"
    # 59.90 + 24.50 + 80.00 + 15.00; sales only: 59.90 + 24.50
    assert total_revenue(con) == 179.40
    assert total_revenue(con, "not is_refund") == 84.40


def test_woocommerce_advanced_order_export_nets_refunds_and_skips_further_products(con, config):
    report = load_file(con, config, EXPORTS / "woocommerce_advanced_order_export.csv")
    assert (report.profile, report.table) == ("woocommerce_advanced_order_export", "orders")
    assert "it also matched" not in report.reason
    # 7 rows: order 3001's second product (line 3) continues it, On hold 3005 (line 7) is skipped,
    # 3006's date 2025-02-30 (line 8) does not exist; 4 orders loaded.
    assert (report.rows_read, report.inserted, report.rejected) == (7, 4, 1)
    not_a_date = "not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)"
    assert rejects(report) == [(8, "Order Date", "2025-02-30 12:00", not_a_date)]
    notes = " ".join(report.notes)
    assert "1 row has no Order Number and continues the row above" in notes
    assert "1 row whose Order Status is not Completed or Processing or Refunded or Cancelled was skipped" in notes
    loaded = orders(con)
    assert {k: v[:2] for k, v in loaded.items()} == {
        "3001": (64.50, False),
        "3002": (90.00, False),  # 120.00 total - 30 refunded, still Completed
        "3003": (0.00, True),  # 45.00 - 45: Refunded
        "3004": (18.90, False),  # Processing
    }
    assert loaded["3001"][4] == "2025-03-02 10:12:00"
    # 64.50 + 90.00 + 0.00 + 18.90
    assert total_revenue(con) == 173.40


# HubSpot deals ----------------------------------------------------------------------------------


def test_hubspot_deals_only_closed_won_deals_are_orders(con, config):
    report = load_file(con, config, EXPORTS / "hubspot_deals.csv")
    assert (report.profile, report.table) == ("hubspot_deals", "orders")
    # The contacts profile (Record ID, Email, Create Date, Lifecycle Stage) does not match a deals export.
    assert "it also matched" not in report.reason
    # 6 deals: Closed lost (line 3) and Appointment scheduled (line 4) skipped; the won deal without
    # an Amount (line 5) and the one without an associated contact (line 7) rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 2, 2)
    assert rejects(report) == [
        (5, "Amount", None, "missing value"),
        (7, "Associated Contact", None, "missing value"),
    ]
    assert "2 rows whose Deal Stage is not Closed won or closedwon were skipped" in " ".join(report.notes)
    loaded = orders(con)
    assert {k: (v[0], v[2], v[3], v[4]) for k, v in loaded.items()} == {
        "15320011001": (1200.00, "hubspot", None, "2025-03-14 10:30:00"),
        "15320011005": (2500.50, "hubspot", None, "2025-03-28 09:00:00"),
    }
    # 1200 + 2500.50
    assert total_revenue(con) == 3700.50


def test_hubspot_deal_buyer_is_the_person_of_the_associated_contacts_email(con, config, tmp_path):
    # HubSpot writes the associated contact as "Ana Rossi (ana.rossi@example.it)": the deal must
    # belong to the person the contacts export (hubspot_contacts) makes of that email.
    contacts = tmp_path / "hubspot-crm-exports-all-contacts.csv"
    contacts.write_text(
        "Record ID,First Name,Last Name,Email,Create Date,Lifecycle Stage,Community Member,Member Since,"
        "Original Source,Referred By,Segment\n"
        "5001001,Ana,Rossi,ana.rossi@example.it,2024-11-02 09:00,customer,true,2024-11-05,Organic Search,,\n"
        "5001005,Luca,Conti,luca.conti@example.com,2025-01-15 16:20,customer,false,,Direct Traffic,,\n",
        encoding="utf-8",
    )
    assert load_file(con, config, contacts).profile == "hubspot_contacts"
    load_file(con, config, EXPORTS / "hubspot_deals.csv")
    unmatched = con.execute(
        "select order_id from orders where person_id not in (select person_id from people) order by 1"
    ).fetchall()
    assert unmatched == []


# Salesforce -------------------------------------------------------------------------------------


def test_salesforce_multicurrency_report_loads_won_euro_opportunities(con, config):
    report = load_file(con, config, EXPORTS / "salesforce_opportunities_multicurrency.csv")
    assert (report.profile, report.table) == ("salesforce_opportunities_multicurrency", "orders")
    # Both Salesforce profiles match this header; the multi-currency one also reads Amount Currency.
    assert report.reason.endswith(
        "it also matched Salesforce opportunities report (won), "
        "but Salesforce opportunities report (won, multi-currency org) maps more of its columns"
    )
    # 6 opportunities: Closed Lost (line 3) and Negotiation/Review (line 4) skipped; the USD one
    # (line 5) and the one whose Email is "piero.gallo at example.it" (line 7) rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (6, 2, 2)
    assert rejects(report) == [
        (5, "Amount Currency", "USD", "in USD, but Legame counts in EUR: convert it first"),
        (7, "Email", "piero.gallo at example.it", "not an email address (or several in one cell)"),
    ]
    notes = " ".join(report.notes)
    assert "2 rows whose Won is not 1 or true were skipped" in notes
    assert "Column Close Date: dates read month first (mm/dd/yyyy)." in notes
    loaded = orders(con)
    assert {k: (v[0], v[2], v[3], v[4]) for k, v in loaded.items()} == {
        "0065g00000AbCdEAA1": (12000.00, "web", "Spring Webinar 2025", "2025-03-31 00:00:00"),
        "0065g00000AbCdIAA1": (4500.00, "partner referral", None, "2025-04-15 00:00:00"),
    }
    # "12,000.00" + "4,500.00"
    assert total_revenue(con) == 16500.00


def test_salesforce_report_of_a_single_currency_org_with_day_first_dates(con, config):
    report = load_file(con, config, EXPORTS / "salesforce_opportunities.csv")
    assert (report.profile, report.table) == ("salesforce_opportunities", "orders")
    assert "it also matched" not in report.reason
    # 5 opportunities: Proposal/Price Quote (line 3) and Closed Lost (line 6) skipped; the won one
    # with no contact Email (line 5) rejected.
    assert (report.rows_read, report.inserted, report.rejected) == (5, 2, 1)
    assert rejects(report) == [(5, "Email", None, "missing value")]
    notes = " ".join(report.notes)
    assert "Column Close Date: dates read day first (dd/mm/yyyy)." in notes
    assert "taken to be in EUR" in notes
    loaded = orders(con)
    assert {k: (v[0], v[4]) for k, v in loaded.items()} == {
        "0065g00000XyZaAAA1": (12000.00, "2025-03-31 00:00:00"),  # 31/03/2025
        "0065g00000XyZcAAA1": (4500.00, "2025-04-15 00:00:00"),  # 15/04/2025
    }
    assert total_revenue(con) == 16500.00


# Across exports ---------------------------------------------------------------------------------


def test_one_buyer_is_one_person_across_stripe_woocommerce_and_salesforce(con, config):
    # Luca Conti pays with Stripe, orders on WooCommerce and signs an opportunity in Salesforce
    # ("luca.conti@example.com", and "Luca.Conti@Example.com" in the multi-currency report).
    for name in ("stripe_payments.csv", "woocommerce_orders.csv", "salesforce_opportunities_multicurrency.csv"):
        load_file(con, config, EXPORTS / name)
    people = con.execute(
        "select distinct person_id from orders where order_id in ('ch_3QaB2cLgmA0002', '2002', '0065g00000AbCdIAA1')"
    ).fetchall()
    assert len(people) == 1


@pytest.mark.parametrize(
    "name",
    [
        "stripe_payments.csv",
        "woocommerce_orders.csv",
        "woocommerce_advanced_order_export.csv",
        "hubspot_deals.csv",
        "salesforce_opportunities.csv",
        "salesforce_opportunities_multicurrency.csv",
    ],
)
def test_no_commerce_fixture_puts_an_email_or_a_skipped_row_in_the_database(con, config, name):
    report = load_file(con, config, EXPORTS / name)
    assert con.execute("select count(*) from orders where orders::varchar like '%@%'").fetchone()[0] == 0
    assert con.execute("select count(*) from orders").fetchone()[0] == report.inserted
