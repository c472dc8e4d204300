"""Predicted customer lifetime value: BG/NBD purchase counts and Gamma-Gamma spend.

Both models are fitted by maximum likelihood with numpy: Newton's method on the analytic
gradient and Hessian, from a start found on a sample of the data. Customers who share a
history (x, t_x, T) add identical terms to the likelihood, so the fit works on the
distinct histories with a weight each: on real data (days as the finest grain) that is a
small fraction of the customers. pandas and scipy are imported only by what needs them
(per-customer tables, predictions, the fallback optimiser), so `python -m legame clv fit`
fits both models without loading either.

One module per job: `summary` reads customers' histories from the orders, `bgnbd` and
`gamma_gamma` are the two models, `optimiser` maximises their likelihoods, `fit` fits both
and predicts CLV per customer, `holdout` checks the purchase model on the past, `simulate`
draws customers from known parameters, `cache` keeps fits for every reader in the process.
The names below are the package's interface.

References
----------
FHL 2005
    Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an
    alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284.
FHL 2008
    Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model",
    research note (brucehardie.com/notes/021).
FH 2013
    Fader & Hardie (2013), "The Gamma-Gamma model of monetary value", research
    note (brucehardie.com/notes/025).
A&S
    Abramowitz & Stegun (1964), Handbook of Mathematical Functions.
"""

from legame.clv.bgnbd import BetaGeoModel, BetaGeoParams
from legame.clv.cache import FitCache, FitKey
from legame.clv.errors import ClvError, NotFittedError
from legame.clv.fit import ClvFit, ClvParameters, customer_values, fit_clv, fit_parameters, predicted_clv
from legame.clv.gamma_gamma import GammaGammaModel, GammaGammaParams, frequency_monetary_correlation
from legame.clv.holdout import HoldoutCheck, holdout_check
from legame.clv.simulate import simulate_customers
from legame.clv.summary import DAYS_PER_MONTH, SUMMARY_SQL, TIME_UNIT_DAYS, customer_summary, unit_days

__all__ = [
    "DAYS_PER_MONTH",
    "SUMMARY_SQL",
    "TIME_UNIT_DAYS",
    "BetaGeoModel",
    "BetaGeoParams",
    "ClvError",
    "ClvFit",
    "ClvParameters",
    "FitCache",
    "FitKey",
    "GammaGammaModel",
    "GammaGammaParams",
    "HoldoutCheck",
    "NotFittedError",
    "customer_summary",
    "customer_values",
    "fit_clv",
    "fit_parameters",
    "frequency_monetary_correlation",
    "holdout_check",
    "predicted_clv",
    "simulate_customers",
    "unit_days",
]
