"""Entry point of the ``dataguard`` console script."""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from dataguard import __version__
from dataguard.detect import multiscan

#: Each command and where it is defined. A command's module is imported when the command
#: runs (or help lists it): ``dataguard filter`` loaded every module before, the
#: database, Excel and keystore ones too, 0.6 of the 1.0 s a one-line filter took.
COMMANDS: dict[str, tuple[str, str]] = {
    "detect": ("dataguard.cli.detect", "detect_command"),
    "recognizers": ("dataguard.cli.detect", "recognizers_command"),
    "mask": ("dataguard.cli.mask", "mask_command"),
    "filter": ("dataguard.cli.mask", "filter_command"),
    "profiles": ("dataguard.cli.mask", "profiles_command"),
    "redact": ("dataguard.cli.redact", "redact_command"),
    "scan": ("dataguard.cli.scan", "scan_group"),
    "lint": ("dataguard.cli.lint", "lint_command"),
    "keys": ("dataguard.cli.keys", "keys_group"),
    "encrypt": ("dataguard.cli.keys", "encrypt_command"),
    "decrypt": ("dataguard.cli.keys", "decrypt_command"),
    "audit": ("dataguard.cli.audit", "audit_group"),
    "identity": ("dataguard.cli.identity", "identity_group"),
    "destroy": ("dataguard.cli.destroy", "destroy_group"),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when they are looked up (see COMMANDS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


HELP = """Find and protect Chinese personal data in logs, databases and exports.

\b
Examples:
  dataguard detect samples/app.log            # findings per line, as JSON
  tail -f app.log | dataguard detect          # from a pipe
  dataguard detect --jsonl --field msg a.jsonl
  dataguard recognizers                       # what can be detected
  dataguard mask 13812341050                  # ******1050
  tail -F app.log | dataguard filter          # mask a log stream
  dataguard profiles                          # masking profiles, with examples
  dataguard redact orders.csv -o safe.csv     # a redacted copy of an export
  dataguard scan db sqlite:///samples/shop.db -o report.html  # personal data in a database
  dataguard scan dump backup.sql              # ... in a SQL dump, without a server
  dataguard lint shop.sql                     # schema hygiene (Youzan 7.1-7.3)
  dataguard keys init                         # a keystore for envelope encryption
  dataguard encrypt --scope members.mobile 13812341050   # a dg1: token
  dataguard audit verify                      # check the tamper-evident audit log
  dataguard identity create olga --role operator   # a signing identity
  dataguard destroy plan --config destroy.toml      # certified destruction

Exit status: 0 no findings, 1 findings reported, 2 usage or input error.
"""


@click.group(cls=_LazyGroup, help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dataguard")
def cli() -> None:
    """The dataguard command group."""
    multiscan.on_cold_compile = _say_cold_compile


def _say_cold_compile(cache: Path) -> None:
    # Once per machine and pattern set the prefilter takes a while to build (measured on
    # a 2-core machine: 74 to 88 s for every entity on a first run, 28 s for another
    # entity set after it); say so rather than look hung (stderr: stdout is the data).
    click.echo(
        "dataguard: building the Hyperscan prefilter for these patterns (once; up to two "
        f"minutes on a first run, less for another entity set; cached in {cache})",
        err=True,
    )


def main() -> None:
    """Run the CLI (console-script entry point)."""
    cli(prog_name="dataguard")


if __name__ == "__main__":  # pragma: no cover
    main()
