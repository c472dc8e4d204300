"""What the Customer value page shows, computed in one place: predicted and historic CLV per customer,
how much more community members (promoters, advocates) are worth, and how far the model can be trusted.

No Streamlit here: the page lays out what `report` and `holdout` return. The fits are kept in
one process-wide cache (`FITS`, see legame.clv.cache) that the KPIs read through `predictions`
too (legame.kpis.clv_inputs builds on this module, never the other way round), so the page
and the board value the community from the same fit with the same bootstrap; and stored in the
warehouse, so that a new process reads the fit, its values and its bootstrap instead of refitting.
"""

from __future__ import annotations

import calendar
import hashlib
import math
from dataclasses import astuple, dataclass
from datetime import date
from functools import cache
from typing import Any, NamedTuple

import duckdb
import numpy as np
import pandas as pd

from legame import clv, queries, warehouse
from legame.clv.cache import FitCache, FitKey, StoredFit, fit_version, read_fit, store_fit, writable
from legame.clv.errors import NOT_ENOUGH_HISTORY
from legame.config import Config
from legame.fmt import NumberFormat, format_value
from legame.i18n import N_, _, ngettext

# Words kept in data (report frames, Split, Uplift) are English, marked for the catalogue: whatever
# shows them translates them with _(), so a cached report never holds one reader's language.
HISTORIC_METHOD = N_("Historic: what customers have been worth so far")
CONFIDENCE = 0.90
# The Gamma-Gamma independence check: a frequency-spend correlation below this
# is weak enough for the assumption to hold reasonably.
INDEPENDENCE_THRESHOLD = 0.3
RECENCY_SAMPLE = 3_000
HOLDOUT_MONTHS = 6
# Bootstrap draws held in memory at once (8 bytes each): bounds memory on large groups.
_DRAWS_PER_BLOCK = 4_000_000
# The uplifts' bootstrap: resamples per group and the seed that makes an interval repeatable.
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 0
NOT_RECORDED = N_("Not recorded")
MEMBERS_GROUP, OTHERS_GROUP = N_("Community members"), N_("Other customers")
# Purchase timing, by clv.time_unit.
TIME_UNITS = {
    "day": N_("Purchase timing is measured in days (clv.time_unit); orders on one day are one purchase."),
    "week": N_("Purchase timing is measured in weeks (clv.time_unit); orders on one day are one purchase."),
    "month": N_("Purchase timing is measured in months (clv.time_unit); orders on one day are one purchase."),
}
RATE_SCALES = {
    "day": N_("scale of purchase rates (days)"),
    "week": N_("scale of purchase rates (weeks)"),
    "month": N_("scale of purchase rates (months)"),
}


@dataclass(frozen=True)
class ClvSettings:
    """The config.yaml values predicted CLV depends on."""

    horizon_months: int
    discount_monthly: float
    margin: float
    time_unit: str

    @classmethod
    def from_config(cls, config: Config) -> ClvSettings:
        return cls(
            horizon_months=int(config.get("clv", "horizon_months")),
            discount_monthly=float(config.get("clv", "discount_rate_monthly")),
            margin=config.margin_rate,
            time_unit=str(config.get("clv", "time_unit")),
        )

    @property
    def horizon(self) -> str:
        """'36 months' / '36 mesi'."""
        return ngettext("{n} month", "{n} months", self.horizon_months)

    def predicted_method(self, fmt: NumberFormat) -> str:
        return _(
            "Predicted: BG/NBD + Gamma-Gamma over {horizon}, discounted at {rate} a month",
            horizon=self.horizon,
            rate=_percent(self.discount_monthly, fmt),
        )

    def predicted_formula(self, fmt: NumberFormat) -> str:
        return _(
            "Sum over the next {horizon} of expected purchases in the month (BG/NBD) x expected spend per purchase "
            "(Gamma-Gamma) x margin {margin} / (1 + {rate})^month.",
            horizon=self.horizon,
            margin=_percent(self.margin, fmt),
            rate=_percent(self.discount_monthly, fmt),
        )

    def historic_formula(self, fmt: NumberFormat) -> str:
        return _("Net revenue of the customer's orders so far x margin {margin}.", margin=_percent(self.margin, fmt))

    def assumptions(self, fmt: NumberFormat) -> list[str]:
        timing = TIME_UNITS.get(self.time_unit)
        return [
            _(
                "Gross margin {margin} of revenue: both values are margin, not revenue (config.yaml margin_rate).",
                margin=_percent(self.margin, fmt),
            ),
            _("Predictions look {horizon} ahead (clv.horizon_months).", horizon=self.horizon),
            _(
                "A euro a month from now counts {factor} of a euro today: {rate} a month (clv.discount_rate_monthly).",
                factor=fmt.number(1 / (1 + self.discount_monthly), 3),
                rate=_percent(self.discount_monthly, fmt),
            ),
            *([_(timing)] if timing else []),
        ]


