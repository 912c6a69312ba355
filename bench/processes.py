"""The processes of a run under load (bench/load.py): gunicorn, Celery workers, PgBouncer and a Redis of its own,
each started on the local machine and stopped again whatever happens."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from mentorprogram.env import env_database

ROOT = Path(__file__).resolve().parent.parent
PGBOUNCER_PORT = 6432


def wait_until(ready: Callable[[], bool], processes: list, what: str, *, seconds: float = 60, log: Path | None = None):
    """Until ``ready()``; SystemExit naming ``what`` (and the end of ``log``) when one of ``processes`` ended or
    ``seconds`` passed first."""
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
            tail = log.read_text()[-2000:] if log is not None and log.exists() else ""
            raise SystemExit(f"{what} did not start{': ' + tail if tail else ''}")
        time.sleep(0.1)


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def stop_all(processes: list[subprocess.Popen]) -> None:
    """Ask each of ``processes`` to end, then wait for them together (a graceful gunicorn or Celery shutdown takes
    most of a second: one after another, a run's processes took seconds); killed after 30 s."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 30
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn_start(env: dict, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "mentorprogram.wsgi:application"],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_ACCESS_LOG": "/dev/null",
            "GUNICORN_ERROR_LOG": "/dev/null",
            "MENTORPROGRAM_BENCH_QUERY_COUNT": "1",
        },
    )


def celery_worker_start(env: dict, log: Path, name: str) -> subprocess.Popen:
    """A Celery worker with its outbox relay (mentorprogram.celery.OutboxRelay): two of them are two relays."""
    command = [sys.executable, "-m", "celery", "-A", "mentorprogram", "worker", "--pool=solo", f"--hostname={name}@%h"]
    command += ["--without-mingle", "--without-gossip", "--loglevel=WARNING", f"--logfile={log}"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pgbouncer_start(directory: Path) -> subprocess.Popen:
    """Debian's PgBouncer in transaction mode on a Unix socket in ``directory``, in front of the PostgreSQL that
    DATABASE_URL names (scripts/with-services.sh installs the package). It refuses to run as root: then as postgres."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise SystemExit("pgbouncer is missing: install the Debian package 'pgbouncer' (make bench does)")
    upstream = env_database("DATABASE_URL")  # the host a socket directory, unquoted
    directory.mkdir(mode=0o755)
    (directory / "userlist.txt").write_text('"app" ""\n')
    (directory / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={upstream['HOST']} port={upstream['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        "listen_addr =\n"
        f"listen_port = {PGBOUNCER_PORT}\n"
        f"unix_socket_dir = {directory}\n"
        "pool_mode = transaction\n"
        "auth_type = trust\n"
        f"auth_file = {directory}/userlist.txt\n"
        "max_client_conn = 400\n"
        "default_pool_size = 20\n"
        f"logfile = {directory}/pgbouncer.log\n"
    )
    as_user = {}
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        for path in directory.iterdir():
            shutil.chown(path, "postgres")
        # Not through runuser: it answers SIGTERM by waiting two seconds before it kills its child.
        as_user = {"user": "postgres", "group": "postgres", "extra_groups": []}
    process = subprocess.Popen(
        [binary, str(directory / "pgbouncer.ini")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **as_user
    )
    socket_path = directory / f".s.PGSQL.{PGBOUNCER_PORT}"
    wait_until(socket_path.exists, [process], "pgbouncer", seconds=20, log=directory / "pgbouncer.log")
    return process


def pooled_url(directory: Path, name: str) -> str:
    """The database ``name`` through the PgBouncer in ``directory``."""
    return f"postgres://app@{quote(str(directory), safe='')}:{PGBOUNCER_PORT}/{name}"


def redis_url(directory: Path) -> str:
    """The Redis that ``redis_start`` started in ``directory``."""
    return f"unix://{directory}/redis.sock"


def redis_start(directory: Path) -> subprocess.Popen:
    """A Redis of the run's own on a Unix socket in ``directory`` (nothing kept on disk)."""
    directory.mkdir()
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(directory / "redis.sock"), "--unixsocketperm", "700"]
        + ["--dir", str(directory), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until((directory / "redis.sock").exists, [process], "the load run's Redis", seconds=20)
    return process
