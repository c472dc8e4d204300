"""Computes KPI objects for a period and its comparison period: value, delta, target, status, sentence.

One computation feeds every view: the board's cards and charts, the finance
table and the CLI's JSON all read the same `Kpi` objects.
"""

from __future__ import annotations

import contextvars
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from legame import queries
from legame.channels import UNATTRIBUTED, Taxonomy
from legame.config import Config
from legame.errors import ConfigError
from legame.fmt import NumberFormat, format_change, format_value, shown
from legame.i18n import N_, _, ngettext
from legame.kpis.clv_inputs import clv_inputs, value_inputs
from legame.kpis.narrative import FLAT_SHARE, sentence, verdict
from legame.kpis.noise import signal, within_noise
from legame.kpis.params import channel_map, query_params
from legame.kpis.period import COMPARISONS, Period
from legame.kpis.registry import KPIS, MODEL_FAMILIES, NO_MODEL, KpiDef, funnel_steps, say
from legame.kpis.status import Target, status

DAYS_PER_MONTH = 30.4375
# Cursors that read a computation's periods or views at once: the two cores of DESIGN.md's machine.
READERS = 2
ENGAGEMENT_DENOMINATORS = ("reach", "impressions")
CONVERSION_DENOMINATORS = ("clicks", "visits")
# The reason value.predictions gives when there are no orders: plain already, shown translated.
NO_ORDERS = N_("there are no orders yet")
# Quantities that belong to a channel and campaign by the attribution rule: KPIs reading them state it.
ATTRIBUTED = {"new_customers", "attributed_revenue"}
DIMENSIONS = ("channel", "campaign")
Value = tuple[float | None, str | None, str | None]
# Why a KPI is n/a in a view filtered by a dimension it cannot be split by ({why}: the registry's reason).
NOT_MEASURABLE = {
    "channel": N_("not measurable by channel: {why}"),
    "campaign": N_("not measurable by campaign: {why}"),
}
# Where a quantity is missing, by the view's filters (the {scope} of the registry's reasons).
SCOPES = {
    (): N_("in this period"),
    ("channel",): N_("on this channel"),
    ("campaign",): N_("on this campaign"),
    ("channel", "campaign"): N_("on this channel and on this campaign"),
}