def _percent(share: float, fmt: NumberFormat) -> str:
    """0.01 -> "1%", 0.015 -> "1,5%" in it-IT: as many decimals as the setting has, no more."""
    digits = f"{share * 100:g}"
    decimals = len(digits.split(".")[1]) if "." in digits and "e" not in digits else 0
    return fmt.percent(share * 100, decimals)


def _significant(value: float, fmt: NumberFormat, digits: int) -> str:
    return f"{value:.{digits}g}".replace(".", fmt.decimal)


def latest_order_date(con: duckdb.DuckDBPyConnection) -> date | None:
    """The day of the latest order: the default point predictions are made from."""
    # warehouse.freshness's value for orders, without scanning every other table for theirs.
    return con.execute("select max(ordered_at)::date from orders").fetchone()[0]


class FittedValues(NamedTuple):
    """Both models fitted on the orders up to `as_of`, and every customer's values from them."""

    parameters: clv.ClvParameters  # both models' and the frequency-spend correlation of the summary
    first_order: date  # the first purchase among the customers
    values: pd.DataFrame  # customer_values' columns
    as_of: date


def fit_values(con: duckdb.DuckDBPyConnection, config: Config, as_of: date) -> FittedValues:
    """Fit on the orders up to `as_of` and value every customer (see customer_values).

    Raises clv.ClvError when the orders cannot support the models. Callers that may ask for
    the same date again go through `predictions`, which keeps the fit."""
    settings = ClvSettings.from_config(config)
    fitted = clv.fit_clv(con, as_of, settings.time_unit)
    values = fitted.customer_values(settings.horizon_months, settings.discount_monthly, settings.margin)
    values["clv_historic"] = values["historic_revenue"] * settings.margin
    values["recency_weeks"] = (values["T"] - values["t_x"]) * clv.unit_days(settings.time_unit) / 7
    people = pd.DataFrame(queries.run(con, "value_people", as_of=as_of))
    parameters = clv.ClvParameters(
        fitted.purchases.params, fitted.spend.params, clv.frequency_monetary_correlation(fitted.summary)
    )
    first_order = fitted.summary["first_purchase_date"].min().date()
    values = values.merge(people, on="person_id", how="left", validate="one_to_one")
    return FittedValues(parameters, first_order, values, as_of)


def _latest_or_raise(con: duckdb.DuckDBPyConnection) -> date:
    latest = latest_order_date(con)
    if latest is None:
        raise clv.ClvError(_("There are no orders yet: load a shop export to predict customer value."))
    return latest


def customer_values(con: duckdb.DuckDBPyConnection, config: Config, as_of: date | None = None) -> pd.DataFrame:
    """One row per customer: predicted CLV from the orders up to `as_of` (the latest order date by
    default) with historic CLV (net revenue so far x margin) and the person's groups.

    Columns: those of clv.ClvFit.customer_values, clv_historic, recency_weeks (weeks since the
    last purchase), is_member, segment, nps_group (promoter / passive / detractor / none) and
    is_advocate. Raises clv.ClvError when the orders cannot support the models.
    """
    return fit_values(con, config, as_of or _latest_or_raise(con)).values


# --------------------------------------------------------------------------- uplift


@dataclass(frozen=True)
class Uplift:
    """Mean value of group a minus group b, with a bootstrap interval; undefined with a reason."""

    a_label: str
    b_label: str
    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    difference: float | None
    low: float | None
    high: float | None
    reason: str | None = None

    def times_a(self) -> tuple[float | None, float | None, float | None]:
        """Difference, low and high multiplied by the size of group a: for members, the value of the community."""
        if self.difference is None:
            return None, None, None
        return self.difference * self.n_a, self.low * self.n_a, self.high * self.n_a


