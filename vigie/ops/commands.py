"""`vigie doctor`, `vigie backup` and `vigie restore` as the command line runs them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.settings import Settings
from vigie.ops.backup import BackupError, create_backup, restore_backup


def run_ops_command(command: str, args: argparse.Namespace, settings: Settings) -> int:
    """Run one operations command; its exit status."""
    if command == "doctor":
        from vigie.ops.doctor import run_doctor

        return asyncio.run(run_doctor(settings, sys.stdout))
    try:
        if command == "backup":
            made = create_backup(settings, args.out)
            print(f"Sauvegarde écrite : {made.path} ({made.files} fichiers)")
            print(f"SHA-256 : {made.sha256} (aussi dans {made.path.name}.sha256)")
            return 0
        for line in restore_backup(args.archive, settings, confirmed=args.yes):
            print(line)
        return 0
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
