"""How every benchmark summarises its timings: median, 95th percentile, worst, count.

One definition, so that a p95 printed by ``bench catalog`` means the same as
one printed by ``bench sync`` or ``bench invoice``.
"""

from __future__ import annotations

import resource
import statistics
from collections.abc import Sequence

__all__ = ["median", "peak_rss_mb", "percentile", "summary"]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value at ``fraction`` (0 to 1) of the sorted values, nearest rank."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("median of no values")
    return statistics.median(values)


def summary(seconds: Sequence[float], *, places: int = 3) -> dict[str, float]:
    """Timings in seconds as ``p50_ms``, ``p95_ms``, ``max_ms`` and ``n``; zeros when empty."""
    if not seconds:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0, "n": 0}
    return {
        "p50_ms": round(median(seconds) * 1000, places),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, places),
        "max_ms": round(max(seconds) * 1000, places),
        "n": len(seconds),
    }


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