def _mean(values: np.ndarray) -> float | None:
    return float(values.mean()) if values.size else None


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of `n_boot` resamples with replacement, drawn in blocks so memory stays bounded."""
    n = values.size
    block = max(1, _DRAWS_PER_BLOCK // n)
    means = np.empty(n_boot)
    for start in range(0, n_boot, block):
        size = min(block, n_boot - start)
        means[start : start + size] = values[rng.integers(0, n, size=(size, n))].mean(axis=1)
    return means


def uplift(
    values: pd.DataFrame,
    group_column: str,
    a: Any,
    b: Any,
    n_boot: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
    value_column: str = "clv_predicted",
    labels: tuple[str, str] | None = None,
) -> Uplift:
    """Mean `value_column` of the rows where `group_column` == a, minus where it == b.

    The interval is the 90% percentile bootstrap: each group is resampled with replacement
    within itself `n_boot` times, seeded so the same data give the same interval. With fewer
    than 2 rows in a group the difference is undefined and `reason` says why.
    """
    a_label, b_label = labels or (f"{group_column} = {a}", f"{group_column} = {b}")
    column = values[group_column]
    # Sorted, so the interval depends on the values and not on the rows' order (person ids are salted hashes).
    x = np.sort(values.loc[column == a, value_column].dropna().to_numpy(dtype=float))
    y = np.sort(values.loc[column == b, value_column].dropna().to_numpy(dtype=float))
    counts = dict(a_label=a_label, b_label=b_label, n_a=x.size, n_b=y.size, mean_a=_mean(x), mean_b=_mean(y))
    small = [(label, n) for label, n in ((a_label, x.size), (b_label, y.size)) if n < 2]
    if small:
        label, n = small[0]
        # Kept in English (the fit's cache and the warehouse store it); reason_words says it to the reader.
        reason = (NO_CUSTOMER if n == 0 else ONE_CUSTOMER).format(group=label)
        return Uplift(**counts, difference=None, low=None, high=None, reason=reason)
    rng = np.random.default_rng(seed)
    differences = _bootstrap_means(x, n_boot, rng) - _bootstrap_means(y, n_boot, rng)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(differences, [tail, 1 - tail])
    return Uplift(**counts, difference=float(x.mean() - y.mean()), low=float(low), high=float(high))


NO_CUSTOMER = N_("no customer among {group}: a comparison needs at least 2 in each group")
ONE_CUSTOMER = N_("only one customer among {group}: a comparison needs at least 2 in each group")


def reason_words(reason: str | None) -> str | None:
    """An uplift's reason (stored in English with the fit) in the reader's language."""
    if reason is None:
        return None
    for template in (NO_CUSTOMER, ONE_CUSTOMER):
        for split in SPLITS:
            for group in (split.a_label, split.b_label):
                if template.format(group=group) == reason:
                    return _(template, group=_(group))
    return reason


# --------------------------------------------------------------------------- the page's report


@dataclass(frozen=True)
class Split:
    """A comparison the page makes: rows where `column` is a against rows where it is b."""

    column: str
    a: Any
    b: Any
    a_label: str  # the group, in a sentence: "community members"
    b_label: str
    a_one: str  # one customer of the group, on a card: "A member"
    b_one: str


# The labels are English, marked for the catalogue: shown with _() (a report is cached across readers).
COMMUNITY = Split(
    "is_member", True, False, N_("community members"), N_("other customers"), N_("A member"), N_("Another customer")
)
PROMOTERS = Split(
    "nps_group",
    "promoter",
    "detractor",
    N_("promoters (9-10)"),
    N_("detractors (0-6)"),
    N_("A promoter"),
    N_("A detractor"),
)
ADVOCATES = Split(
    "is_advocate", True, False, N_("advocates"), N_("other customers"), N_("An advocate"), N_("Another customer")
)
SPLITS = (COMMUNITY, PROMOTERS, ADVOCATES)


def community_uplift(values: pd.DataFrame, n_boot: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED) -> Uplift:
    """Mean predicted CLV of community members minus other customers': times the members, the
    value of the community the board and the Customer value page both show."""
    return uplift(
        values, COMMUNITY.column, COMMUNITY.a, COMMUNITY.b, n_boot, seed, labels=(COMMUNITY.a_label, COMMUNITY.b_label)
    )


# --------------------------------------------------------------------------- one fit per date


class ClvPredictions(NamedTuple):
    """Predicted CLV per customer from one fit, or the reason there is none."""

    predictions: pd.DataFrame | None  # customer_values' columns; None unless every value is finite
    model: str | None  # what was fitted on what, for the KPIs' definitions
    reason: str | None  # why there are no predictions, for the KPIs' n/a
    # The models and every customer's values, for the Customer value page (report): there even
    # when `predictions` is None because some values are not finite.
    fit: FittedValues | None = None
    error: str | None = None  # the message of the clv.ClvError when the models could not be fitted
    community: Uplift | None = None  # community_uplift of the fit's values, with the default bootstrap


# A few data versions of a few databases: the app has one; tests open many small ones.
FITS: FitCache[ClvPredictions] = FitCache(max_entries=16)


def _fit(con: duckdb.DuckDBPyConnection, config: Config, settings: ClvSettings, as_of: date) -> ClvPredictions:
    try:
        fit = fit_values(con, config, as_of)
    except clv.ClvError as exc:
        return _failed(str(exc))
    return _predictions(fit, community_uplift(fit.values), settings)


def _failed(error: str) -> ClvPredictions:
    return ClvPredictions(None, None, error.rstrip("."), error=error)


def _predictions(fit: FittedValues, community: Uplift, settings: ClvSettings) -> ClvPredictions:
    """What the KPIs and the page read from a fit, made now or stored."""
    values, as_of = fit.values, fit.as_of
    unusable = int((~np.isfinite(values["clv_predicted"])).sum())
    if unusable:
        # Never let a NaN reach a sum shown to an executive.
        reason = f"the fitted model gives no finite value for {unusable:,} customers"
        return ClvPredictions(None, None, reason, fit, community=community)
    model = (
        f"BG/NBD + Gamma-Gamma fitted on {len(values):,} customers' orders to {as_of:%d %b %Y}, "
        f"{settings.horizon_months} months ahead"
    )
    return ClvPredictions(values, model, None, fit, community=community)


def predictions(con: duckdb.DuckDBPyConnection, config: Config, as_of: date | None = None) -> ClvPredictions:
    """Predicted CLV per customer from the orders up to `as_of` (the latest order date by default, and
    never later), fitted once per database, fit version (the loads of the tables it reads), settings and date,
    and kept in FITS.

    The models are fitted on the orders up to the period's end (or the latest order, if earlier), so
    customers acquired in any period are valued at the same age: a fit at the latest date would value
    old cohorts only on what is left of their lives, and make every later quarter look better."""
    latest = latest_order_date(con)
    if latest is None:
        return ClvPredictions(None, None, "there are no orders yet")
    as_of = min(as_of or latest, latest)
    settings = ClvSettings.from_config(config)
    key = FitKey(warehouse.location(config).describe(), fit_version(con), settings, as_of)
    return FITS.get(key, lambda: _stored_or_fitted(con, config, key))


def _stored_or_fitted(con: duckdb.DuckDBPyConnection, config: Config, key: FitKey) -> ClvPredictions:
    """The fit the warehouse keeps for `key`, or a new one, stored when `con` may write."""
    settings: ClvSettings = key.settings
    digest = settings_digest(settings)
    stored = read_fit(con, key, digest)
    if stored is not None:
        return _from_stored(stored, settings, key.as_of)
    made = _fit(con, config, settings, key.as_of)
    if writable(con):
        store_fit(con, key, digest, *_to_stored(made))
    return made


# --------------------------------------------------------------------------- fits kept in the warehouse

# Bump when what is stored for a fit, or how it is computed in this module, changes meaning:
# the fits stored before are then never read again.
STORED_FIT_FORMAT = 1
# What the stored values are made by besides the settings: the customers' histories, their
# groups and the relations those read, and the models' code.
_FIT_SOURCES = (
    "queries/clv_summary.sql",
    "queries/value_people.sql",
    "queries/relations/*.sql",
    "legame/clv/*.py",
)


@cache
def _sources_digest() -> str:
    root = queries.QUERY_DIR.parent
    digest = hashlib.sha256()
    for pattern in _FIT_SOURCES:
        for path in sorted(root.glob(pattern)):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def settings_digest(settings: ClvSettings) -> str:
    """What a stored fit was made with: the CLV settings, the bootstrap, the SQL and code of the fit.

    A stored fit is read only under the same digest, so changing config.yaml's clv settings or
    upgrading Legame never reads a fit made otherwise."""
    made_with = (STORED_FIT_FORMAT, astuple(settings), BOOTSTRAP_DRAWS, BOOTSTRAP_SEED, _sources_digest())
    return hashlib.sha256(repr(made_with).encode()).hexdigest()


def _to_stored(made: ClvPredictions) -> tuple[dict[str, Any], pd.DataFrame | None]:
    """A clv_fits row (but its key) and the customers' rows, from a fit made in this process."""
    if made.fit is None:
        return {"error": made.error}, None
    purchases, spend, correlation = made.fit.parameters
    community = made.community
    row = {
        "error": None,
        "first_order": made.fit.first_order,
        "correlation": correlation,
        **{name: getattr(purchases, name) for name in ("r", "alpha", "a", "b")},
        **{f"{name}_se": se for name, se in purchases.standard_errors.items()},
        "bgnbd_loglik": purchases.loglik,
        "customers": purchases.n_customers,
        **{name: getattr(spend, name) for name in ("p", "q", "gamma")},
        **{f"{name}_se": se for name, se in spend.standard_errors.items()},
        "gamma_gamma_loglik": spend.loglik,
        "repeat_customers": spend.n_repeat,
        "community_members": community.n_a,
        "community_others": community.n_b,
        "community_mean_members": community.mean_a,
        "community_mean_others": community.mean_b,
        "community_difference": community.difference,
        "community_low": community.low,
        "community_high": community.high,
        "community_reason": community.reason,
    }
    return row, made.fit.values


