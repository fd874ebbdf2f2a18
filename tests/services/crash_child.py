"""The checkout crash harness's child, started as ``sys.executable crash_child.py DB``.

A zygote (``tests/phase_kill.py``): it imports the checkout code once, then
forks one worker per ``RUN`` line; each worker commits sales on the database,
announcing every phase, until the harness kills it at the phase it chose.
See ``checkout_crash.py``.
"""

from __future__ import annotations

import sys

from tests.services.checkout_crash import child_main

if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
