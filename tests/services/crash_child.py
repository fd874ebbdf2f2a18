"""The crash test's child process, started with ``sys.executable crash_child.py DB``.

It is the zygote of ``shop_desktop.benchmarks_checkout``: it imports the
checkout code once, then forks one worker per run on the database; each
worker commits sales until the test kills it. See that module's docstring.
"""

from __future__ import annotations

import sys

from shop_desktop.benchmarks_checkout import child_main

if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
