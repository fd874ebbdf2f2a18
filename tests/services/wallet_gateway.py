"""Alipay and WeChat Pay gateways simulated on loopback, for tests.

Each gateway is a threaded ``http.server`` on 127.0.0.1 (port 0) that checks
request signatures as the provider documents and signs its responses as the
provider does, so the real SDK code in ``shop_desktop.services.wallets``
verifies them, and a wrong key on either side fails:

* Alipay: the request's parameters except ``sign``, without empty values,
  sorted, ``k=v`` joined by ``&``, SHA256withRSA with the app's public key;
  the response's ``*_response`` object is signed, as sent, with Alipay's key.
  Refusals of the request itself (``40002 isv.invalid-signature``) are not
  signed.
* WeChat Pay API v3: ``Authorization: WECHATPAY2-SHA256-RSA2048 ...`` over
  ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` with the merchant's key;
  responses carry ``Wechatpay-Timestamp/-Nonce/-Serial/-Signature`` over
  ``TIMESTAMP\\nNONCE\\nBODY\\n`` with the WeChat Pay public-key pair.  A
  request that fails the check gets an unsigned ``401 SIGN_ERROR``.

What a payment code does is chosen by its last digit (see
``BEHAVIOUR_BY_LAST_DIGIT``), or per code with :meth:`SimulatedGateway.script`.
Every request is recorded (``gateway.requests``, ``gateway.calls("pay")``) and
every trade kept (``gateway.trade(out_trade_no)``) with whether it was reversed.

Using it outside ``tests/services`` (tests run with ``--import-mode=importlib``
and no ``__init__.py``): load this file by path once, under the module name
``wallet_gateway``, as ``tests/services/conftest.py`` does::

    spec = importlib.util.spec_from_file_location(
        "wallet_gateway", Path(__file__).parents[1] / "services" / "wallet_gateway.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["wallet_gateway"] = module
    spec.loader.exec_module(module)

then ``module.WalletKeys.generate()`` (slow: once per session),
``module.AlipayGateway(keys).start()`` (or ``with``; ``reset()`` between
tests), ``gateway.settings()`` for ``make_provider`` and ``TEST_TIMING`` (or
``SHORT_WAIT_TIMING`` for a customer who never confirms) as its timing.
``MemorySecrets`` is a SecretStore for ``load_wallet_settings``.  For mypy,
import the names under ``TYPE_CHECKING`` from ``tests.services.wallet_gateway``
(``tests/services/test_wallets.py`` shows how).
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from shop_desktop.services.wallets import AlipaySettings, WalletTiming, WechatSettings

#: Polling fast enough for tests; the wait is long enough never to cut a test's customer short.
TEST_TIMING = WalletTiming(
    poll_interval=0.01,
    wait_timeout=10.0,
    connect_timeout=2.0,
    read_timeout=5.0,
    query_attempts=2,
    reverse_attempts=3,
)
#: For a customer who never confirms: the till gives up after a fraction of a second.
SHORT_WAIT_TIMING = replace(TEST_TIMING, wait_timeout=0.1)

FOREVER = -1
_BEIJING = timezone(timedelta(hours=8))


# --- keys ---------------------------------------------------------------------


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def _sign(key: rsa.RSAPrivateKey, message: str) -> str:
    signature = key.sign(message.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def _verify(key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        key.verify(
            base64.b64decode(signature, validate=True),
            message.encode("utf-8"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class WalletKeys:
    """RSA-2048 key pairs for both sides of both gateways, plus one nobody trusts."""

    alipay_app: rsa.RSAPrivateKey  # the shop's app key (signs requests)
    alipay_platform: rsa.RSAPrivateKey  # Alipay's key (signs responses)
    wechat_merchant: rsa.RSAPrivateKey  # the merchant API certificate's key
    wechat_platform: rsa.RSAPrivateKey  # the "WeChat Pay public key" pair
    stranger: rsa.RSAPrivateKey  # a wrong key, for tests that must fail

    @classmethod
    def generate(cls) -> WalletKeys:
        """Five fresh key pairs; slow, so once per test session."""

        def new() -> rsa.RSAPrivateKey:
            return rsa.generate_private_key(public_exponent=65537, key_size=2048)

        return cls(new(), new(), new(), new(), new())


# --- what a payment code does -------------------------------------------------


class Fault(Enum):
    """How an answer goes wrong on the way back; the trade itself still happens."""

    DROP = "drop"  # the connection closes without an answer
    HTTP_500 = "http_500"  # an HTML error page
    GARBAGE = "garbage"  # 200 with a body that is not the API's JSON
    TRUNCATED = "truncated"  # the body stops half-way
    BAD_SIGNATURE = "bad_signature"  # a forged "paid" under a signature of other text


@dataclass(frozen=True)
class Behaviour:
    #: Queries answered "customer still paying" before the payment succeeds; FOREVER never does.
    paying_queries: int = 0
    #: The provider's decline code, or None for a customer who pays.
    decline: str | None = None
    #: What goes wrong with the answer to the pay call (and, if fault_on_queries, to queries).
    fault: Fault | None = None
    fault_on_queries: bool = True
    #: Cancel/reverse calls answered "system error, try again" first; FOREVER never succeeds.
    reverse_failures: int = 0


#: Behaviour chosen by a payment code's last digit when it has no script.
BEHAVIOUR_BY_LAST_DIGIT: dict[str, Behaviour] = {
    "0": Behaviour(),
    "1": Behaviour(paying_queries=2),
    "2": Behaviour(paying_queries=FOREVER),
    "3": Behaviour(decline="insufficient balance"),
    "4": Behaviour(fault=Fault.DROP),
    "5": Behaviour(fault=Fault.HTTP_500),
    "6": Behaviour(fault=Fault.GARBAGE),
    "7": Behaviour(fault=Fault.TRUNCATED),
    "8": Behaviour(fault=Fault.BAD_SIGNATURE),
    "9": Behaviour(fault=Fault.DROP, fault_on_queries=False),
}

#: Payment codes ending in each behaviour's digit.
ALIPAY_CODE_PREFIX = "28763443825664390"  # 17 digits + last digit = 18
WECHAT_CODE_PREFIX = "13456789012345678"  # 17 digits + last digit = 18


def alipay_code(last_digit: str) -> str:
    return ALIPAY_CODE_PREFIX + last_digit


def wechat_code(last_digit: str) -> str:
    return WECHAT_CODE_PREFIX + last_digit


class TradeStatus(Enum):
    PAYING = "paying"
    PAID = "paid"
    DECLINED = "declined"
    CLOSED = "closed"  # reversed before it was paid
    REFUNDED = "refunded"  # reversed after it was paid


@dataclass
class SimulatedTrade:
    out_trade_no: str
    auth_code: str
    amount: str  # as sent: Alipay's total_amount text, WeChat's total as text
    currency: str
    transaction_id: str
    behaviour: Behaviour
    status: TradeStatus
    queries_left: int = 0
    reverse_failures_left: int = 0

    @property
    def reversed(self) -> bool:
        return self.status in (TradeStatus.CLOSED, TradeStatus.REFUNDED)


@dataclass(frozen=True)
class RecordedRequest:
    api: str  # "pay", "query", "reverse", or the raw method/path when unknown
    method: str
    path: str
    headers: dict[str, str]
    body: str
    fields: dict[str, Any]  # Alipay: the parameters with biz_content parsed; WeChat: the JSON body
    signature_valid: bool


@dataclass
class _Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    fault: Fault | None = None


# --- the HTTP server ------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gateway: SimulatedGateway


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8")
        headers = dict(self.headers.items())
        reply = self.server.gateway.handle(self.command, self.path, headers, body)
        if reply.fault is Fault.DROP:
            self.close_connection = True
            return
        if reply.fault is Fault.HTTP_500:
            reply = _Reply(500, b"<html><body>500 Internal Server Error</body></html>")
            reply.headers["Content-Type"] = "text/html"
        elif reply.fault is Fault.GARBAGE:
            reply = _Reply(200, b"\x89PNG\r\n\x1a\n<?php echo 'oops'; ?>")
            reply.headers["Content-Type"] = "text/html;charset=utf-8"
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if reply.fault is Fault.TRUNCATED:
            self.wfile.write(reply.body[: len(reply.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on ``gateway.requests`` instead."""


