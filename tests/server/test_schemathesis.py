"""schemathesis against the live server process: no input makes it answer 5xx.

Runs the installed schemathesis CLI (4.x) on the server's own
``/openapi.json``, once as an enrolled device and once as the admin, on a
fresh database of each kind (fuzzing the admin API creates odd branches and
catalog rows that other tests should not meet). The number of examples is
bounded so each run stays well under a minute.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tests import serverproc as sp

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def _run(server: sp.RunningServer, workdir: Path, *auth: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(SCHEMATHESIS), "run", f"{server.url}/openapi.json",
            "--checks", "not_a_server_error", "--max-examples", "25",
            "--generation-database", "none", "--no-color", "--request-timeout", "30",
            *auth,
        ],
        cwd=workdir, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_no_generated_request_gets_a_server_error(
    fresh_server: Callable[[str], sp.RunningServer], database: str, tmp_path: Path
) -> None:
    server = fresh_server(database)
    branches = sp.setup_branches(server, 2, (1, 1))
    sp.add_products(server, 3, stock=dict.fromkeys(branches.branch_ids, 1000))
    device = sp.enrol(server, branches.workstation_ids[0][0])

    as_device = _run(server, tmp_path, "-H", f"Authorization: Bearer {device['token']}")
    as_admin = _run(
        server, tmp_path, "-a", f"{server.admin[0]}:{server.admin[1]}",
        "--include-path-regex", "^/api/v1/admin/",
    )  # fmt: skip

    for done in (as_device, as_admin):
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:] + server.log_tail()
        assert "passed" in done.stdout
    assert server.process.poll() is None
