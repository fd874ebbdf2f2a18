"""How long until a fresh process shows its first page of products.

``python -m shop_desktop.ui.startup_probe --db PATH`` opens the database,
builds the catalog browser for this workstation (no login), waits until the
first page of rows is on screen, prints one JSON line and exits. Run by
:func:`shop_desktop.bench.catalog.measure_startup`, which sets the offscreen
platform.
"""

from __future__ import annotations

import time

# Taken before the heavy imports below, for when /proc cannot tell us.
_IMPORTED_AT = time.time()

import argparse  # noqa: E402 - after the clock on purpose
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def process_started_at() -> float:
    """When this process started (seconds since the epoch), from /proc if possible."""
    try:
        stat = Path("/proc/self/stat").read_text()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        # Field 22 (starttime, in clock ticks since boot) comes after the
        # command name, which is in parentheses and may itself hold spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[19])
        since_boot = ticks / os.sysconf("SC_CLK_TCK")
        return time.time() - uptime + since_boot
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


def peak_rss_mb() -> float:
    """This process's own peak resident memory, in MB.

    ``getrusage`` is no good here: Linux carries the high-water mark across
    ``exec``, so a probe started by a big benchmark process would report
    the benchmark's peak. ``VmHWM`` belongs to this process's memory alone.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=60.0)
    options = parser.parse_args(argv)

    from PySide6.QtCore import QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from shop_desktop.data.db import open_database
    from shop_desktop.services.auth import this_workstation
    from shop_desktop.ui.catalog.browser import CatalogBrowser

    app = QApplication(sys.argv[:1])
    database = open_database(options.db)
    # One short read on the GUI thread before any window exists: the probe
    # has nothing to show until it knows where it is.
    with database.session() as session:
        here = this_workstation(session)
    browser = CatalogBrowser(database, branch_id=here.branch_id, currency_code=here.currency_code)
    browser.resize(1200, 760)
    browser.show()
    outcome: dict[str, int] = {}

    def shown() -> None:
        if "code" in outcome or (browser.model.rowCount() == 0 and browser.model.loading):
            return
        app.processEvents()  # let the view paint the rows it was given
        outcome["code"] = 0
        app.quit()

    def too_slow() -> None:
        if "code" not in outcome:
            outcome["code"] = 1
            app.quit()

    browser.model.page_loaded.connect(shown)
    browser.model.load_failed.connect(lambda _text: too_slow())
    QTimer.singleShot(round(options.timeout * 1000), too_slow)
    browser.refresh()
    app.exec()
    if outcome.get("code") != 0:
        print("the first page of products did not arrive", file=sys.stderr)
        return 1
    seconds = time.time() - process_started_at()
    print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1)}))
    sys.stdout.flush()
    # Let the categories and brands read finish before the engine goes.
    QThreadPool.globalInstance().waitForDone()
    browser.close()
    database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
