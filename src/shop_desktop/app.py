"""The ``shop-desktop`` command: parse the options, check the system, start the UI.

``--help`` and ``--version`` answer without loading Qt, so they work on a
machine without a display or Qt's system libraries. Exit codes: 0 normal,
1 unexpected failure, 2 the database cannot be used, 3 Qt cannot start.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from shop_desktop import system_check

EXIT_OK = 0
EXIT_DATABASE_UNUSABLE = 2
EXIT_NO_QT = 3

DEFAULT_DEMO_PRODUCTS = 5000


@dataclass(frozen=True)
class LaunchOptions:
    """What the command line asked for; None means "use the settings or default"."""

    db: Path | None = None
    data_dir: Path | None = None
    language: str | None = None
    demo_products: int = DEFAULT_DEMO_PRODUCTS
    # Not on the command line: tests use smaller demo shops.
    demo_members: int = 500
    demo_days: int = 30
    #: Build a missing or outdated search index as soon as the database is open.
    #: Tests that look at the till before the index is there start it themselves
    #: (``ShopDesktop.build_search_index``).
    build_search_index: bool = True


def version() -> str:
    try:
        return metadata.version("shop-desktop")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shop-desktop",
        description=(
            "Shop Desktop: the point-of-sale client for the shop's counters. "
            "On first start, with no database configured, it builds a demo shop "
            "in the user data folder so you can try it straight away."
        ),
        epilog=(
            "Demo log-ins: cashier/cashier, supervisor/supervisor, manager/manager, "
            "admin/admin. Exit codes: 0 normal, 2 the database cannot be used, "
            "3 no display or Qt libraries."
        ),
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=Path,
        help="the workstation database file (default: the one in settings, "
        "else shop.db in the data folder)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        help="folder for settings, logs and the default database "
        "(default: the user's application data folder)",
    )
    parser.add_argument(
        "--lang",
        choices=("zh_TW", "en"),
        help="language of the screens for this run (default: the saved choice, else zh_TW)",
    )
    parser.add_argument(
        "--demo-products",
        metavar="N",
        type=_positive,
        default=DEFAULT_DEMO_PRODUCTS,
        help="number of products in the demo shop built on first start (default: %(default)s)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    return parser


def parse_options(argv: list[str] | None = None) -> LaunchOptions:
    args = build_parser().parse_args(argv)
    return LaunchOptions(
        db=args.db,
        data_dir=args.data_dir,
        language=args.lang,
        demo_products=args.demo_products,
    )


def main(argv: list[str] | None = None) -> int:
    try:
        options = parse_options(argv)
    except SystemExit as stop:  # --help, --version and usage errors end here
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)

    problem = system_check.qt_problem() or system_check.display_problem()
    if problem is not None:
        print(f"shop-desktop: {problem}", file=sys.stderr)
        return EXIT_NO_QT

    from shop_desktop.ui.application import run

    return run(options)


if __name__ == "__main__":
    sys.exit(main())
