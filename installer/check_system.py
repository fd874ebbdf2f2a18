"""Tell the user which system packages Qt needs when it cannot load.

``make run`` and ``make test`` call this with the project's Python before
starting Qt, so a missing shared library becomes an apt-get line instead of
a loader traceback.
"""

import sys

from shop_desktop.system_check import qt_problem


def main() -> int:
    problem = qt_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
