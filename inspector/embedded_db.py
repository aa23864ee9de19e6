"""The project's private PostgreSQL + PostGIS cluster, used when DATABASE_URL is not set.

It lives in `instance/postgres/` (data directory, Unix socket, log, credentials) and listens on a
free port of 127.0.0.1 with a random password, so nothing else on the machine needs configuring.
PostgreSQL refuses to run as root, so when we are root the server runs as an unprivileged user.
"""

import glob
import hashlib
import json
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "inspector"
DB_USER = "inspector"
SERVER_USER = os.environ.get("INSPECTOR_PG_USER", "postgres")
UNINITIALISED_URL = "postgresql+psycopg://inspector@127.0.0.1:1/embedded-database-not-initialised"


class ClusterError(RuntimeError):
    """A problem the user can fix; the message says how."""


@dataclass
class Cluster:
    home: Path  # instance/postgres: credentials and pointers, owned by whoever runs the app

    @classmethod
    def for_instance(cls, instance_path: Path) -> "Cluster":
        return cls(Path(instance_path) / "postgres")

    # -- locations -------------------------------------------------------------------------

    @property
    def credentials_path(self) -> Path:
        return self.home / "credentials.json"

    @property
    def data_root(self) -> Path:
        """Where the server's own files live (see `_choose_data_root`)."""
        pointer = self.home / "data_root"
        return Path(pointer.read_text().strip()) if pointer.exists() else self.home / "server"

    @property
    def data_dir(self) -> Path:
        return self.data_root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.data_root / "socket"

    @property
    def log_path(self) -> Path:
        return self.data_root / "server.log"

    # -- public operations -----------------------------------------------------------------

    def url(self, database: str = DB_NAME) -> str:
        creds = self._credentials()
        return f"postgresql+psycopg://{DB_USER}:{creds['password']}@127.0.0.1:{creds['port']}/{database}"

    def is_initialised(self) -> bool:
        return self.credentials_path.exists() and (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._pg_ctl("status", check=False)
        return result.returncode == 0

    def up(self) -> str:
        """Initialise (first time), start and create the database; returns a status line."""
        bindir = find_pg_bindir()
        ensure_postgis(bindir)
        if not self.is_initialised():
            self._initialise(bindir)
        if not self.is_running():
            self._start(bindir)
        self._create_database()
        return self.status()

    def down(self) -> str:
        if not self.is_running():
            return "embedded database is not running"
        self._pg_ctl("stop", "-m", "fast")
        return "embedded database stopped"

    def status(self) -> str:
        if not self.is_initialised():
            return f"embedded database not initialised (run `inspector db up`); home {self.home}"
        state = "running" if self.is_running() else "stopped"
        port = self._credentials()["port"]
        return f"embedded database {state} on 127.0.0.1:{port}, data in {self.data_dir}"

    # -- steps -----------------------------------------------------------------------------

    def _initialise(self, bindir: Path) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        data_root = self._choose_data_root()
        if data_root != self.home / "server":
            (self.home / "data_root").write_text(str(data_root))
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            shutil.rmtree(self.data_dir)  # a half-finished earlier initdb
        for path in (self.data_root, self.socket_dir):
            path.mkdir(parents=True, exist_ok=True)
        password = secrets.token_urlsafe(24)
        pwfile = self.data_root / "initial_password"
        pwfile.write_text(password)
        self._give_to_server_user(self.data_root)
        try:
            self._run_as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    DB_USER,
                    f"--pwfile={pwfile}",
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        self._write_credentials({"password": password, "port": free_port()})

    def _start(self, bindir: Path) -> None:
        creds = self._credentials()
        if not port_is_free(creds["port"]):
            creds["port"] = free_port()
            self._write_credentials(creds)
        options = (
            f"-p {creds['port']} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c shared_buffers=256MB"
        )
        result = self._pg_ctl(
            "start",
            "-w",
            "-t",
            "60",
            "-l",
            str(self.log_path),
            "-o",
            options,
            check=False,
            bindir=bindir,
        )
        if result.returncode != 0:
            tail = (
                self.log_path.read_text(errors="replace")[-800:] if self.log_path.exists() else ""
            )
            raise ClusterError(f"the embedded PostgreSQL did not start: {tail.strip()}")

    def _create_database(self) -> None:
        import psycopg

        creds = self._credentials()
        dsn = dict(host="127.0.0.1", port=creds["port"], user=DB_USER, password=creds["password"])
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DB_NAME}"')
        with psycopg.connect(dbname=DB_NAME, autocommit=True, **dsn) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    # -- helpers ---------------------------------------------------------------------------

    def _choose_data_root(self) -> Path:
        """instance/postgres/server, unless the server user cannot reach it.

        A checkout inside a root-only directory (e.g. `mktemp -d`) cannot be entered by the
        unprivileged server user; then the data goes to /var/lib/inspector/<hash of the path>.
        """
        preferred = self.home / "server"
        if not running_as_root() or self._server_user_can_enter(self.home):
            return preferred
        digest = hashlib.sha256(str(self.home.resolve()).encode()).hexdigest()[:12]
        return Path("/var/lib/inspector") / digest

    def _server_user_can_enter(self, path: Path) -> bool:
        result = subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", "test", "-x", str(path)], capture_output=True
        )
        return result.returncode == 0

    def _give_to_server_user(self, path: Path) -> None:
        if running_as_root():
            account = server_account()
            for item in [path, *path.rglob("*")]:
                os.chown(item, account.pw_uid, account.pw_gid)
            os.chmod(path, 0o700)

    def _run_as_server_user(self, command: list[str], check: bool = True):
        prefix = ["runuser", "-u", SERVER_USER, "--"] if running_as_root() else []
        result = subprocess.run(prefix + command, capture_output=True, text=True)
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()
            raise ClusterError(f"{Path(command[0]).name} failed: {message[-1] if message else ''}")
        return result

    def _pg_ctl(self, *args: str, check: bool = True, bindir: Path | None = None):
        bindir = bindir or find_pg_bindir()
        return self._run_as_server_user(
            [str(bindir / "pg_ctl"), "-D", str(self.data_dir), *args], check=check
        )

    def _credentials(self) -> dict:
        if not self.credentials_path.exists():
            raise ClusterError(
                "DATABASE_URL is not set and the embedded database is not initialised: "
                "run `inspector db up` (or `make run`)"
            )
        return json.loads(self.credentials_path.read_text())

    def _write_credentials(self, creds: dict) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.credentials_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(creds, handle)


