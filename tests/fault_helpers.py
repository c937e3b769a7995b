"""Real servers and real workers for the fault tests: a mail relay, a private Redis, a Celery
worker in its own process, and a PostgreSQL connection that can be cut.

- ``Relay``: an SMTP server (aiosmtpd) on a free local port that keeps what it accepted. It can
  answer slowly, hang on a given message (after calling a hook, such as killing the worker
  that is sending it), or not be started at all (a refused connection).
- ``FrozenRelay``: a port that accepts connections and never says a word (a frozen relay).
- ``PrivateRedis``: a ``redis-server`` of the test's own on a free port, to stop and start.
- ``WorkerProcess``: ``celery -A config worker`` as a subprocess against the test database,
  a broker and a relay, with its log kept for the failure message; killed with SIGKILL.
- ``DatabaseGate``: a TCP relay in front of PostgreSQL that a test closes (connections refused)
  and opens again.

Everything listens on 127.0.0.1 only and stops at the end of its ``with`` block.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, interval: float = 0.05) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- SMTP ------------------------------------------------------------------------------------------------


class Relay:
    """A real SMTP server that records each message it accepted (``messages``).

    ``delay``: seconds before it answers each message (the finding's relay: 0.5 s).
    ``hang_on``: the number of a message (1 for the first) on which it calls ``on_hang``
    and then never answers: a client that dies meanwhile takes the message with it, as a
    relay that had not yet accepted it would.
    """

    def __init__(self, *, port: int | None = None, delay: float = 0.0) -> None:
        self.port = port or free_port()
        self.delay = delay
        self.messages: list[Message] = []
        self.arrived = 0
        self.hang_on: int | None = None
        self.on_hang: Callable[[], None] = lambda: None
        self._controller: Controller | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self._lock:
            self.arrived += 1
            number = self.arrived
        if number == self.hang_on:
            self.on_hang()
            await asyncio.sleep(3600)  # cancelled when the client's connection drops
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> Relay:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(message["Message-ID"]) for message in self.messages]

    @property
    def recipients(self) -> list[str]:
        with self._lock:
            return [str(message["To"]) for message in self.messages]


class FrozenRelay:
    """A port whose connections are accepted by the kernel and never answered (no greeting)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = int(self.socket.getsockname()[1])

    def __enter__(self) -> FrozenRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()


def use_relay(settings: Any, port: int, *, timeout: float = 5) -> None:
    """Point Django's e-mail at a local relay for the length of a test (pytest-django's ``settings``)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout


# --- Redis -----------------------------------------------------------------------------------------------


class PrivateRedis:
    """A Redis server of the test's own, with nothing saved, that the test may stop and start again."""

    def __init__(self) -> None:
        from tests.conftest import skip_or_fail

        executable = shutil.which("redis-server")
        if executable is None:
            skip_or_fail("redis-server is not on PATH (Debian: redis-server)")
        self.executable = str(executable)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        import redis

        self.process = subprocess.Popen(  # noqa: S603 - a fixed command
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> PrivateRedis:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- A Celery worker in its own process ------------------------------------------------------------------


def subprocess_database_url() -> str:
    """The URL of the database pytest-django made, for processes of our own to use."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """``celery -A config worker`` in a session of its own, configured from the environment like production.

    It runs ``config.settings`` (not the test settings, whose e-mail goes to memory) with
    debug on (no secret key needed), the test database, the given broker, relay and media
    folder. ``pool="solo"`` runs tasks in the main process; ``"prefork"`` in ``concurrency`` children.
    """

    def __init__(
        self,
        *,
        broker_url: str,
        log_path: Path,
        relay_port: int | None = None,
        media_root: Path | None = None,
        database_url: str | None = None,
        pool: str = "solo",
        concurrency: int = 1,
        name: str = "faults",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.log_path = log_path
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": database_url or subprocess_database_url(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{relay_port}" if relay_port else "consolemail://",
            "EMAIL_TIMEOUT": "5",
            "LOG_LEVEL": "INFO",
            **({"MEDIA_ROOT": str(media_root)} if media_root else {}),
            **(extra_env or {}),
        }
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "-n",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
        ]
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self, *, wait: bool = True) -> WorkerProcess:
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {self.starts} =====\n".encode())
        log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            self.command, cwd=BASE_DIR, env=self.env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
        log_file.close()
        if wait:
            marker = f"===== start {self.starts} ====="
            wait_until(
                lambda: " ready." in self.log().rpartition(marker)[2] or not self.alive,
                timeout=30,
                what="the worker to be ready",
                interval=0.1,
            )
            assert self.alive, f"the worker exited at start:\n{self.log()[-3000:]}"
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def pool_child(self) -> int:
        """The pid of the prefork pool's first process."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        assert children, "the worker has no pool process"
        return int(children[0])

    def kill(self) -> None:
        """SIGKILL the whole worker (its session: the main process and its pool)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """TERM (a warm shutdown), then KILL what is left after 15 s."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> WorkerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- A PostgreSQL connection that can be cut -------------------------------------------------------------


class DatabaseGate:
    """A TCP relay to PostgreSQL on a port of its own; ``close()`` refuses new connections and cuts the
    open ones (a database restarting), ``open()`` lets them through again."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._pipes: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave it accepting.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            pipes, self._pipes = self._pipes, []
        for pipe in pipes:
            with contextlib.suppress(OSError):
                pipe.shutdown(socket.SHUT_RDWR)
            pipe.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pipes += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        sockets = [a, b]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 1.0)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def __enter__(self) -> DatabaseGate:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def worker_log_on_failure(worker: WorkerProcess) -> Iterator[None]:
    """Add the end of the worker's log to an assertion that fails inside the block."""
    try:
        yield
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- worker log (end) ---\n{worker.log()[-4000:]}") from None