def _from_stored(stored: StoredFit, settings: ClvSettings, as_of: date) -> ClvPredictions:
    """What `_fit` made, back from the warehouse: the same numbers to the last bit."""
    row = stored.fit
    if row["error"] is not None:
        return _failed(row["error"])
    purchases = clv.BetaGeoParams(
        *(row[name] for name in ("r", "alpha", "a", "b", "bgnbd_loglik", "customers")),
        standard_errors={name: row[f"{name}_se"] for name in ("r", "alpha", "a", "b")},
    )
    spend = clv.GammaGammaParams(
        *(row[name] for name in ("p", "q", "gamma", "gamma_gamma_loglik", "repeat_customers")),
        standard_errors={name: row[f"{name}_se"] for name in ("p", "q", "gamma")},
    )
    parameters = clv.ClvParameters(purchases, spend, row["correlation"])
    fit = FittedValues(parameters, row["first_order"], stored.customers, as_of)
    community = Uplift(
        COMMUNITY.a_label,
        COMMUNITY.b_label,
        n_a=row["community_members"],
        n_b=row["community_others"],
        mean_a=row["community_mean_members"],
        mean_b=row["community_mean_others"],
        difference=row["community_difference"],
        low=row["community_low"],
        high=row["community_high"],
        reason=row["community_reason"],
    )
    return _predictions(fit, community, settings)