def running_as_root() -> bool:
    return os.geteuid() == 0


def server_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise ClusterError(
            f"running as root needs an unprivileged user '{SERVER_USER}' to run PostgreSQL: "
            f"install PostgreSQL (`apt-get install postgresql`) or set INSPECTOR_PG_USER"
        ) from None


def find_pg_bindir() -> Path:
    """The newest PostgreSQL server binaries on this machine (Debian keeps them off PATH)."""
    override = os.environ.get("PG_BINDIR")
    candidates = [override] if override else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise ClusterError(
        "PostgreSQL server binaries not found: install them with "
        "`apt-get install postgresql postgresql-15-postgis-3` or set DATABASE_URL"
    )


def pg_major_version(bindir: Path) -> str:
    output = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise ClusterError(f"cannot read the PostgreSQL version from: {output.strip()}")
    return match.group(1)


def postgis_installed(bindir: Path) -> bool:
    sharedir = subprocess.run(
        [str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True
    ).stdout.strip()
    if not sharedir:
        sharedir = f"/usr/share/postgresql/{pg_major_version(bindir)}"
    return Path(sharedir, "extension", "postgis.control").exists()


def ensure_postgis(bindir: Path) -> None:
    """Install PostGIS from the OS packages when it is missing and we are allowed to."""
    if postgis_installed(bindir):
        return
    package = f"postgresql-{pg_major_version(bindir)}-postgis-3"
    if running_as_root() and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        result = subprocess.run(
            ["apt-get", "install", "-y", "-q", package], env=env, capture_output=True, text=True
        )
        if result.returncode == 0 and postgis_installed(bindir):
            return
    raise ClusterError(f"PostGIS is not installed: run `sudo apt-get install {package}`")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _version_key(path: str) -> float:
    match = re.search(r"/(\d+(?:\.\d+)?)/bin$", path)
    return float(match.group(1)) if match else 0.0


@contextmanager
def throwaway_database(server_url: str, prefix: str):
    """A new, empty database on the server of `server_url`, dropped afterwards; yields its URL.

    Tests and benchmarks build their schema in one with the migrations.
    """
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with _maintenance_connection(url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with _maintenance_connection(url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _maintenance_connection(url):
    import psycopg

    return psycopg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        dbname="postgres",
        autocommit=True,
    )
