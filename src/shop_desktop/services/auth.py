"""Logging staff in at this workstation."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shop_desktop.data.models import (
    Branch,
    DeviceIdentity,
    Role,
    SignInGuard,
    StaffPin,
    StaffUser,
    Workstation,
)
from shop_desktop.data.types import utcnow
from shop_desktop.domain import permissions
from shop_desktop.services.audit import AuditFacts, record_audit
from shop_desktop.services.passwords import hash_password, needs_rehash, verify_password
from shop_desktop.services.rights import limits_of, rights_of_user
from shop_desktop.services.tasks import TaskState

#: A real argon2id hash (of a password nobody has, with the hasher's parameters) to
#: verify against when the user does not exist, so a wrong name takes as long as a
#: wrong password, from the first attempt on. Written out rather than made at start-up:
#: hashing takes a quarter of a second the till must not wait for.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$RtkI0rJQvc91kRDnFCjQpg$eEWMQHgcAmDOHfuP1aNWVNY33fAaIyz3TLHYJQEiLas"  # noqa: E501


def _dummy_hash() -> str:
    return _DUMMY_HASH


#: Wrong answers in a row before the account is locked for a while.
FAILURES_BEFORE_LOCKOUT = 5
#: How long the first lock-out lasts; each further one (without a success between) doubles.
FIRST_LOCKOUT = timedelta(seconds=30)
#: Lock-outs stop doubling here (30 s × 2**9 is about four hours).
LONGEST_LOCKOUT = FIRST_LOCKOUT * 2**9
#: A PIN is 4 to 6 digits (ASCII only: what a till's number pad types).
PIN_PATTERN = re.compile(r"[0-9]{4,6}")


class LoginFailed(Exception):
    """Wrong user name, password or PIN, or the account may not log in here (now)."""

    def __init__(self, reason: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(reason)
        #: "credentials", "inactive", "branch" or "locked"; the UI words each one.
        self.reason = reason
        #: For "locked": when the next attempt is taken (UTC).
        self.locked_until = locked_until


class WorkstationNotSetUp(Exception):
    """The database has no device identity: it was never enrolled or seeded."""


@dataclass(frozen=True)
class WorkstationInfo:
    """Where this database sits: its branch, till and device identity."""

    branch_id: uuid.UUID
    branch_code: str
    branch_name_zh: str
    branch_name_en: str
    workstation_id: uuid.UUID
    workstation_code: str
    workstation_name: str
    device_id: uuid.UUID
    currency_code: str


_NO_OWN_LIMITS = permissions.Limits()


@dataclass(frozen=True, kw_only=True)
class StaffSession(WorkstationInfo):
    """Who is logged in, and where: what the status bar and every use case need."""

    staff_id: uuid.UUID
    username: str
    display_name: str
    role: Role
    max_discount_bp: int
    locale: str
    #: Signed in with the quick-switch PIN rather than the password (a PIN is
    #: set only after a password log-in).
    by_pin: bool = False
    #: The person's own limits (the matrix falls back on the role's where ``None``).
    limits: permissions.Limits = _NO_OWN_LIMITS


def this_workstation(session: Session) -> WorkstationInfo:
    row = session.execute(
        select(DeviceIdentity, Workstation, Branch)
        .join(Workstation, DeviceIdentity.workstation_id == Workstation.id)
        .join(Branch, Workstation.branch_id == Branch.id)
    ).first()
    if row is None:
        raise WorkstationNotSetUp
    identity, station, branch = row
    return WorkstationInfo(
        branch_id=branch.id,
        branch_code=branch.code,
        branch_name_zh=branch.name_zh,
        branch_name_en=branch.name_en,
        workstation_id=station.id,
        workstation_code=station.code,
        workstation_name=station.name,
        device_id=identity.device_id,
        currency_code=identity.currency_code,
    )


def log_in(
    session: Session,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    action: str = "login",
) -> StaffSession:
    """Check the credentials, record the sign-in, and describe the session.

    ``password`` is the password, or the person's PIN when they set one at
    this till. Raises :class:`LoginFailed` without saying whether the name or
    the secret was wrong. Every attempt is audited as ``action`` (``"login"``,
    or ``"unlock"`` at the lock screen) or as a failure; after
    :data:`FAILURES_BEFORE_LOCKOUT` failures in a row the account is refused
    for a while, doubling each time, without even checking what was typed.
    """
    # A writer from the start, as in approve_override: the audit entry follows the hash check.
    from shop_desktop.services.outbox import take_write_lock  # outbox imports this module

    now = utcnow() if now is None else now
    take_write_lock(session.connection())
    where = this_workstation(session)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        verify_password(_dummy_hash(), password)
        _record(session, None, where, "login_failed", {"username": username.strip()[:64]}, now)
        raise LoginFailed("credentials")
    guard = session.get(SignInGuard, user.id)
    if guard is not None and guard.locked_until is not None and guard.locked_until > now:
        _record(session, user.id, where, "login_refused_locked", {}, now)
        raise LoginFailed("locked", locked_until=guard.locked_until)
    by = _matching_secret(session, user, password)
    if by is None:
        _count_failure(session, user.id, where, guard, now)
    if not user.active:
        raise LoginFailed("inactive")
    if user.branch_id is not None and user.branch_id != where.branch_id:
        raise LoginFailed("branch")
    if guard is not None:
        guard.failures, guard.lockouts, guard.locked_until = 0, 0, None
    if by == "password" and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    _record(session, user.id, where, action, {"with": by or ""}, now)
    return StaffSession(
        **asdict(where),
        staff_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        max_discount_bp=user.max_discount_bp,
        locale=user.locale,
        by_pin=by == "pin",
        limits=limits_of(user),
    )


def _matching_secret(session: Session, user: StaffUser, secret: str) -> str | None:
    """ "pin" or "password", whichever ``secret`` is, or None."""
    if PIN_PATTERN.fullmatch(secret):
        pin = session.get(StaffPin, user.id)
        if pin is not None and verify_password(pin.pin_hash, secret):
            return "pin"
    if verify_password(user.password_hash, secret):
        return "password"
    return None


def _count_failure(
    session: Session,
    staff_id: uuid.UUID,
    where: WorkstationInfo,
    guard: SignInGuard | None,
    now: datetime,
) -> None:
    """Count a wrong answer; lock the account on the last one allowed. Always raises."""
    if guard is None:
        guard = SignInGuard(staff_id=staff_id, failures=0, lockouts=0)
        session.add(guard)
    guard.failures += 1
    _record(session, staff_id, where, "login_failed", {"failures": guard.failures}, now)
    if guard.failures < FAILURES_BEFORE_LOCKOUT:
        raise LoginFailed("credentials")
    guard.failures = 0
    guard.lockouts += 1
    lasts = min(FIRST_LOCKOUT * 2 ** (guard.lockouts - 1), LONGEST_LOCKOUT)
    guard.locked_until = now + lasts
    _record(
        session,
        staff_id,
        where,
        "account_locked",
        {"seconds": int(lasts.total_seconds()), "lockouts": guard.lockouts},
        now,
    )
    raise LoginFailed("locked", locked_until=guard.locked_until)


class PinRefused(Exception):
    """A PIN that cannot be set; ``reason`` is "format", "guessable" or "by_pin"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN ("format" or "guessable"), or None when it can."""
    if not PIN_PATTERN.fullmatch(pin):
        return "format"
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    # One digit repeated, or a run up or down the pad: the first guesses anyone tries.
    if steps <= {0} or steps in ({1}, {-1}):
        return "guessable"
    return None


def set_pin(
    session: Session, staff: StaffSession, pin: str, *, now: datetime | None = None
) -> None:
    """Set (or replace) the quick-switch PIN of whoever is signed in, at this till.

    Only after a password sign-in: a PIN cannot be used to set the next one.
    Stored as an argon2id hash, like the password; audited without the PIN.
    """
    if staff.by_pin:
        raise PinRefused("by_pin")
    problem = pin_problem(pin)
    if problem is not None:
        raise PinRefused(problem)
    now = utcnow() if now is None else now
    hashed = hash_password(pin)  # before the write lock: a quarter second of work
    from shop_desktop.services.outbox import take_write_lock  # outbox imports this module

    take_write_lock(session.connection())
    row = session.get(StaffPin, staff.staff_id)
    if row is None:
        row = StaffPin(staff_id=staff.staff_id)
        session.add(row)
    row.pin_hash = hashed
    row.set_at = now
    _record(session, staff.staff_id, staff, "pin_set", {}, now)
    session.flush()


def has_pin(session: Session, staff_id: uuid.UUID) -> bool:
    return session.get(StaffPin, staff_id) is not None


def record_sign_out(
    session: Session, staff: StaffSession, how: str, *, parked: int, now: datetime | None = None
) -> None:
    """Audit the end of a session: ``how`` is "logout", "quit" or "switch"."""
    now = utcnow() if now is None else now
    _record(session, staff.staff_id, staff, how, {"parked_carts": parked}, now)


def record_lock(session: Session, staff: StaffSession, *, now: datetime | None = None) -> None:
    """Audit that the till locked over ``staff``'s session (idle, or on request)."""
    _record(session, staff.staff_id, staff, "till_locked", {}, utcnow() if now is None else now)