@dataclass(frozen=True)
class Comparison:
    """One split, on predicted and on historic CLV."""

    split: Split
    predicted: Uplift
    historic: Uplift


@dataclass(frozen=True)
class FitSummary:
    """What the expander "How this is computed" shows about the fitted models."""

    parameters: pd.DataFrame  # model, parameter, meaning, estimate, standard_error
    purchases_per_year: float  # mean purchase rate while active, r / alpha
    dropout: float  # mean chance of stopping after a repeat purchase, a / (a + b)
    mean_spend: float  # mean spend per purchase, p gamma / (q - 1)
    bgnbd_loglik: float
    gamma_gamma_loglik: float
    n_customers: int
    n_repeat: int
    correlation: float  # frequency-spend, among repeat customers (the independence check)


@dataclass(frozen=True)
class ValueReport:
    """Everything on the Customer value page except the holdout check, which the user runs."""

    as_of: date
    first_order: date
    settings: ClvSettings
    customers: int
    comparisons: dict[str, Comparison]  # community, promoters, advocates
    mean_predicted: float
    mean_historic: float
    by_segment: pd.DataFrame  # segment, group, customers, mean, q05, q25, median, q75, q95
    recency: pd.DataFrame  # a sample of repeat customers: recency_weeks, p_alive, group
    repeat_customers: int  # customers with a repeat purchase, whom `recency` samples
    fit: FitSummary


def independence_reading(correlation: float, fmt: NumberFormat) -> str:
    """The Gamma-Gamma independence check in plain words."""
    if math.isnan(correlation):
        return _("Too few repeat customers to check whether spend per purchase depends on how often people buy.")
    threshold = fmt.number(INDEPENDENCE_THRESHOLD, 1)
    if abs(correlation) < INDEPENDENCE_THRESHOLD:
        return _(
            "Spend per purchase barely moves with how often customers buy (correlation {correlation}, below "
            "{threshold}): the spend model's assumption that the two are independent holds reasonably.",
            correlation=fmt.number(correlation, 2),
            threshold=threshold,
        )
    return _(
        "Spend per purchase moves with how often customers buy (correlation {correlation}, {threshold} or more "
        "either way): the spend model assumes they are independent, so treat predicted spend with caution.",
        correlation=fmt.number(correlation, 2),
        threshold=threshold,
    )


