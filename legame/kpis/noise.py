"""Honest deltas: is a change bigger than the variation the data would show by chance?

A KPI declares what kind of number it is; the delta between two periods gets a
90% interval, and a delta whose interval includes zero, or whose base is small,
is "within normal variation": never coloured as a win or a loss.
- proportions (active members / members): Newcombe's hybrid score interval,
  built from each period's Wilson interval (Newcombe 1998, method 10);
- rates of events over an exposure (comments per post): Poisson, normal approximation;
- counts of events or people in the period (UGC posts, advocates, voices for the brand): two Poisson
  counts a and b, the change a - b against z * sqrt(a + b) (the rate's formula over an exposure of one
  period); a count is its own base, so a count below `min_base` in either period is a small base;
- a cost per counted thing (spend per new customer): the spend is known and the count Poisson, so the
  value's spread is value / sqrt(count) (the delta method);
- NPS: the variance of a difference of two shares of one multinomial,
  (p + d - (p - d)^2) / n per period;
- model estimates with their own interval (the community's uplift, bootstrapped):
  a normal difference of the two periods' estimates, each spread read off its interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from legame.fmt import NumberFormat
from legame.i18n import _

Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Sample:
    """What a KPI value was computed from, as much as the noise test needs."""

    kind: str  # proportion | rate | count | per_count | nps | estimate
    count: float  # successes, events, the count itself, the amount spent, promoters, or the estimate
    base: float  # trials, exposure, the count itself, the things counted, answers, or the group size
    other: float = 0.0  # detractors for NPS; the standard error for an estimate
    scale: float = 1.0  # 100 when the KPI is shown in percent or NPS points


def estimate(value: float | None, low: float | None, high: float | None, base: float) -> Sample | None:
    """A model estimate with its 90% interval, as a Sample whose spread is read off that interval."""
    if value is None or low is None or high is None:
        return None
    return Sample("estimate", value, base, other=(high - low) / 2 / Z90)


def wilson(k: float, n: float, z: float = Z90) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def delta_interval(now: Sample, before: Sample, z: float = Z90) -> tuple[float, float] | None:
    """90% interval of (now - before) in the KPI's own unit, or None when a period has no base (two counts:
    when both are zero)."""
    kind = now.kind
    if kind == "count":  # the rate's formula over an exposure of one period; a count of zero is still a count
        if now.count + before.count <= 0:
            return None
        d, half = now.count - before.count, z * math.sqrt(now.count + before.count)
        return (d - half) * now.scale, (d + half) * now.scale
    if now.base <= 0 or before.base <= 0:
        return None
    if kind == "proportion" and (now.count > now.base or before.count > before.base):
        # More "successes" than trials (e.g. customers from untracked clicks): not a share, treat as a rate.
        kind = "rate"
    if kind == "proportion":
        p1, p2 = now.count / now.base, before.count / before.base
        l1, u1 = wilson(now.count, now.base, z)
        l2, u2 = wilson(before.count, before.base, z)
        d = p1 - p2
        lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    elif kind == "rate":
        r1, r2 = now.count / now.base, before.count / before.base
        d = r1 - r2
        half = z * math.sqrt(now.count / now.base**2 + before.count / before.base**2)
        lo, hi = d - half, d + half
    elif kind == "per_count":
        v1, v2 = now.count / now.base, before.count / before.base
        half = z * math.sqrt(v1**2 / now.base + v2**2 / before.base)
        lo, hi = v1 - v2 - half, v1 - v2 + half
    elif kind == "nps":

        def share_var(s: Sample) -> tuple[float, float]:
            p, q = s.count / s.base, s.other / s.base
            return p - q, (p + q - (p - q) ** 2) / s.base

        (v1, var1), (v2, var2) = share_var(now), share_var(before)
        half = z * math.sqrt(var1 + var2)
        lo, hi = v1 - v2 - half, v1 - v2 + half
    elif kind == "estimate":
        half = z * math.sqrt(now.other**2 + before.other**2)
        lo, hi = now.count - before.count - half, now.count - before.count + half
    else:
        raise ValueError(f"no noise model for a sample of kind {kind!r}")
    return lo * now.scale, hi * now.scale


def within_noise(
    now: Sample | None, before: Sample | None, min_base: float, fmt: NumberFormat | None = None
) -> str | None:
    """The reason a delta is within normal variation, in the reader's language and numbers (`fmt`),
    or None when it is a real change."""
    if now is None or before is None:
        return None
    fmt = fmt or NumberFormat("en_GB")
    smaller = min(now.base, before.base)
    if smaller < min_base:
        return _("the base is small ({base} < {minimum})", base=fmt.number(smaller), minimum=fmt.number(min_base))
    interval = delta_interval(now, before)
    if interval is not None and interval[0] <= 0 <= interval[1]:
        return _("the 90% interval of the change includes zero")
    return None


def signal(now: Sample | None, before: Sample | None) -> float | None:
    """The change in units of its normal variation (a z-score): how surprising the movement is.

    None when the KPI has no model of its variation or a period has no base.
    """
    if now is None or before is None:
        return None
    interval = delta_interval(now, before)
    if interval is None:
        return None
    low, high = interval
    spread = (high - low) / 2 / Z90
    return (low + high) / 2 / spread if spread > 0 else None