@dataclass
class Kpi:
    """One KPI for one period, with everything needed to show and explain it."""

    id: str
    label: str
    plain_label: str
    family: str
    unit: str
    direction: str
    definition: str
    value: float | None
    na_reason: str | None
    comparison_value: float | None
    delta: float | None
    delta_pct: float | None
    target: float | None
    status: str | None
    assumptions: list[str]
    freshness: date | None
    sentence: str
    display: dict[str, str]
    period: Period
    comparison_period: Period
    comparison_kind: str = "previous"
    noise: str | None = None  # why the delta is within normal variation, if it is
    signal: float | None = None  # the delta in units of its normal variation (z), where modelled
    filters: dict[str, str] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    na_detail: str | None = None  # the model's own words when a modelled KPI is n/a
    inputs: dict[str, float] = field(default_factory=dict)  # the named quantities the value was computed from
    # (dimension, why in words) when the view's filter is one this KPI cannot be measured by.
    not_measurable: tuple[str, str] | None = None

    @property
    def is_flat(self) -> bool:
        """A change too small to mention (half a percent of the earlier value)."""
        if self.delta is None or self.comparison_value is None:
            return False
        return abs(self.delta) <= FLAT_SHARE * abs(self.comparison_value)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m legame kpis --json`."""
        return {
            "id": self.id,
            "label": self.label,
            "plain_label": self.plain_label,
            "family": self.family,
            "value": _round(self.value),
            "unit": self.unit,
            "comparison_value": _round(self.comparison_value),
            "delta": _round(self.delta),
            "delta_pct": _round(self.delta_pct),
            "target": self.target,
            "status": self.status,
            "direction": self.direction,
            "within_noise": self.noise is not None,
            # The change as every surface words it (narrative.verdict): none, flat, noise, better or worse.
            "verdict": verdict(self),
            "signal": _round(self.signal),
            "noise_reason": self.noise,
            "filters": self.filters,
            "na_reason": self.na_reason,
            "na_detail": self.na_detail,
            "inputs": {k: _round(v) for k, v in self.inputs.items()},
            "sentence": self.sentence,
            "definition": self.definition,
            "assumptions": self.assumptions,
            "freshness": self.freshness.isoformat() if self.freshness else None,
            "period": self.period.as_dict(),
            "comparison_period": {**self.comparison_period.as_dict(), "kind": self.comparison_kind},
            "display": self.display,
            **self.extras,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def conversion_denominator(config: Config) -> str:
    """What conversion_rate and the funnel count arrivals by: clicks, or web visits (config.yaml)."""
    denominator = config.get("conversion_denominator", default="clicks")
    if denominator not in CONVERSION_DENOMINATORS:
        raise ConfigError(
            _(
                "conversion_denominator in config.yaml must be one of {choices}, not {value!r}.",
                choices=", ".join(CONVERSION_DENOMINATORS),
                value=denominator,
            )
        )
    return denominator


def settings(config: Config, period: Period, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """The config values KPI formulas and their words depend on, and the view's `scope` in words."""
    denominator = config.get("engagement_denominator", default="reach")
    if denominator not in ENGAGEMENT_DENOMINATORS:
        raise ConfigError(
            _(
                "engagement_denominator in config.yaml must be one of {choices}, not {value!r}.",
                choices=", ".join(ENGAGEMENT_DENOMINATORS),
                value=denominator,
            )
        )
    horizon = int(config.get("clv", "horizon_months", default=36))
    scoped = tuple(k for k in DIMENSIONS if (filters or {}).get(k))
    return {
        "margin_rate": config.margin_rate,
        "engagement_denominator": denominator,
        "conversion_denominator": conversion_denominator(config),
        "months": period.days / DAYS_PER_MONTH,
        "horizon_months": horizon,
        # Words, in the reader's language (settings are made per computation, never cached apart from it):
        "horizon": ngettext("{n} month", "{n} months", horizon),  # "36 months", "36 mesi"
        "margin": NumberFormat.for_reader(config).percent(config.margin_rate * 100, 0),  # "45%"
        "scope": _(SCOPES[scoped]),  # where a missing quantity is missing
        "scoped": bool(scoped),  # the view is filtered by a channel or a campaign
    }


def family_rows(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    filters: dict[str, str],
    families: set[str] | None = None,
    channels: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, Any]]:
    """The input row of each KPI family (one SQL file in queries/ each) for one period. `channels`: the
    computation's channel map (params.channel_map), read here when not given."""
    families = families or {k.family for k in KPIS.values()}
    if channels is None and _reads_channels(families):
        channels = channel_map(con, config)
    params = query_params(config, period, filters, channels)
    rows = {f: queries.run(con, f, **params)[0] for f in sorted(families - MODEL_FAMILIES)}
    # Families read from the fitted CLV model rather than from one SQL file.
    if "clv" in families:
        rows["clv"] = clv_inputs(con, config, period, filters, channels)
    if "clv_model" in families:
        rows["clv_model"] = value_inputs(con, config, period)
    return rows


def _reads_channels(families: set[str]) -> bool:
    """Whether any of these families runs a query that reads $channels: all but historic value (value.sql) and
    the fitted model's. A family listed here that came to read it would be refused by queries.run, not wrong."""
    return bool(families - {"value", "clv_model"})


def views_rows(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    views: Sequence[tuple[Period, dict[str, str]]],
    families: Collection[str] | None = None,
    channels: dict[str, list[str]] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """family_rows for each (period, filters) view, read at once on READERS cursors of their own: a view's
    queries spend about half their time binding and planning, on one core each (at 5 M acts, conversion.sql
    plans in ~0.03 s and runs a quarter in ~0.04 s), so two views take about the time of one on two cores.
    `channels`: the data's channel map (params.channel_map) when the caller holds it for this data (the app keeps
    one per data version); read here otherwise, once for every view."""
    chosen = set(families) if families is not None else None
    if channels is None and _reads_channels(chosen or {k.family for k in KPIS.values()}):
        channels = channel_map(con, config)
    if len(views) == 1:
        period, filters = views[0]
        return [family_rows(con, config, period, filters, chosen, channels)]

    def read(period: Period, filters: dict[str, str]) -> dict[str, dict[str, Any]]:
        cursor = con.cursor()
        try:
            return family_rows(cursor, config, period, filters, chosen, channels)
        finally:
            cursor.close()

    # Each thread runs in a copy of this context: the reader's language (i18n) goes with it.
    with ThreadPoolExecutor(max_workers=min(READERS, len(views))) as pool:
        running = [pool.submit(contextvars.copy_context().run, read, *view) for view in views]
        return [future.result() for future in running]


def periods_rows(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    periods: Sequence[Period],
    filters: dict[str, str],
    families: Collection[str] | None = None,
    channels: dict[str, list[str]] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """family_rows for each period of one view (views_rows)."""
    return views_rows(con, config, [(period, filters) for period in periods], families, channels)


def blocked_by(kdef: KpiDef, filters: dict[str, str]) -> tuple[str, str] | None:
    """(dimension, why) when the view is filtered by a dimension this KPI cannot be measured by."""
    for dimension in DIMENSIONS:
        why = kdef.unsplittable(dimension) if filters.get(dimension) else None
        if why:
            return dimension, why
    return None


def kpi_value(kdef: KpiDef, row: dict[str, Any], values: dict[str, Any], filters: dict[str, str]) -> Value:
    """The KPI's value for one period and view, or None with the reason (and the model's words, if any)."""
    blocked = blocked_by(kdef, filters)
    if blocked:
        dimension, why = blocked
        return None, _(NOT_MEASURABLE[dimension], why=why), None
    if kdef.family in MODEL_FAMILIES and row.get("model") is None:
        # "No orders yet" is plain already; the model's other reasons are jargon, kept as the detail.
        plain = _(NO_ORDERS) if row.get("reason") == NO_ORDERS else _(NO_MODEL)
        return None, plain, row.get("reason")
    value, reason = kdef.compute(row, values)
    return value, reason, None


def _inputs(kdef: KpiDef, row: dict[str, Any], values: dict[str, Any], blocked: bool) -> dict[str, float]:
    if blocked or row.get("model", True) is None:
        return {}
    names = (name.format(**values) for name in kdef.inputs)
    return {name: float(row[name] or 0) for name in names if name in row}


def _build(
    kdef: KpiDef,
    rows: dict[str, dict[str, Any]],
    previous_rows: dict[str, dict[str, Any]],
    config: Config,
    period: Period,
    comparison: Period,
    comparison_kind: str,
    filters: dict[str, str],
) -> Kpi:
    values, previous_values = settings(config, period, filters), settings(config, comparison, filters)
    row, previous_row = rows[kdef.family], previous_rows[kdef.family]
    value, na_reason, na_detail = kpi_value(kdef, row, values, filters)
    comparison_value = kpi_value(kdef, previous_row, previous_values, filters)[0]
    fmt = NumberFormat.for_reader(config)
    delta = None if value is None or comparison_value is None else value - comparison_value
    delta_pct = delta / abs(comparison_value) * 100 if delta is not None and comparison_value else None
    target = Target.from_config(config.get("targets", kdef.id, default=None))

    def show(v: float | None, unit: str = kdef.unit, signed: bool = False) -> str:
        return format_value(v, unit, fmt, config.currency, signed)

    extras: dict[str, Any] = {}
    blocked = blocked_by(kdef, filters)
    measurable = blocked is None
    if measurable and kdef.breakdown:
        extras["breakdown"] = kdef.breakdown(row)
    elif measurable and kdef.id == "funnel":
        extras["breakdown"] = funnel_steps(row)
    kpi = Kpi(
        id=kdef.id,
        label=say(kdef.label, values),
        plain_label=_(kdef.plain_label),
        family=kdef.family,
        unit=kdef.unit,
        direction=kdef.direction,
        definition=say(kdef.definition, values),
        value=value,
        na_reason=na_reason,
        comparison_value=comparison_value,
        delta=delta,
        delta_pct=delta_pct,
        target=target.value if target else None,
        # Judged on the value as the card shows it: "+40 · target +40" is on track, whatever the hidden decimals.
        status=status(shown(value, kdef.unit, comparison_value), target, kdef.direction),
        assumptions=[say(a, values) for a in kdef.assumptions],
        freshness=row.get("latest_date"),
        sentence="",
        display={
            # One precision for the value, its comparison and their change, the change the shown values' difference.
            **format_change(value, comparison_value, kdef.unit, fmt, config.currency),
            "delta_pct": _("n/a") if delta_pct is None else fmt.percent(delta_pct, 1, signed=True),
            "target": show(target.value) if target else _("no target"),
        },
        period=period,
        comparison_period=comparison,
        comparison_kind=comparison_kind,
        filters={k: v for k, v in filters.items() if v},
        extras=extras,
        na_detail=na_detail,
        inputs=_inputs(kdef, row, values, blocked is not None),
        not_measurable=blocked,
    )
    for bound in ("low", "high"):  # an interval around the value, shown in the value's unit
        if kpi.extras.get("breakdown", {}).get(bound) is not None:
            kpi.display[bound] = show(kpi.extras["breakdown"][bound])
    if delta is not None:
        now, before = kdef.sample(row, values), kdef.sample(previous_row, previous_values)
        if now is not None and before is not None:
            kpi.noise = within_noise(now, before, float(config.get("noise", "min_base", default=30)), fmt)
            kpi.signal = signal(now, before)
    if ATTRIBUTED & set(kdef.inputs):
        kpi.assumptions.append(Taxonomy.from_config(config).assumption)
    kpi.sentence = sentence(kdef, kpi, values)
    return kpi


def compute(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    comparison_kind: str = "previous",
    filters: dict[str, str] | None = None,
    *,
    families: Collection[str] | None = None,
    channels: dict[str, list[str]] | None = None,
) -> list[Kpi]:
    """Every registered KPI for `period`, compared with the previous period or the same one a year ago.

    `filters` may hold a `channel` and a `campaign`; each KPI says which filters it honours. `families`:
    only the KPIs of those families (every one by default). `channels`: the data's channel map
    (params.channel_map) when the caller holds it for the data as it is; read here otherwise.
    """
    if comparison_kind not in COMPARISONS:
        raise ValueError(_("comparison must be one of {choices}", choices=", ".join(COMPARISONS)))
    filters = {k: v for k, v in (filters or {}).items() if v}
    Taxonomy.from_config(config).check(filters.get("channel"))
    comparison = period.comparison(comparison_kind)
    chosen = [k for k in KPIS.values() if families is None or k.family in families]
    rows, previous_rows = periods_rows(con, config, (period, comparison), filters, {k.family for k in chosen}, channels)
    return [_build(kdef, rows, previous_rows, config, period, comparison, comparison_kind, filters) for kdef in chosen]


@dataclass
class Split:
    """Every KPI for each channel (or campaign) of a view, and for the view as a whole."""

    by: str  # channel | campaign
    rows: list[tuple[str, list[Kpi]]]  # (channel id or campaign name, its KPIs), unattributed last
    total: list[Kpi]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `python -m legame kpis --by channel|campaign --json`."""
        return {
            "by": self.by,
            "rows": [{self.by: name, "kpis": [k.as_dict() for k in kpis]} for name, kpis in self.rows],
            "total": [k.as_dict() for k in self.total],
        }


def split_values(
    con: duckdb.DuckDBPyConnection, config: Config, by: str, period: Period, found: list[str] | None = None
) -> list[str]:
    """The channels (taxonomy order) or campaigns with data, then unattributed: the rows of a split. `found`:
    the channels or campaigns with data (series.dimensions) when the caller holds them; read here otherwise."""
    from legame.kpis.series import dimensions

    if found is None:
        found = dimensions(con, config, by)[by]
    if by == "channel":
        ordered = [c for c in Taxonomy.from_config(config).labels if c in found]
    else:
        ordered = [c for c in found if c != UNATTRIBUTED]
    return [*ordered, UNATTRIBUTED]


def split(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    period: Period,
    by: str,
    comparison_kind: str = "previous",
    filters: dict[str, str] | None = None,
) -> Split:
    """Every KPI per channel or campaign, plus the total: additive inputs of the rows sum to the total's.

    KPIs that cannot be measured by `by` are n/a in each row with the reason; the total is the
    view without that filter.
    """
    if by not in DIMENSIONS:
        raise ValueError(_("a split is by one of {choices}", choices=", ".join(DIMENSIONS)))
    filters = {k: v for k, v in (filters or {}).items() if v and k != by}
    rows = [
        (name, compute(con, config, period, comparison_kind, {**filters, by: name}))
        for name in split_values(con, config, by, period)
    ]
    return Split(by, rows, compute(con, config, period, comparison_kind, filters))
