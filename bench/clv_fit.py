"""Benchmark legame.clv against lifetimes: the BG/NBD fit, the whole CLI job, a warehouse fit.

Runs in its own environment, so lifetimes stays out of the app's requirements:

    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -r bench/requirements.txt
    .venv-bench/bin/python bench/clv_fit.py

Nothing from the repo is installed: its root is put on sys.path below, and the CLI is
run as `python -m legame` from the repo root. Prints three tables:

1. The whole job on 690,000 transactions (the CDNOW sample 100 times over, new
   customer ids): `python -m legame clv fit --csv` vs a lifetimes script doing the
   same (pandas read_csv, summary_data_from_transaction_data, BG/NBD and
   Gamma-Gamma fits), each as a fresh process, best of 3 (goal: >= 4x).
2. BG/NBD fit time on 10^4, 10^5, 10^6 simulated customers (seeded, CDNOW-like
   parameters, purchases on whole days, weekly unit), ours (best of 3) vs
   lifetimes' BetaGeoFitter.fit on the same data in the same process, how far apart
   the two sets of estimates are, and how far each is from the exact maximum of the
   likelihood (goal: ours >= 100x faster from 10^5 on).
3. Both models fitted on 10^6 customers' orders from a DuckDB warehouse file,
   summary SQL included, best of 3, wall and CPU time (goal: < 1 s wall).

Timings are wall-clock on whatever else the machine is doing: run it on a quiet one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from legame import clv  # noqa: E402  (needs the sys.path line above)
from legame.clv import bgnbd  # noqa: E402

CDNOW = ROOT / "tests" / "fixtures" / "cdnow_sample.csv"
CDNOW_LIKE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
CALIBRATION_DAYS = 272  # 1997-01-01 to 1997-09-30
FIRST_PURCHASE_DAYS = 84  # first purchases spread over the first 12 weeks, as in CDNOW
PARAMS = ("r", "alpha", "a", "b")

LIFETIMES_JOB = """
import json, sys
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data

