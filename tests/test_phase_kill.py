"""The phase-kill helper kills a child exactly at the phase the parent chose (``phase_kill.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.phase_kill import Zygote

CHILD = """
import sys
from tests.phase_kill import PhaseGate, say, serve_forks

def work(words):
    gate = PhaseGate()
    gate.label = words[1]
    for n in range(int(words[0])):
        gate.phase(f"step {n}")
        say("DID", n)
    say("DONE")

sys.exit(serve_forks(work))
"""


def test_the_worker_dies_at_the_chosen_phase_and_the_next_one_runs_whole(tmp_path: Path) -> None:
    child = Zygote([sys.executable, "-c", CHILD], tmp_path / "child.log")
    try:
        killed = child.run("RUN 5 count", lambda _n, words: words == "count step 2")
        whole = child.run("RUN 2 again", lambda _n, _words: False)
    finally:
        child.close()
    assert killed.killed
    assert killed.killed_at == (3, "count step 2")
    assert killed.phases == [(1, "count step 0"), (2, "count step 1"), (3, "count step 2")]
    assert killed.lines == ["DID 0", "DID 1"]
    assert not whole.killed
    assert whole.killed_at is None
    assert whole.status == 0
    assert whole.lines == ["DID 0", "DID 1", "DONE"]
    assert child.process.returncode == 0