def _fit_summary(parameters: clv.ClvParameters, settings: ClvSettings) -> FitSummary:
    bg, gg, correlation = parameters
    unit = settings.time_unit
    # The model and meaning columns are English, marked for the catalogue: parameter_table translates them.
    purchases, spend = N_("BG/NBD (purchases)"), N_("Gamma-Gamma (spend)")
    rows = [
        (purchases, "r", N_("shape of purchase rates across customers"), bg.r),
        (purchases, "alpha", RATE_SCALES.get(unit, N_("scale of purchase rates")), bg.alpha),
        (purchases, "a", N_("dropout after a purchase: Beta shape a"), bg.a),
        (purchases, "b", N_("dropout after a purchase: Beta shape b"), bg.b),
        (spend, "p", N_("shape of spend per purchase"), gg.p),
        (spend, "q", N_("shape of customers' average spend"), gg.q),
        (spend, "gamma", N_("scale of customers' average spend"), gg.gamma),
    ]
    errors = {**bg.standard_errors, **gg.standard_errors}
    parameters = pd.DataFrame(
        [
            {"model": m, "parameter": name, "meaning": meaning, "estimate": value, "standard_error": errors[name]}
            for m, name, meaning, value in rows
        ]
    )
    return FitSummary(
        parameters=parameters,
        purchases_per_year=bg.r / bg.alpha * 365.25 / clv.unit_days(unit),
        dropout=bg.a / (bg.a + bg.b),
        mean_spend=gg.p * gg.gamma / (gg.q - 1),
        bgnbd_loglik=bg.loglik,
        gamma_gamma_loglik=gg.loglik,
        n_customers=bg.n_customers,
        n_repeat=gg.n_repeat,
        correlation=correlation,
    )


def parameter_table(fit: FitSummary, fmt: NumberFormat) -> pd.DataFrame:
    """The fitted parameters as the page shows them, numbers written in the configured locale."""
    return pd.DataFrame(
        {
            _("Model"): [_(m) for m in fit.parameters["model"]],
            _("Parameter"): fit.parameters["parameter"],
            _("Meaning"): [_(m) for m in fit.parameters["meaning"]],
            _("Estimate"): [_significant(v, fmt, 4) for v in fit.parameters["estimate"]],
            _("Standard error"): [_significant(v, fmt, 3) for v in fit.parameters["standard_error"]],
        }
    )


def fit_readings(fit: FitSummary, fmt: NumberFormat, currency: str) -> list[str]:
    """The fitted parameters in words an executive can check against what they know of their customers."""
    return [
        _(
            "While active, a typical customer buys about {times} times a year (r / alpha).",
            times=fmt.number(fit.purchases_per_year, 1),
        ),
        _(
            "After each repeat purchase, {share} of customers stop buying, on average (a / (a + b)).",
            share=fmt.percent(fit.dropout * 100, 0),
        ),
        _(
            "An average purchase is worth {amount} in revenue (p x gamma / (q - 1)).",
            amount=_money(fit.mean_spend, fmt, currency),
        ),
    ]


def _by_segment(values: pd.DataFrame) -> pd.DataFrame:
    """Predicted CLV quantiles per segment and membership: a box plot of thousands of customers
    drawn from a few numbers, its whiskers at the 5th and 95th percentiles so a handful of very
    large values do not flatten the boxes."""
    frame = values.assign(
        segment=values["segment"].fillna(NOT_RECORDED),
        group=np.where(values["is_member"], MEMBERS_GROUP, OTHERS_GROUP),
    )
    grouped = frame.groupby(["segment", "group"])["clv_predicted"]
    stats = grouped.agg(customers="size", mean="mean")
    for name, q in (("q05", 0.05), ("q25", 0.25), ("median", 0.5), ("q75", 0.75), ("q95", 0.95)):
        stats[name] = grouped.quantile(q)
    return stats.reset_index()