def _record(  # noqa: PLR0917 - read as one sentence: who, where, what, details, when
    session: Session,
    staff_id: uuid.UUID | None,
    where: WorkstationInfo,
    action: str,
    details: Mapping[str, object],
    now: datetime | None = None,
    *,
    approver_id: uuid.UUID | None = None,
) -> None:
    """Audit a sign-in or an approval at this till, in the caller's transaction."""
    record_audit(
        session.connection(),
        AuditFacts(
            action=action,
            staff_id=staff_id,
            workstation_id=where.workstation_id,
            entity="staff_user",
            # An approval is about the person who gave it.
            entity_id=str(approver_id or staff_id or ""),
            details=dict(details),
            approver_id=approver_id,
            at=now,
        ),
    )


def log_in_or_refusal(
    session: Session, username: str, password: str, *, action: str = "login"
) -> StaffSession | LoginFailed:
    """:func:`log_in`, with a refused attempt returned instead of raised.

    Returned, not raised, so the caller's transaction still commits the
    audit entry (and the failure count) :func:`log_in` wrote for the refused attempt.
    """
    try:
        return log_in(session, username, password, action=action)
    except LoginFailed as refused:
        return refused


def demo_logins(session: Session, branch_code: str, state: TaskState) -> tuple[str, ...]:
    """The demo shop's "name / password" pairs usable here, if they still work.

    Given only when every demo account still has its demo password, so a
    real shop that kept a user called "manager" never sees a hint, and a
    hint never names a password that would not work anyway.
    """
    from shop_desktop.services.demo import DEMO_USERS  # the demo builder is big; only here

    names = [user.username for user in DEMO_USERS]
    rows = session.execute(
        select(StaffUser.username, StaffUser.password_hash).where(StaffUser.username.in_(names))
    )
    hashes: dict[str, str] = dict(rows.all())
    if len(hashes) != len(DEMO_USERS):
        return ()
    for user in DEMO_USERS:
        state.check_cancelled()  # each check is a deliberately slow argon2 hash
        if not verify_password(hashes[user.username], user.password):
            return ()
    return tuple(
        f"{user.username} / {user.password}"
        for user in DEMO_USERS
        if user.branch_code in (None, branch_code)
    )


