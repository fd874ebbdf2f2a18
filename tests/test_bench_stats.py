"""The one way every benchmark summarises its timings (``shop_desktop.bench.stats``)."""

from __future__ import annotations

import pytest

from shop_desktop.bench.stats import median, percentile, summary


def test_percentile_is_the_nearest_rank_of_the_sorted_values() -> None:
    values = [float(v) for v in (9, 1, 8, 2, 7, 3, 6, 4, 5, 10)]
    assert percentile(values, 0.0) == 1.0
    assert percentile(values, 1.0) == 10.0
    # 0.95 * 9 = 8.55 rounds to index 9 of the sorted values.
    assert percentile(values, 0.95) == 10.0
    assert percentile(values, 0.5) == 5.0  # 0.5 * 9 = 4.5 rounds to even: index 4
    assert median(values) == 5.5


def test_summary_is_in_milliseconds_and_counts() -> None:
    seconds = [0.001, 0.002, 0.003, 0.004, 0.100]
    assert summary(seconds) == {"p50_ms": 3.0, "p95_ms": 100.0, "max_ms": 100.0, "n": 5}
    assert summary([0.00123456], places=1) == {
        "p50_ms": 1.2,
        "p95_ms": 1.2,
        "max_ms": 1.2,
        "n": 1,
    }


def test_no_timings_summarise_as_zeros_but_have_no_percentile() -> None:
    assert summary([]) == {"p50_ms": 0.0, "p95_ms": 0.0, "max_ms": 0.0, "n": 0}
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="no values"):
        median([])
