"""Entry point of the ``dataguard`` console script."""

from __future__ import annotations

from pathlib import Path

import click
from dataguard.cli.audit import audit_group
from dataguard.cli.destroy import destroy_group
from dataguard.cli.detect import detect_command, recognizers_command
from dataguard.cli.identity import identity_group
from dataguard.cli.keys import decrypt_command, encrypt_command, keys_group
from dataguard.cli.lint import lint_command
from dataguard.cli.mask import filter_command, mask_command, profiles_command
from dataguard.cli.redact import redact_command
from dataguard.cli.scan import scan_group

from dataguard import __version__
from dataguard.detect import multiscan

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


@click.group(help=HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="dataguard")
def cli() -> None:
    """The dataguard command group."""
    multiscan.on_cold_compile = _say_cold_compile


def _say_cold_compile(cache: Path) -> None:
    # Once per machine and pattern set the prefilter takes seconds to build; say so rather
    # than look hung (stderr: stdout is the data).
    click.echo(
        "dataguard: building the Hyperscan prefilter for these patterns (once, about 10 s; "
        f"cached in {cache})",
        err=True,
    )


cli.add_command(detect_command)
cli.add_command(recognizers_command)
cli.add_command(mask_command)
cli.add_command(filter_command)
cli.add_command(profiles_command)
cli.add_command(redact_command)
cli.add_command(scan_group)
cli.add_command(lint_command)
cli.add_command(keys_group)
cli.add_command(encrypt_command)
cli.add_command(decrypt_command)
cli.add_command(audit_group)
cli.add_command(identity_group)
cli.add_command(destroy_group)


def main() -> None:
    """Run the CLI (console-script entry point)."""
    cli(prog_name="dataguard")


if __name__ == "__main__":  # pragma: no cover
    main()