def staff_names(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Everyone who can have taken an order, by name."""
    rows = session.execute(
        select(StaffUser.id, StaffUser.display_name).order_by(StaffUser.display_name)
    )
    return [(staff_id, name) for staff_id, name in rows]


class ApprovalRefused(Exception):
    """The approver's credentials are wrong, or their role or limit is too small."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        #: "credentials", "inactive", "role" or "limit"; the UI words each one.
        self.reason = reason


@dataclass(frozen=True)
class Approval:
    """A supervisor's or manager's yes to something beyond the person's rights."""

    staff_id: uuid.UUID
    display_name: str


#: Who may approve at all (each only what they may do themselves, within their limits).
APPROVER_ROLES = frozenset(role for role in Role if role.value in permissions.APPROVER_ROLES)


@dataclass(frozen=True)
class ApprovalRequest:
    """What is to be approved: ``permission`` (for ``amount``: minor units for refunds
    and cash out, basis points of depth for discounts and price overrides) asked by
    ``actor_id``; ``what`` is the audit log's words for it."""

    permission: permissions.Permission
    what: str
    amount: int | None = None
    actor_id: uuid.UUID | None = None


def _secret_matches(session: Session, user: StaffUser, secret: str) -> bool:
    """Whether ``secret`` is ``user``'s password or quick-switch PIN.

    The one place an approver's secret is checked, the same way signing in checks it.
    """
    return _matching_secret(session, user, secret) is not None


def approve(session: Session, username: str, secret: str, request: ApprovalRequest) -> Approval:
    """Check an approver's password (or PIN) at the till for ``request``.

    The approval, and every refusal, is written to the audit log with both people:
    the person who asked (``staff_id``) and the approver (``approver_id``); the
    caller's transaction commits it (a refusal raised rolls it back: use
    :func:`approve_or_refusal` to keep it). Raises :class:`ApprovalRefused`.
    """
    # A writer from the start: the audit entry is written after a quarter-second hash
    # check, and a read snapshot could not be upgraded if a sale committed meanwhile.
    from shop_desktop.services.outbox import take_write_lock  # outbox imports this module

    take_write_lock(session.connection())
    where = this_workstation(session)
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    details = {"what": request.what[:120], "permission": request.permission.value}
    if request.amount is not None:
        details["amount"] = str(request.amount)
        if request.permission is permissions.Permission.DISCOUNT:
            details["depth_bp"] = str(request.amount)

    def refuse(reason: str) -> ApprovalRefused:
        # Every refusal is kept, with whose name was typed: a string of them is worth seeing.
        facts = details | {"reason": reason}
        if user is None:
            facts["username"] = username.strip()[:64]
        _record(
            session,
            request.actor_id,
            where,
            "approval_failed",
            facts,
            approver_id=None if user is None else user.id,
        )
        return ApprovalRefused(reason)

    if user is None:
        verify_password(_dummy_hash(), secret)
        raise refuse("credentials")
    if not _secret_matches(session, user, secret):
        raise refuse("credentials")
    rights = rights_of_user(user)
    if not user.active:
        raise refuse("inactive")
    if user.role not in APPROVER_ROLES or not permissions.allowed(rights, request.permission):
        raise refuse("role")
    # An approvable action is approved for someone else; anything else (a manager's reveal
    # of the expected cash) is the approver's own act at this till, within their rights.
    if request.permission in permissions.APPROVABLE:
        may = permissions.can_approve(rights, request.permission, amount=request.amount)
    else:
        may = permissions.allowed(rights, request.permission, amount=request.amount)
    if not may:
        raise refuse("limit")
    _record(
        session,
        request.actor_id if request.actor_id is not None else user.id,
        where,
        "approval",
        details,
        approver_id=user.id,
    )
    return Approval(user.id, user.display_name)


def approve_or_refusal(
    session: Session, username: str, secret: str, request: ApprovalRequest
) -> Approval | ApprovalRefused:
    """:func:`approve`, with a refusal returned instead of raised.

    Returned, not raised, so the caller's transaction still commits the
    audit entry of the refused attempt (as :func:`log_in_or_refusal`).
    """
    try:
        return approve(session, username, secret, request)
    except ApprovalRefused as refused:
        return refused


def approve_override(
    session: Session, username: str, password: str, *, depth_bp: int, what: str
) -> Approval:
    """:func:`approve` for a discount ``depth_bp`` deep (kept for older callers)."""
    request = ApprovalRequest(permissions.Permission.DISCOUNT, what, amount=depth_bp)
    return approve(session, username, password, request)


def approve_override_or_refusal(
    session: Session, username: str, password: str, *, depth_bp: int, what: str
) -> Approval | ApprovalRefused:
    """:func:`approve_override`, with a refusal returned instead of raised."""
    request = ApprovalRequest(permissions.Permission.DISCOUNT, what, amount=depth_bp)
    return approve_or_refusal(session, username, password, request)
