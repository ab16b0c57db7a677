"""Command modules are imported when their command runs, not all at start-up.

``dataguard filter`` imported every command module (redaction, scanning, the keystore,
destruction: polars, SQLAlchemy, cryptography) before reading a line.
"""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner
from dataguard.cli.main import COMMANDS, cli


def test_every_listed_command_resolves_to_the_command_of_that_name() -> None:
    context = click.Context(cli)
    assert isinstance(cli, click.Group)
    assert cli.list_commands(context) == sorted(COMMANDS)
    for name in COMMANDS:
        command = cli.get_command(context, name)
        assert command is not None
        assert command.name == name
    assert cli.get_command(context, "no-such-command") is None
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output


def test_filter_loads_no_other_command_module() -> None:
    probe = (
        "import sys\n"
        "from dataguard.cli.main import main\n"
        "sys.argv = ['dataguard', 'filter']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('dataguard.cli.'))\n"
        "print(' '.join(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        input="手机13812341050\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout == "手机******1050\n", done.stderr
    loaded = set(done.stderr.strip().splitlines()[-1].split())
    for module in ("redact", "scan", "destroy", "identity", "lint", "audit"):
        assert f"dataguard.cli.{module}" not in loaded
    assert "dataguard.cli.mask" in loaded