orders = pd.read_csv(sys.argv[1], parse_dates=["date"])
summary = summary_data_from_transaction_data(
    orders, "customer_id", "date", monetary_value_col="amount",
    observation_period_end="1997-09-30", freq="D",
)
weeks = summary[["recency", "T"]] / 7  # days / 7, as legame's weekly unit
bgnbd = BetaGeoFitter().fit(summary["frequency"], weeks["recency"], weeks["T"])
repeat = summary[summary["frequency"] > 0]
spend = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
print(json.dumps({"bgnbd": bgnbd.params_.to_dict(), "gamma_gamma": spend.params_.to_dict()}))
"""


def simulated_summary(n: int, seed: int) -> pd.DataFrame:
    """CDNOW-like customers whose purchases fall on whole days, in weeks."""
    first_day = np.random.default_rng(seed).integers(0, FIRST_PURCHASE_DAYS, n)
    T_days = CALIBRATION_DAYS - first_day
    data = clv.simulate_customers(T_days / 7, seed=seed + 1, **CDNOW_LIKE)
    data["t_x"] = np.floor(data["t_x"] * 7) / 7
    data["first_day"] = first_day
    return data


def best_of(repeats: int, job: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def cpu_time(job: Callable[[], object]) -> float:
    """CPU seconds of the process (every thread) spent in `job`."""
    start = time.process_time()
    job()
    return time.process_time() - start


def fit_ours(data: pd.DataFrame) -> dict[str, float]:
    params = clv.BetaGeoModel(data).fit().params
    return {name: getattr(params, name) for name in PARAMS}


def fit_lifetimes(data: pd.DataFrame) -> dict[str, float]:
    from lifetimes import BetaGeoFitter

    return BetaGeoFitter().fit(data["x"], data["t_x"], data["T"]).params_.to_dict()


def distance_from_maximum(data: pd.DataFrame, params: dict[str, float]) -> float:
    """How far estimates are from the exact maximum likelihood: the largest relative change
    one Newton step from them makes (legame.clv's analytic gradient and Hessian)."""
    histories = bgnbd.Histories(*(data[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))
    _, gradient, hessian = bgnbd.objective(np.log([params[n] for n in PARAMS]), histories)
    return float(np.max(np.abs(np.expm1(np.linalg.solve(hessian, -gradient)))))


def max_relative_difference(ours: dict[str, float], theirs: dict[str, float], names: tuple[str, ...]) -> float:
    return max(abs(ours[n] - theirs[n]) / abs(theirs[n]) for n in names)


def bench_fits(sizes: list[int], lifetimes_budget: float) -> None:
    print("\n2. BG/NBD fit, simulated CDNOW-like customers (weekly unit, whole days)")
    print(
        f"{'customers':>10} {'distinct':>9} {'ours':>9} {'lifetimes':>10} {'ratio':>7} {'max rel diff':>13}"
        f"  {'from the maximum: ours':>22} {'lifetimes':>9}"
    )
    seconds_per_customer = 0.0
    for n in sizes:
        data = simulated_summary(n, seed=n)
        distinct = len(data.drop_duplicates(["x", "t_x", "T"]))
        ours_s, ours = best_of(3, lambda d=data: fit_ours(d))
        predicted = seconds_per_customer * n
        if predicted > lifetimes_budget:
            print(
                f"{n:>10,} {distinct:>9,} {ours_s * 1000:>7.0f}ms {'skipped':>10} {'':>7} {'':>13}"
                f"  (lifetimes would take ~{predicted:.0f} s, over the {lifetimes_budget:.0f} s budget)"
            )
            continue
        theirs_s, theirs = best_of(1 if predicted > 5 else 3, lambda d=data: fit_lifetimes(d))
        seconds_per_customer = theirs_s / n
        diff = max_relative_difference(ours, theirs, PARAMS)
        print(
            f"{n:>10,} {distinct:>9,} {ours_s * 1000:>7.0f}ms {theirs_s:>9.2f}s "
            f"{theirs_s / ours_s:>6.0f}x {diff:>13.1e}"
            f"  {distance_from_maximum(data, ours):>22.1e} {distance_from_maximum(data, theirs):>9.1e}"
        )


def write_repeated_cdnow(path: Path, copies: int) -> int:
    cdnow = pd.read_csv(CDNOW)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(cdnow.columns)
        for copy in range(copies):
            shifted = cdnow.assign(customer_id=cdnow["customer_id"] + copy * 10_000)
            writer.writerows(shifted.itertuples(index=False))
    return len(cdnow) * copies


def run_json(argv: list[str]) -> dict:
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def bench_cli(folder: Path) -> None:
    orders = folder / "cdnow_x100.csv"
    rows = write_repeated_cdnow(orders, 100)
    ours_argv = [
        *(sys.executable, "-m", "legame", "clv", "fit", "--csv", str(orders)),
        *("--customer-col", "customer_id", "--date-col", "date", "--amount-col", "amount"),
        *("--calibration-end", "1997-09-30", "--time-unit", "week", "--json"),
    ]
    theirs_argv = [sys.executable, "-c", LIFETIMES_JOB, str(orders)]
    ours_s, ours = best_of(3, lambda: run_json(ours_argv))
    theirs_s, theirs = best_of(3, lambda: run_json(theirs_argv))
    theirs["gamma_gamma"]["gamma"] = theirs["gamma_gamma"].pop("v")
    bg_diff = max_relative_difference(ours["bgnbd"], theirs["bgnbd"], PARAMS)
    gg_diff = max_relative_difference(ours["gamma_gamma"], theirs["gamma_gamma"], ("p", "q", "gamma"))
    print(f"1. Whole job on {rows:,} transactions ({ours['bgnbd']['n_customers']:,} customers), fresh processes")
    print(f"   python -m legame clv fit --csv : {ours_s:6.2f} s")
    print(f"   lifetimes script               : {theirs_s:6.2f} s")
    print(f"   ratio {theirs_s / ours_s:.1f}x; max rel diff BG/NBD {bg_diff:.1e}, Gamma-Gamma {gg_diff:.1e}")
    print(f"   ours: {json.dumps({k: round(v, 4) for k, v in ours['bgnbd'].items() if k in PARAMS})}")


def warehouse_orders(n: int, seed: int) -> pd.DataFrame:
    """Orders of n simulated customers: the first purchase, the last at t_x, the other
    repeat purchases on random days in between (same-day ones merge in the summary)."""
    data = simulated_summary(n, seed)
    rng = np.random.default_rng(seed + 2)
    x = data["x"].to_numpy()
    first = data["first_day"].to_numpy()
    last = first + np.round(data["t_x"].to_numpy() * 7).astype(int)
    customer = np.concatenate([np.arange(n), np.flatnonzero(x > 0), np.repeat(np.arange(n), np.maximum(x - 1, 0))])
    day = np.concatenate([first, last[x > 0], np.zeros(int(np.maximum(x - 1, 0).sum()), dtype=int)])
    between = slice(n + int((x > 0).sum()), None)
    owners = customer[between]
    day[between] = first[owners] + np.floor(rng.random(owners.size) * (last[owners] - first[owners] + 1)).astype(int)
    spend_scale = 1 / rng.gamma(CDNOW_LIKE["q"], 1 / CDNOW_LIKE["gamma"], n)  # 1 / nu per customer
    revenue = rng.gamma(CDNOW_LIKE["p"], spend_scale[customer])
    return pd.DataFrame(
        {
            "customer": customer,
            "ordered_at": np.datetime64("1997-01-01T10:00") + day.astype("timedelta64[D]"),
            "revenue": revenue.round(2),
        }
    )


def bench_warehouse(folder: Path, n: int) -> None:
    path = folder / "warehouse.duckdb"
    orders = warehouse_orders(n, seed=11)
    with duckdb.connect(str(path)) as con:
        con.register("generated", orders)
        con.execute(
            "create table orders as select row_number() over ()::varchar as order_id, "
            "'c' || customer as person_id, ordered_at::timestamp as ordered_at, revenue, "
            "null::varchar as channel, null::varchar as campaign, false as is_refund from generated"
        )
    with duckdb.connect(str(path)) as con:
        total_s, fitted = best_of(3, lambda: clv.fit_clv(con, "1997-09-30", "week"))
        # CPU time too: on a machine shared with other work, wall time says little on its own.
        total_cpu, _ = best_of(3, lambda: cpu_time(lambda: clv.fit_clv(con, "1997-09-30", "week")))
        summary_s, summary = best_of(3, lambda: clv.customer_summary(con, "1997-09-30", "week"))
    bgnbd_s, _ = best_of(3, lambda: clv.BetaGeoModel(summary).fit())
    spend_s, _ = best_of(3, lambda: clv.GammaGammaModel(summary).fit())
    params = fitted.purchases.params
    print(f"\n3. Warehouse fit: {len(orders):,} orders of {params.n_customers:,} customers in a DuckDB file")
    print(f"   summary SQL {summary_s:.2f} s + BG/NBD {bgnbd_s:.2f} s + Gamma-Gamma {spend_s:.2f} s")
    cores = os.cpu_count()
    print(f"   clv.fit_clv end to end: {total_s:.2f} s wall, {total_cpu:.2f} s CPU on {cores} cores (goal < 1 s)")
    print(f"   r {params.r:.3f}  alpha {params.alpha:.3f}  a {params.a:.3f}  b {params.b:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lifetimes-budget",
        type=float,
        default=120.0,
        help="skip a lifetimes fit expected to take longer than this many seconds",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench_cli(Path(folder))
        bench_fits([10**4, 10**5, 10**6], args.lifetimes_budget)
        bench_warehouse(Path(folder), 10**6)


if __name__ == "__main__":
    main()
