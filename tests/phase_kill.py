"""Kill a child process at a point it reports, never after a timer.

A crash test that sleeps a random time and then kills proves nothing on a
machine of another speed: how many kills land inside a transaction depends
on how fast the child runs. Here the child *announces* each point where it
may die -- ``PHASE <n> <what>`` on stdout -- and then waits for one line on
stdin. The parent either answers ``GO`` or kills it with SIGKILL right there,
while it is blocked, so the kill lands at exactly that phase on any machine.
Which phase is killed is the parent's (seeded) choice, so a run is the same
for the same seed.

Restarting a Python process that imports SQLAlchemy and Alembic takes about a
second, too slow for hundreds of kills. So the child is a small *zygote*: it
imports everything once and forks one worker per ``RUN`` line; the worker is
what gets killed. A forked worker opens its own connection, so each kill is a
real process dying with a real file half-written. POSIX only (fork, SIGKILL).

Child side::

    def work(words: Sequence[str]) -> None:    # the words after RUN
        gate = PhaseGate()
        gate.phase("start")                     # may die here
        engine = create_sqlite_engine(path)
        gate.watch(engine)                      # a phase before every statement and COMMIT
        gate.label = "void 1"                   # phases now read "void 1 sql INSERT" ...
        ...
        gate.phase("committed")                 # after COMMIT, before saying so
        say("VOIDED", ...)

    sys.exit(serve_forks(work))

Parent side::

    child = Zygote([sys.executable, "child.py", db], log=workdir / "child.log")
    run = child.run("RUN 42", lambda n, what: what == "void 1 commit")
    run.lines      # what the worker printed, phases excepted
    run.killed_at  # (n, what) of the phase it was killed at, or None
    run.status     # its wait status
    child.close()

Lines of the protocol: ``ZYGOTE <pid>`` once; per run ``FORKED <pid>``, the
worker's own lines and phases, then ``REAPED <pid> <wait status>`` from the
zygote once the worker is dead (after a newline, so that a line the worker
was writing when it died never swallows it).
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import event
from sqlalchemy.engine import Engine

__all__ = [
    "LINE_TIMEOUT",
    "PhaseGate",
    "Run",
    "Zygote",
    "say",
    "serve_forks",
]

#: How long the parent waits for a child's next line before calling it stuck.
#: Only a hung child ever gets near it; nothing is timed against it.
LINE_TIMEOUT = 120.0
#: The repository root, so that a child started as a script imports ``tests.…``.
ROOT = Path(__file__).resolve().parent.parent


# --- child side ----------------------------------------------------------------------


def say(*words: object) -> None:
    """One line to the parent, in one write.

    The zygote's ``FORKED`` and the new worker's first phase are written at
    the same moment by two processes: one ``write`` each (shorter than
    ``PIPE_BUF``) keeps them from being interleaved inside a line.
    """
    data = (" ".join(str(word) for word in words) + "\n").encode()
    sys.stdout.flush()
    while data:
        data = data[os.write(sys.stdout.fileno(), data) :]


class PhaseGate:
    """Announces phases and waits for the parent's ``GO`` after each.

    ``label`` is put before each phase's words, so the parent can tell a
    statement of a retry from one of a new sale. ``watch(engine)`` adds a
    phase before every statement (``<label> begin`` for the BEGIN,
    ``<label> sql <VERB>`` for the others) and before every COMMIT
    (``<label> commit``).
    """

    def __init__(self, stdin: TextIO | None = None) -> None:
        self.stdin = stdin or sys.stdin
        self.label = ""
        self.count = 0

    def phase(self, what: str) -> None:
        self.count += 1
        words = f"{self.label} {what}" if self.label else what
        say("PHASE", self.count, words)
        answer = self.stdin.readline()
        if answer.strip() != "GO":
            # The parent is gone or confused: stop here rather than run on unwatched.
            raise SystemExit(f"phase gate: expected GO, got {answer!r}")

    def watch(self, engine: Engine) -> None:
        def before_statement(
            _conn: Any,
            _cursor: Any,
            statement: str,
            _parameters: Any,
            _context: Any,
            _executemany: bool,
        ) -> None:
            verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
            self.phase("begin" if verb == "BEGIN" else f"sql {verb}")

        def before_commit(_conn: Any) -> None:
            self.phase("commit")

        event.listen(engine, "before_cursor_execute", before_statement)
        event.listen(engine, "commit", before_commit)


def serve_forks(work: Callable[[Sequence[str]], None]) -> int:
    """The zygote's loop: fork a worker running ``work(words)`` for each ``RUN <words>`` line.

    Ends on ``QUIT`` or when stdin closes. Returns an exit status.
    """
    if not hasattr(os, "fork"):
        print("a phase-kill child needs fork (POSIX)", file=sys.stderr)
        return 2
    say("ZYGOTE", os.getpid())
    while True:
        command = sys.stdin.readline()
        words = command.split()
        if not words or words[0] == "QUIT":
            return 0
        if words[0] != "RUN":
            say("ERROR", "bad command", command.strip())
            continue
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                work(words[1:])
                status = 0
            except BaseException as exc:
                # If the parent is gone there is nobody left to tell.
                with contextlib.suppress(BaseException):
                    say("ERROR", repr(exc).replace("\n", " "))
                    traceback.print_exc()
                    sys.stderr.flush()
            finally:
                os._exit(status)
        say("FORKED", pid)
        _, wait_status = os.waitpid(pid, 0)
        say(f"\nREAPED {pid} {wait_status}")


# --- parent side ---------------------------------------------------------------------


@dataclass
class Run:
    """What one worker did before it died."""

    pid: int
    status: int
    #: Its lines, phases and blank lines left out.
    lines: list[str] = field(default_factory=list)
    #: Every phase it announced, as (number, words), the killed one last.
    phases: list[tuple[int, str]] = field(default_factory=list)
    #: The phase it was killed at, or None if it ended some other way.
    killed_at: tuple[int, str] | None = None

    @property
    def killed(self) -> bool:
        return (
            self.killed_at is not None
            and os.WIFSIGNALED(self.status)
            and os.WTERMSIG(self.status) == signal.SIGKILL
        )


class Zygote:
    """A zygote child process, and a thread reading its lines."""

    def __init__(
        self, command: Sequence[str], log: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.log = log.open("wb")
        environment = dict(os.environ if env is None else env)
        path = environment.get("PYTHONPATH")
        environment["PYTHONPATH"] = os.pathsep.join([str(ROOT), *([path] if path else [])])
        self.process = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
            env=environment,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        first = self.next_line()
        if not first.startswith("ZYGOTE "):
            self.close()
            raise RuntimeError(f"unexpected first line from the child: {first!r}")

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            raise RuntimeError(f"the child said nothing for {LINE_TIMEOUT} s") from None
        if line is None:
            raise RuntimeError("the child exited")
        return line

    def run(self, command: str, kill_at: Callable[[int, str], bool]) -> Run:
        """Send ``command`` (a ``RUN …`` line), answer its worker's phases, return what it did.

        ``kill_at(number, words)`` is asked at each phase: True kills the worker
        there, False lets it go on. The kill is sent while the worker waits for
        the answer and before the zygote has reaped it, so its pid cannot
        belong to anyone else yet.
        """
        self.send(command)
        # The worker may speak (and wait at its first phase) before the zygote
        # has said FORKED: keep its lines until the pid is known.
        early: list[str] = []
        line = self.next_line()
        while not line.startswith("FORKED "):
            early.append(line)
            line = self.next_line()
        pid = int(line.split()[1])
        said: list[str] = []
        phases: list[tuple[int, str]] = []
        killed_at: tuple[int, str] | None = None
        while True:
            line = early.pop(0) if early else self.next_line()
            word, _, rest = line.partition(" ")
            if word == "REAPED" and rest.split()[0] == str(pid):
                status = int(rest.split()[1])
                return Run(pid, status, said, phases, killed_at)
            if word == "PHASE" and killed_at is None:
                number, _, what = rest.partition(" ")
                phases.append((int(number), what))
                if kill_at(int(number), what):
                    killed_at = (int(number), what)
                    os.kill(pid, signal.SIGKILL)
                else:
                    self.send("GO")
            elif line:
                said.append(line)

    def close(self) -> None:
        try:
            self.send("QUIT")
            self.process.wait(timeout=LINE_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            self.reader.join(timeout=LINE_TIMEOUT)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
            self.log.close()