class SimulatedGateway:
    """A wallet gateway on loopback; subclasses speak one provider's protocol."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.trades: dict[str, SimulatedTrade] = {}
        self._scripts: dict[str, Behaviour] = {}
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._numbers = itertools.count(1)

    # --- lifecycle

    def start(self) -> Self:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.gateway = self
        self._server = server
        # A short poll keeps stop() (and so each test's teardown) quick.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the gateway first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- control and inspection

    def reset(self) -> None:
        """Forget requests, trades and scripts, so one running gateway serves many tests."""
        with self._lock:
            self.requests.clear()
            self.trades.clear()
            self._scripts.clear()

    def script(self, auth_code: str, behaviour: Behaviour) -> None:
        """Make one payment code behave as given (instead of by its last digit)."""
        self._scripts[auth_code] = behaviour

    def behaviour_for(self, auth_code: str) -> Behaviour:
        scripted = self._scripts.get(auth_code)
        if scripted is not None:
            return scripted
        return BEHAVIOUR_BY_LAST_DIGIT.get(auth_code[-1:], Behaviour())

    def calls(self, api: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.api == api]

    def trade(self, out_trade_no: str) -> SimulatedTrade:
        return self.trades[out_trade_no]

    # --- shared trade logic

    def handle(self, method: str, path: str, headers: dict[str, str], body: str) -> _Reply:
        with self._lock:
            return self._handle(method, path, headers, body)

    def _handle(self, method: str, path: str, headers: dict[str, str], body: str) -> _Reply:
        raise NotImplementedError

    def _open_trade(
        self, out_trade_no: str, auth_code: str, amount: str, currency: str
    ) -> SimulatedTrade:
        behaviour = self.behaviour_for(auth_code)
        if behaviour.decline is not None:
            status = TradeStatus.DECLINED
        elif behaviour.paying_queries:
            status = TradeStatus.PAYING
        else:
            status = TradeStatus.PAID
        trade = SimulatedTrade(
            out_trade_no=out_trade_no,
            auth_code=auth_code,
            amount=amount,
            currency=currency,
            transaction_id=self._transaction_id(next(self._numbers)),
            behaviour=behaviour,
            status=status,
            queries_left=behaviour.paying_queries,
            reverse_failures_left=behaviour.reverse_failures,
        )
        self.trades[out_trade_no] = trade
        return trade

    def _transaction_id(self, number: int) -> str:
        raise NotImplementedError

    @staticmethod
    def _look(trade: SimulatedTrade) -> None:
        """A query: the customer may finish paying in the meantime."""
        if trade.status is TradeStatus.PAYING and trade.queries_left != FOREVER:
            if trade.queries_left == 0:
                trade.status = TradeStatus.PAID
            else:
                trade.queries_left -= 1

    @staticmethod
    def _cancel(trade: SimulatedTrade) -> bool:
        """A cancel/reverse: False when the behaviour says to fail this time."""
        if trade.reverse_failures_left == FOREVER:
            return False
        if trade.reverse_failures_left > 0:
            trade.reverse_failures_left -= 1
            return False
        if trade.status is TradeStatus.PAID:
            trade.status = TradeStatus.REFUNDED
        elif trade.status in (TradeStatus.PAYING, TradeStatus.DECLINED):
            trade.status = TradeStatus.CLOSED
        return True

    @staticmethod
    def _fault(trade: SimulatedTrade | None, *, on_query: bool) -> Fault | None:
        if trade is None or trade.behaviour.fault is None:
            return None
        if on_query and not trade.behaviour.fault_on_queries:
            return None
        return trade.behaviour.fault


# --- Alipay ---------------------------------------------------------------------------

_ALIPAY_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_ALIPAY_TRADE_STATUS = {
    TradeStatus.PAYING: "WAIT_BUYER_PAY",
    TradeStatus.PAID: "TRADE_SUCCESS",
    TradeStatus.DECLINED: "TRADE_CLOSED",
    TradeStatus.CLOSED: "TRADE_CLOSED",
    TradeStatus.REFUNDED: "TRADE_CLOSED",
}
_ALIPAY_APIS = {
    "alipay.trade.pay": "pay",
    "alipay.trade.query": "query",
    "alipay.trade.cancel": "reverse",
}


class AlipayGateway(SimulatedGateway):
    """``openapi.alipay.com/gateway.do`` for alipay.trade.pay, .query and .cancel."""

    def __init__(self, keys: WalletKeys, app_id: str = "2021000000000001") -> None:
        super().__init__()
        self.keys = keys
        self.app_id = app_id

    @property
    def url(self) -> str:
        return self.base_url + "/gateway.do"

    def settings(
        self,
        *,
        app_private_key: rsa.RSAPrivateKey | None = None,
        alipay_public_key: rsa.RSAPrivateKey | None = None,
    ) -> AlipaySettings:
        """Settings for a provider talking to this gateway (pass a key to make one wrong)."""
        return AlipaySettings(
            app_id=self.app_id,
            gateway_url=self.url,
            app_private_key_pem=private_pem(app_private_key or self.keys.alipay_app),
            alipay_public_key_pem=public_pem(alipay_public_key or self.keys.alipay_platform),
        )

    def _transaction_id(self, number: int) -> str:
        return f"2026112722001{number:015d}"

    def _handle(self, method: str, path: str, headers: dict[str, str], body: str) -> _Reply:
        params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        params.update(parse_qsl(body, keep_blank_values=True))
        name = params.get("method", "")
        response_key = name.replace(".", "_") + "_response"
        signature_valid = self._request_signed(params)
        fields: dict[str, Any] = dict(params)
        try:
            biz = json.loads(params.get("biz_content", "{}"))
        except ValueError:
            biz = {}
        fields["biz_content"] = biz
        self.requests.append(
            RecordedRequest(
                api=_ALIPAY_APIS.get(name, name),
                method=method,
                path=path,
                headers=headers,
                body=body,
                fields=fields,
                signature_valid=signature_valid,
            )
        )
        if not signature_valid:
            return self._unsigned(response_key, "isv.invalid-signature", "验签出错")
        if params.get("app_id") != self.app_id:
            return self._unsigned(response_key, "isv.invalid-app-id", "无效的AppID参数")
        if name == "alipay.trade.pay":
            reply, fault = self._pay(biz)
        elif name == "alipay.trade.query":
            trade = self.trades.get(str(biz.get("out_trade_no")))
            reply, fault = self._query(trade), self._fault(trade, on_query=True)
        elif name == "alipay.trade.cancel":
            reply, fault = self._cancel_reply(self.trades.get(str(biz.get("out_trade_no")))), None
        else:
            return self._unsigned("error_response", "isv.invalid-method", "不存在的方法名")
        return self._signed(response_key, reply, fault)

    def _request_signed(self, params: dict[str, str]) -> bool:
        unsigned = "&".join(
            f"{key}={value}" for key, value in sorted(params.items()) if key != "sign" and value
        )
        public_key = self.keys.alipay_app.public_key()
        return params.get("sign_type") == "RSA2" and _verify(
            public_key, unsigned, params.get("sign", "")
        )

    def _pay(self, biz: dict[str, Any]) -> tuple[dict[str, Any], Fault | None]:
        out_trade_no = str(biz.get("out_trade_no", ""))
        amount = str(biz.get("total_amount", ""))
        if (
            biz.get("scene") != "bar_code"
            or not biz.get("auth_code")
            or not biz.get("subject")
            or not out_trade_no
            or not _ALIPAY_AMOUNT.fullmatch(amount)
        ):
            return _business_failed("ACQ.INVALID_PARAMETER", "参数无效"), None
        if out_trade_no in self.trades:
            return _business_failed("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"), None
        trade = self._open_trade(
            out_trade_no, str(biz["auth_code"]), amount, str(biz.get("trans_currency", "CNY"))
        )
        fault = self._fault(trade, on_query=False)
        common = {
            "out_trade_no": out_trade_no,
            "trade_no": trade.transaction_id,
            "buyer_logon_id": "csq***@example.com",
            "total_amount": amount,
        }
        if trade.status is TradeStatus.DECLINED:
            reply = _business_failed("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足")
        elif trade.status is TradeStatus.PAYING:
            reply = {"code": "10003", "msg": "order success pay inprocess", **common}
        else:
            reply = {
                "code": "10000",
                "msg": "Success",
                **common,
                "receipt_amount": amount,
                "gmt_payment": datetime.now(_BEIJING).strftime("%Y-%m-%d %H:%M:%S"),
                "fund_bill_list": [{"fund_channel": "ALIPAYACCOUNT", "amount": amount}],
            }
        return reply, fault

    def _query(self, trade: SimulatedTrade | None) -> dict[str, Any]:
        if trade is None:
            return _business_failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
        self._look(trade)
        return {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": trade.out_trade_no,
            "trade_no": trade.transaction_id,
            "trade_status": _ALIPAY_TRADE_STATUS[trade.status],
            "total_amount": trade.amount,
        }

    def _cancel_reply(self, trade: SimulatedTrade | None) -> dict[str, Any]:
        if trade is None:
            return _business_failed("ACQ.TRADE_NOT_EXIST", "交易不存在")
        was_paid = trade.status in (TradeStatus.PAID, TradeStatus.REFUNDED)
        if not self._cancel(trade):
            return _business_failed("ACQ.SYSTEM_ERROR", "系统错误")
        return {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": trade.out_trade_no,
            "trade_no": trade.transaction_id,
            "retry_flag": "N",
            "action": "refund" if was_paid else "close",
        }

    def _signed(self, response_key: str, reply: dict[str, Any], fault: Fault | None) -> _Reply:
        content = json.dumps(reply, ensure_ascii=False, separators=(",", ":"))
        signature = _sign(self.keys.alipay_platform, content)
        if fault is Fault.BAD_SIGNATURE:
            # A forged "paid" under the signature of the real answer.
            forged = {
                **reply,
                "code": "10000",
                "msg": "Success",
                "trade_no": "2026112722001FORGED",
                "trade_status": "TRADE_SUCCESS",
            }
            content = json.dumps(forged, ensure_ascii=False, separators=(",", ":"))
        document = f'{{"{response_key}":{content},"sign":"{signature}"}}'
        return _Reply(
            200,
            document.encode("utf-8"),
            {"Content-Type": "text/html;charset=utf-8"},
            fault if fault is not Fault.BAD_SIGNATURE else None,
        )

    @staticmethod
    def _unsigned(response_key: str, sub_code: str, sub_msg: str) -> _Reply:
        reply = {
            "code": "40002",
            "msg": "Invalid Arguments",
            "sub_code": sub_code,
            "sub_msg": sub_msg,
        }
        document = json.dumps({response_key: reply}, ensure_ascii=False, separators=(",", ":"))
        return _Reply(200, document.encode("utf-8"), {"Content-Type": "text/html;charset=utf-8"})


def _business_failed(sub_code: str, sub_msg: str) -> dict[str, Any]:
    return {"code": "40004", "msg": "Business Failed", "sub_code": sub_code, "sub_msg": sub_msg}


# --- WeChat Pay -----------------------------------------------------------------------

_AUTHORIZATION = re.compile(r'(\w+)="([^"]*)"')
_SIGNATURE_WINDOW = 300  # seconds a request timestamp may be off, as WeChat Pay allows
_QUERY_PATH = re.compile(r"/v3/pay/transactions/out-trade-no/([^/?]+)")
_REVERSE_PATH = re.compile(r"/v3/pay/transactions/out-trade-no/([^/?]+)/reverse")
_WECHAT_TRADE_STATE = {
    TradeStatus.PAYING: "USERPAYING",
    TradeStatus.PAID: "SUCCESS",
    TradeStatus.DECLINED: "PAYERROR",
    TradeStatus.CLOSED: "REVOKED",
    TradeStatus.REFUNDED: "REVOKED",
}


class WechatGateway(SimulatedGateway):
    """``api.mch.weixin.qq.com`` for /v3/pay/transactions/codepay, query and reverse."""

    def __init__(
        self,
        keys: WalletKeys,
        *,
        mch_id: str = "1230000109",
        app_id: str = "wxd678efh567hg6787",
        merchant_serial_no: str = "444F4864EA9B34415F1A2B3C4D5E6F7081920A1B",
        public_key_id: str = "PUB_KEY_ID_0112300001092024112700000000000001",
        apiv3_key: str = "a12d3924fd499edac8a5efc1bbbbbbbb",
    ) -> None:
        super().__init__()
        self.keys = keys
        self.mch_id = mch_id
        self.app_id = app_id
        self.merchant_serial_no = merchant_serial_no
        self.public_key_id = public_key_id
        self.apiv3_key = apiv3_key

    @property
    def url(self) -> str:
        return self.base_url

    def settings(
        self,
        *,
        merchant_private_key: rsa.RSAPrivateKey | None = None,
        wechatpay_public_key: rsa.RSAPrivateKey | None = None,
    ) -> WechatSettings:
        """Settings for a provider talking to this gateway (pass a key to make one wrong)."""
        return WechatSettings(
            mch_id=self.mch_id,
            app_id=self.app_id,
            gateway_url=self.url,
            merchant_private_key_pem=private_pem(merchant_private_key or self.keys.wechat_merchant),
            merchant_cert_serial_no=self.merchant_serial_no,
            apiv3_key=self.apiv3_key,
            wechatpay_public_key_pem=public_pem(wechatpay_public_key or self.keys.wechat_platform),
            wechatpay_public_key_id=self.public_key_id,
        )

    def _transaction_id(self, number: int) -> str:
        return f"42000{number:023d}"

    def _handle(self, method: str, path: str, headers: dict[str, str], body: str) -> _Reply:
        route = urlsplit(path).path
        if method == "POST" and route == "/v3/pay/transactions/codepay":
            api = "pay"
        elif method == "POST" and _REVERSE_PATH.fullmatch(route):
            api = "reverse"
        elif method == "GET" and _QUERY_PATH.fullmatch(route):
            api = "query"
        else:
            api = f"{method} {route}"
        try:
            fields = json.loads(body) if body else {}
        except ValueError:
            fields = {}
        signature_valid = self._request_signed(method, path, headers, body)
        self.requests.append(
            RecordedRequest(api, method, path, headers, body, fields, signature_valid)
        )
        if not signature_valid:
            body_bytes = json.dumps({"code": "SIGN_ERROR", "message": "签名错误"}).encode()
            return _Reply(401, body_bytes, {"Content-Type": "application/json; charset=utf-8"})
        if api == "pay":
            return self._pay(fields)
        if api == "query":
            match = _QUERY_PATH.fullmatch(route)
            assert match is not None
            query = dict(parse_qsl(urlsplit(path).query))
            if query.get("mchid") != self.mch_id:
                return self._signed(400, {"code": "PARAM_ERROR", "message": "mchid 不正确"})
            trade = self.trades.get(match.group(1))
            return self._query(trade)
        if api == "reverse":
            match = _REVERSE_PATH.fullmatch(route)
            assert match is not None
            if fields.get("mchid") != self.mch_id or fields.get("appid") != self.app_id:
                return self._signed(400, {"code": "PARAM_ERROR", "message": "appid/mchid 不正确"})
            return self._reverse(self.trades.get(match.group(1)))
        return self._signed(404, {"code": "NOT_FOUND", "message": "无此接口"})

    def _request_signed(self, method: str, path: str, headers: dict[str, str], body: str) -> bool:
        scheme, _, rest = headers.get("Authorization", "").partition(" ")
        if scheme != "WECHATPAY2-SHA256-RSA2048":
            return False
        parts = dict(_AUTHORIZATION.findall(rest))
        try:
            fresh = abs(time.time() - int(parts.get("timestamp", ""))) <= _SIGNATURE_WINDOW
        except ValueError:
            return False
        message = f"{method}\n{path}\n{parts.get('timestamp')}\n{parts.get('nonce_str')}\n{body}\n"
        return (
            fresh
            and parts.get("mchid") == self.mch_id
            and parts.get("serial_no") == self.merchant_serial_no
            and _verify(self.keys.wechat_merchant.public_key(), message, parts.get("signature", ""))
        )

    def _pay(self, fields: dict[str, Any]) -> _Reply:
        out_trade_no = str(fields.get("out_trade_no", ""))
        amount = fields.get("amount") or {}
        payer = fields.get("payer") or {}
        store = (fields.get("scene_info") or {}).get("store_info") or {}
        if fields.get("appid") != self.app_id or fields.get("mchid") != self.mch_id:
            return self._signed(
                403, {"code": "APPID_MCHID_NOT_MATCH", "message": "appid和mch_id不匹配"}
            )
        total = amount.get("total")
        if (
            not out_trade_no
            or not fields.get("description")
            or not payer.get("auth_code")
            or not store.get("out_id")
            or not isinstance(total, int)
            or isinstance(total, bool)
            or total <= 0
        ):
            return self._signed(400, {"code": "PARAM_ERROR", "message": "参数错误"})
        if out_trade_no in self.trades:
            return self._signed(403, {"code": "OUT_TRADE_NO_USED", "message": "商户订单号重复"})
        trade = self._open_trade(
            out_trade_no, str(payer["auth_code"]), str(total), str(amount.get("currency", "CNY"))
        )
        fault = self._fault(trade, on_query=False)
        if trade.status is TradeStatus.DECLINED:
            return self._signed(403, {"code": "NOTENOUGH", "message": "余额不足"}, fault)
        if trade.status is TradeStatus.PAYING:
            return self._signed(
                202, {"code": "USERPAYING", "message": "用户支付中，需要输入密码"}, fault
            )
        return self._signed(200, self._transaction(trade), fault)

    def _transaction(self, trade: SimulatedTrade) -> dict[str, Any]:
        state = _WECHAT_TRADE_STATE[trade.status]
        document: dict[str, Any] = {
            "appid": self.app_id,
            "mchid": self.mch_id,
            "out_trade_no": trade.out_trade_no,
            "trade_state": state,
        }
        if trade.status is TradeStatus.PAYING:
            return document
        document.update(
            {
                "transaction_id": trade.transaction_id,
                "trade_type": "MICROPAY",
                "trade_state_desc": "支付成功" if state == "SUCCESS" else "未成功",
                "bank_type": "OTHERS",
                "success_time": datetime.now(_BEIJING).isoformat(timespec="seconds"),
                "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                "amount": {
                    "total": int(trade.amount),
                    "currency": trade.currency,
                    "payer_total": int(trade.amount),
                    "payer_currency": trade.currency,
                },
            }
        )
        return document

    def _query(self, trade: SimulatedTrade | None) -> _Reply:
        if trade is None:
            return self._signed(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        self._look(trade)
        return self._signed(200, self._transaction(trade), self._fault(trade, on_query=True))

    def _reverse(self, trade: SimulatedTrade | None) -> _Reply:
        if trade is None:
            return self._signed(404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"})
        if not self._cancel(trade):
            return self._signed(500, {"code": "SYSTEM_ERROR", "message": "系统错误"})
        return self._signed(
            200, {"appid": self.app_id, "mchid": self.mch_id, "out_trade_no": trade.out_trade_no}
        )

    def _signed(self, status: int, document: dict[str, Any], fault: Fault | None = None) -> _Reply:
        body = json.dumps(document, ensure_ascii=False)
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16).upper()
        signature = _sign(self.keys.wechat_platform, f"{timestamp}\n{nonce}\n{body}\n")
        if fault is Fault.BAD_SIGNATURE:
            # A forged "paid" under the signature of the real answer.
            status = 200
            body = json.dumps(
                {**document, "trade_state": "SUCCESS", "transaction_id": "4200000000FORGED"},
                ensure_ascii=False,
            )
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Request-ID": secrets.token_hex(8),
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Timestamp": timestamp,
            "Wechatpay-Serial": self.public_key_id,
            "Wechatpay-Signature": signature,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }
        return _Reply(
            status,
            body.encode("utf-8"),
            headers,
            fault if fault is not Fault.BAD_SIGNATURE else None,
        )


# --- secrets ------------------------------------------------------------------------


class MemorySecrets:
    """A SecretStore in a dict, for tests that do not need the real keyring."""

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values = dict(values or {})

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def set(self, name: str, value: str) -> None:
        self.values[name] = value