def report(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    as_of: date | None = None,
    n_boot: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
) -> ValueReport:
    """Fit on the orders up to `as_of` (the latest order date by default, and never later) and
    compute the page's numbers.

    The fit and the community's uplift are those the KPIs read for a period ending on `as_of`
    (`predictions`), so the page's value of the community is the board's. Raises clv.ClvError
    (a LegameError) with the reason when the orders cannot support the models.
    """
    settings = ClvSettings.from_config(config)
    _latest_or_raise(con)
    cached = predictions(con, config, as_of)
    if cached.fit is None:
        # The board's words first (registry.NO_MODEL); the model's own after them, for whoever checks.
        plain = _(NOT_ENOUGH_HISTORY)
        raise clv.ClvError(
            _("{plain}. The model says: {error}", plain=plain[0].upper() + plain[1:], error=cached.error)
        )
    parameters, first_order, values, as_of = cached.fit
    comparisons = {}
    for name, split in (("community", COMMUNITY), ("promoters", PROMOTERS), ("advocates", ADVOCATES)):
        args = dict(n_boot=n_boot, seed=seed, labels=(split.a_label, split.b_label))
        shared = split is COMMUNITY and (n_boot, seed) == (BOOTSTRAP_DRAWS, BOOTSTRAP_SEED)
        comparisons[name] = Comparison(
            split,
            predicted=cached.community if shared else uplift(values, split.column, split.a, split.b, **args),
            historic=uplift(values, split.column, split.a, split.b, value_column="clv_historic", **args),
        )
    # BG/NBD lets customers drop out only after a repeat purchase, so every one-time buyer has
    # P(alive) = 1: they would draw a flat line that says nothing about recency.
    repeaters = values[values["x"] > 0]
    sample = repeaters.sample(n=min(len(repeaters), RECENCY_SAMPLE), random_state=seed)
    recency = pd.DataFrame(
        {
            "recency_weeks": sample["recency_weeks"],
            "p_alive": sample["p_alive"],
            "group": np.where(sample["is_member"], MEMBERS_GROUP, OTHERS_GROUP),
        }
    )
    return ValueReport(
        as_of=as_of,
        first_order=first_order,
        settings=settings,
        customers=len(values),
        comparisons=comparisons,
        mean_predicted=float(values["clv_predicted"].mean()),
        mean_historic=float(values["clv_historic"].mean()),
        by_segment=_by_segment(values),
        recency=recency.reset_index(drop=True),
        repeat_customers=len(repeaters),
        fit=_fit_summary(parameters, settings),
    )


def headline(report: ValueReport, fmt: NumberFormat, currency: str) -> str:
    """The value of the community in one plain sentence, or why it cannot be given."""
    community = report.comparisons["community"].predicted
    if community.difference is None:
        return _(
            "The value of the community cannot be worked out yet: {reason}.", reason=reason_words(community.reason)
        )
    total, low, high = community.times_a()
    return _(
        "{worth}: {total} in all (90% interval {low} to {high}).{overlap}",
        worth=_worth(community, report.settings, fmt, currency),
        total=_money(total, fmt, currency),
        low=_money(low, fmt, currency),
        high=_money(high, fmt, currency),
        overlap=_overlap(community),
    )


def comparison_sentence(report: ValueReport, name: str, fmt: NumberFormat, currency: str) -> str:
    """ "The 977 promoters (9-10) are worth € 4,10 more each than ..." or why it cannot be said."""
    uplift_ = report.comparisons[name].predicted
    if uplift_.difference is None:
        return _("No comparison: {reason}.", reason=reason_words(uplift_.reason))
    return _(
        "{worth} (90% interval {low} to {high}).{overlap}",
        worth=_worth(uplift_, report.settings, fmt, currency),
        low=_money(uplift_.low, fmt, currency),
        high=_money(uplift_.high, fmt, currency),
        overlap=_overlap(uplift_),
    )


def _worth(uplift_: Uplift, settings: ClvSettings, fmt: NumberFormat, currency: str) -> str:
    # "worth ... more", never "made worth": the groups differ, the data do not say why. Both groups
    # hold at least 2 customers here (uplift), so the sentence is plural.
    message = (
        N_(
            "The {n_a} {a_label} are worth {amount} more each than the {n_b} {b_label} in predicted margin over "
            "the next {horizon}"
        )
        if uplift_.difference >= 0
        else N_(
            "The {n_a} {a_label} are worth {amount} less each than the {n_b} {b_label} in predicted margin over "
            "the next {horizon}"
        )
    )
    return _(
        message,
        n_a=fmt.number(uplift_.n_a),
        a_label=_(uplift_.a_label),
        amount=_money(abs(uplift_.difference), fmt, currency),
        n_b=fmt.number(uplift_.n_b),
        b_label=_(uplift_.b_label),
        horizon=settings.horizon,
    )


