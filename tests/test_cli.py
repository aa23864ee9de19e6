"""CLI: every command works, and bad input gives one line and a non-zero exit."""

import subprocess
import sys
from pathlib import Path

import pytest

from inspector.auth.models import User
from inspector.extensions import db


@pytest.fixture
def cli(app, db_session):
    runner = app.test_cli_runner()

    def invoke(*args, input=None):
        return runner.invoke(args=list(args), input=input, catch_exceptions=False)

    return invoke


def test_units_create_and_list(cli):
    result = cli("units", "create", "410105-TEST", "--name", "测试单位", "--kind", "sanitation")
    assert result.exit_code == 0, result.output
    assert "410105-TEST" in cli("units", "list").output


def test_users_create_list_disable(cli, db_session):
    assert (
        cli(
            "users", "create", "alice", "--role", "inspector", "--password", "long enough"
        ).exit_code
        == 0
    )
    assert "alice\tinspector" in cli("users", "list").output
    assert cli("users", "disable", "alice").exit_code == 0
    assert db_session.scalar(db.select(User.active).where(User.username == "alice")) is False


def test_users_create_prompts_for_the_password_when_not_given(cli):
    result = cli(
        "users", "create", "bob", "--role", "inspector", input="long enough\nlong enough\n"
    )
    assert result.exit_code == 0, result.output


def test_tokens_create_prints_once_and_revoke_works(cli):
    cli("users", "create", "robot", "--role", "admin", "--password", "long enough")
    token = cli("tokens", "create", "robot").output.strip()
    assert token.startswith("insp_")
    assert cli("tokens", "revoke", token[:12]).exit_code == 0


BAD_INPUT = [
    (("users", "create", "x", "--role", "king", "--password", "long enough"), "role"),
    (("users", "create", "x", "--role", "staff", "--password", "long enough"), "unit"),
    (("users", "create", "x", "--role", "inspector", "--password", "short"), "8"),
    (
        ("users", "create", "x", "--role", "staff", "--unit", "NOPE", "--password", "long enough"),
        "NOPE",
    ),
    (("users", "disable", "nobody"), "nobody"),
    (("tokens", "create", "nobody"), "nobody"),
    (("tokens", "revoke", "insp_missing"), "insp_missing"),
    (("units", "create", "bad code!", "--name", "甲", "--kind", "sanitation"), "code"),
    (("units", "create", "U1", "--name", "甲", "--kind", "emperor"), "kind"),
    (("units", "create", "U1", "--name", "甲", "--kind", "sanitation", "--parent", "NOPE"), "NOPE"),
    (("categories", "load", "--file", "/no/such/file.toml"), "no such file"),
]


@pytest.mark.parametrize(("args", "mentions"), BAD_INPUT)
def test_bad_cli_input_gives_one_line_and_a_non_zero_exit(cli, args, mentions):
    result = cli(*args)
    assert result.exit_code != 0
    lines = [line for line in result.output.strip().splitlines() if line.startswith("Error")]
    assert len(lines) == 1, result.output
    assert mentions in lines[0]
    assert "Traceback" not in result.output


def test_a_broken_taxonomy_file_is_refused_in_one_line(cli, tmp_path):
    broken = tmp_path / "t.toml"
    broken.write_text("[[items]]\ncode = 1\n")
    result = cli("categories", "load", "--file", str(broken))
    assert result.exit_code == 1
    assert result.output.count("\n") == 1


def test_the_console_script_reports_an_unreachable_database_in_one_line(tmp_path):
    env = {
        "DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none",
        "PATH": "/usr/bin:/bin",
        "INSPECTOR_INSTANCE": str(tmp_path),
    }
    script = Path(sys.executable).with_name("inspector")
    result = subprocess.run(
        [str(script), "users", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: cannot reach the database: start it with `inspector db up` or check DATABASE_URL"
    ]
