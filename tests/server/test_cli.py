"""The ``shop-server`` command line, run as a real process on both databases."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, func, select
from tests import serverproc as sp

from shop_server import schema


def _cli(
    workdir: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shop_server.cli", *args],
        cwd=workdir, capture_output=True, text=True, timeout=300, check=False, env=env,
    )  # fmt: skip


def _count(url: str, table: Any) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cli.db'}"
        return
    url = sp.create_pg_database("shop_cli")
    try:
        yield url
    finally:
        sp.drop_database(url)


def test_init_creates_the_database_and_admin_and_can_run_again(
    database_url: str, tmp_path: Path
) -> None:
    first = _cli(tmp_path, "init", "--database-url", database_url, "--admin", "boss",
                 "--password", "first-password")  # fmt: skip
    again = _cli(tmp_path, "init", "--database-url", database_url, "--admin", "boss",
                 "--password", "second-password")  # fmt: skip

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    assert "boss" in first.stdout
    assert _count(database_url, schema.admins) == 1


def test_init_refuses_a_short_password_in_a_sentence(tmp_path: Path) -> None:
    done = _cli(tmp_path, "init", "--database-url", f"sqlite:///{tmp_path / 'x.db'}",
                "--admin", "boss", "--password", "short")  # fmt: skip

    assert done.returncode == 2
    assert "at least 8 characters" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unreachable_database_is_one_sentence(tmp_path: Path) -> None:
    done = _cli(tmp_path, "init", "--database-url",
                "postgresql+psycopg://postgres@127.0.0.1:1/none", "--admin", "boss",
                "--password", "long-enough")  # fmt: skip

    assert done.returncode == 2
    assert done.stderr.startswith("shop-server: the database could not be used")
    assert "Traceback" not in done.stderr


def test_seed_demo_fills_an_empty_catalog_once(
    fresh_server: Callable[[str], sp.RunningServer], database_url: str
) -> None:
    server = fresh_server("postgresql" if database_url.startswith("postgresql") else "sqlite")
    branches = sp.setup_branches(server, 1, (1,))
    device = sp.enrol(server, branches.workstation_ids[0][0])
    headers = sp.device_headers(device["token"])
    before = requests.get(f"{server.url}/api/v1/hello", headers=headers, timeout=30).json()

    output = sp.seed_demo(server, products=300, branches=2)

    assert "300 products" in output
    assert _count(server.database_url, schema.products) == 300
    assert _count(server.database_url, schema.product_barcodes) == 300
    assert _count(server.database_url, schema.stock_levels) == 600
    assert _count(server.database_url, schema.staff_users) == 7
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        single = conn.execute(
            select(func.count()).select_from(schema.coupons).where(schema.coupons.c.single_use)
        ).scalar_one()
    engine.dispose()
    assert single >= 5
    # Devices enrolled before the load bootstrap again rather than miss it.
    pulled = requests.get(
        f"{server.url}/api/v1/pull",
        params={"cursor": before["cursor_head"]},
        headers=headers,
        timeout=30,
    )
    assert pulled.status_code == 410
    page = requests.get(
        f"{server.url}/api/v1/bootstrap/product", params={"limit": 1000}, headers=headers,
        timeout=30,
    ).json()  # fmt: skip
    assert len(page["rows"]) == 300
    with pytest.raises(RuntimeError, match="already has products"):
        sp.seed_demo(server, products=10)


def test_enrolment_code_command_makes_a_working_code(
    fresh_server: Callable[[str], sp.RunningServer], tmp_path: Path
) -> None:
    server = fresh_server("sqlite")
    branches = sp.setup_branches(server, 1, (1,))

    done = _cli(tmp_path, "enrolment-code", "--database-url", server.database_url,
                "--workstation-id", branches.workstation_ids[0][0])  # fmt: skip

    assert done.returncode == 0, done.stderr
    answer = requests.post(
        f"{server.url}/api/v1/enrol",
        json={"code": done.stdout.strip(), "device_name": "t", "client_version": "t"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def test_two_instances_starting_together_on_one_postgresql_both_serve(tmp_path: Path) -> None:
    url = sp.create_pg_database("shop_multi")
    ports = [sp.free_port(), sp.free_port()]
    env_base = dict(os.environ)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "shop_server.cli", "serve", "--port", str(port)],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env_base | {"SHOP_SERVER_DATABASE_URL": url}, start_new_session=True,
        )
        for port in ports
    ]  # fmt: skip
    try:
        for port in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                assert time.monotonic() < deadline, f"instance on {port} never answered"
                time.sleep(0.1)
        assert all(p.poll() is None for p in processes)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        sp.drop_database(url)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, PEM files."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_serve_over_tls_from_the_environment(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    port = sp.free_port()
    env = dict(os.environ) | {
        "SHOP_SERVER_DATABASE_URL": f"sqlite:///{tmp_path / 'tls.db'}",
        "SHOP_SERVER_PORT": str(port),
        "SHOP_SERVER_TLS_CERT": str(cert),
        "SHOP_SERVER_TLS_KEY": str(key),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "shop_server.cli"],  # "serve" is the default command
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = requests.get(
                    f"https://127.0.0.1:{port}/api/v1/health", verify=str(cert), timeout=2
                )
                break
            except requests.ConnectionError:
                assert process.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "no TLS answer in time"
                time.sleep(0.1)
        assert answer.json()["status"] == "ok"
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"https://127.0.0.1:{port}/api/v1/health", timeout=5)  # untrusted
    finally:
        process.terminate()
        process.wait(timeout=20)


# --- the administrator's day-to-day commands ---------------------------------------------


def _table(output: str) -> list[dict[str, str]]:
    """The tab-separated table a listing command prints, as rows by column name."""
    header, *lines = output.splitlines()
    columns = header.split("\t")
    return [dict(zip(columns, line.split("\t"), strict=True)) for line in lines]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_an_admin_runs_the_shop_from_the_command_line(
    fresh_server: Callable[[str], sp.RunningServer], database: str, tmp_path: Path
) -> None:
    server = fresh_server(database)

    def run(*args: str) -> str:
        done = _cli(tmp_path, args[0], "--database-url", server.database_url, *args[1:])
        assert done.returncode == 0, done.stderr
        return done.stdout

    taipei = run("add-branch", "--code", "TP", "--name-zh", "台北", "--name-en", "Taipei").strip()
    taichung = run("add-branch", "--code", "TC", "--name-zh", "台中", "--neighbour", "TP").strip()
    listed = {b["code"]: b for b in _table(run("branches"))}
    assert (listed["TP"]["id"], listed["TC"]["id"]) == (taipei, taichung)
    assert listed["TC"]["neighbours"] == taipei
    till = run("add-workstation", "--branch", "TP", "--code", "T1", "--name", "Till 1").strip()
    other = run("add-workstation", "--branch", "TC", "--code", "T1", "--name", "Till 1").strip()
    assert [w["id"] for w in _table(run("workstations", "--branch", "TC"))] == [other]
    assert {w["id"] for w in _table(run("workstations"))} == {till, other}

    code = run("enrolment-code", "--workstation", "T1", "--branch", "TP").strip()
    enrolled = requests.post(
        f"{server.url}/api/v1/enrol",
        json={"code": code, "device_name": "front till", "client_version": "t"},
        timeout=30,
    )
    assert enrolled.status_code == 200, enrolled.text
    device = enrolled.json()
    assert device["workstation"]["id"] == till
    [row] = _table(run("devices"))
    assert (row["id"], row["workstation_id"], row["state"]) == (device["device_id"], till, "active")
    products = sp.add_products(server, 1)
    pushed = sp.push(server, device, [sp.order_op(1, branch_id=taipei, workstation_id=till,
                                                  product_ids=products)])  # fmt: skip
    assert pushed.status_code == 200, pushed.text
    [flag] = _table(run("flags"))  # stock went below zero after the sale
    assert (flag["kind"], flag["device_id"]) == ("negative_stock", device["device_id"])
    assert _table(run("flags", "--after", flag["id"])) == []

    assert device["device_id"] in run("revoke", device["device_id"])
    hello = requests.get(
        f"{server.url}/api/v1/hello", headers=sp.device_headers(device["token"]), timeout=30
    )
    assert hello.status_code == 401
    assert _table(run("devices"))[0]["state"] == "revoked"


def test_admin_commands_refuse_in_one_sentence(
    fresh_server: Callable[[str], sp.RunningServer], tmp_path: Path
) -> None:
    server = fresh_server("sqlite")
    branches = sp.setup_branches(server, 2, (1, 1))
    codes = [b["code"] for b in sp.admin_get(server, "/api/v1/admin/branches")["branches"]]
    for branch in codes:
        done = _cli(tmp_path, "add-workstation", "--database-url", server.database_url,
                    "--branch", branch, "--code", "SAME", "--name", "x")  # fmt: skip
        assert done.returncode == 0, done.stderr
    refused = {
        "several branches": ("enrolment-code", "--workstation", "SAME"),
        "no workstation NOPE": ("enrolment-code", "--workstation", "NOPE"),
        "no branch XX": ("add-workstation", "--branch", "XX", "--code", "T9", "--name", "x"),
        "already exists": ("add-workstation", "--branch", codes[0], "--code", "SAME",
                           "--name", "x"),
        "device does not exist": ("revoke", "not-a-device"),
        "--code is not valid": ("add-branch", "--code", "", "--name-zh", "x"),
    }  # fmt: skip
    for sentence, (command, *args) in refused.items():
        done = _cli(tmp_path, command, "--database-url", server.database_url, *args)
        assert done.returncode == 2, (command, done.stdout)
        assert sentence in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert len(branches.branch_ids) == 2