def _overlap(uplift_: Uplift) -> str:
    if uplift_.low <= 0 <= uplift_.high:
        return _(" The interval includes zero: the data cannot yet tell the two groups apart.")
    return ""


def comparison_table(report: ValueReport, fmt: NumberFormat, currency: str) -> pd.DataFrame:
    """Every comparison of the page in one table (the facts view): a row per split and value."""
    horizon = _("predicted, next {horizon}", horizon=report.settings.horizon)
    rows = []
    for comparison in report.comparisons.values():
        first, second = _(comparison.split.a_label), _(comparison.split.b_label)
        for what, uplift_ in ((horizon, comparison.predicted), (_("historic, so far"), comparison.historic)):
            rows.append(
                {
                    _("Comparison"): _("{first} vs {second}", first=first[0].upper() + first[1:], second=second),
                    _("Value"): what,
                    _("Customers"): _(
                        "{first} vs {second}", first=fmt.number(uplift_.n_a), second=fmt.number(uplift_.n_b)
                    ),
                    _("Mean, first group"): _amount(uplift_.mean_a, fmt, currency),
                    _("Mean, second group"): _amount(uplift_.mean_b, fmt, currency),
                    _("Difference"): _amount(uplift_.difference, fmt, currency, signed=True),
                    _("90% interval"): ""
                    if uplift_.difference is None
                    else _(
                        "{low} to {high}",
                        low=_amount(uplift_.low, fmt, currency, True),
                        high=_amount(uplift_.high, fmt, currency, True),
                    ),
                }
            )
    return pd.DataFrame(rows)


def _amount(value: float | None, fmt: NumberFormat, currency: str, signed: bool = False) -> str:
    return format_value(value, "currency", fmt, currency, signed)


def _money(value: float, fmt: NumberFormat, currency: str, signed: bool = False) -> str:
    # A no-break space and a word joiner keep sign, symbol and amount on one line in a sentence.
    text = format_value(value, "currency", fmt, currency, signed).replace(" ", "\u00a0")
    return text[0] + "\u2060" + text[1:] if text[0] in "+−" else text


# --------------------------------------------------------------------------- holdout


def default_split(as_of: date) -> date:
    """Six months before `as_of`: the split date the holdout check starts from."""
    months_back = as_of.year * 12 + as_of.month - 1 - HOLDOUT_MONTHS
    year, month = divmod(months_back, 12)
    day = min(as_of.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def holdout(
    con: duckdb.DuckDBPyConnection, config: Config, split_date: date, end_date: date | None = None
) -> clv.HoldoutCheck:
    """Fit on the orders up to `split_date`, predict repeat purchases up to `end_date` (the latest
    order date by default) and compare with what customers actually did."""
    end_date = end_date or latest_order_date(con)
    if end_date is None:
        raise clv.ClvError(_("There are no orders yet: load a shop export to check the model."))
    return clv.holdout_check(con, split_date, end_date, ClvSettings.from_config(config).time_unit)


def holdout_table(check: clv.HoldoutCheck, fmt: NumberFormat) -> pd.DataFrame:
    """The holdout check's table as the page shows it, numbers written in the configured locale."""
    table = check.table
    return pd.DataFrame(
        {
            _("Before"): table["x"],
            _("Customers"): [fmt.number(n) for n in table["customers"]],
            _("Actual"): [fmt.number(v, 2) for v in table["actual"]],
            _("Predicted"): [fmt.number(v, 2) for v in table["predicted"]],
        }
    )


def holdout_sentence(check: clv.HoldoutCheck, split_date: date, end_date: date, fmt: NumberFormat) -> str:
    """The holdout check's mean absolute error, in words, against the purchases it was predicting."""
    table = check.table
    weights = table["customers"] / table["customers"].sum()
    actual, predicted = float((table["actual"] * weights).sum()), float((table["predicted"] * weights).sum())
    return _(
        "Fitted on orders up to {split}, the model expected each customer to make {predicted} repeat purchases on "
        "average by {end}; they made {actual}. Group by group (customers with the same number of earlier "
        "purchases), the prediction was off by {error} purchases per customer on average (mean absolute error).",
        split=fmt.date(split_date),
        predicted=fmt.number(predicted, 2),
        end=fmt.date(end_date),
        actual=fmt.number(actual, 2),
        error=fmt.number(check.mae, 2),
    )
