"""`vigie`: the command line for whoever runs the server."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot import __version__
from bot.chat.transport import StartupError
from bot.settings import Settings, SettingsError, load_settings
from bot.store import StoreError
from vigie.app import open_services


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigie", description="Veille e-réputation pour cabinets de santé."
    )
    parser.add_argument("--version", action="version", version=f"vigie {__version__}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="démarre les adaptateurs configurés (la console si aucun)")
    sub.add_parser("console", help="démarre la console (terminal)")
    invite = sub.add_parser("invite", help="affiche un code pour relier une conversation")
    invite.add_argument("--team", help="nom de l'équipe (créée si besoin)")
    invite.add_argument("--hours", type=int, default=48, help="validité du code en heures")
    ev = sub.add_parser("eval", help="mesure l'appariement des noms et le tri sur un corpus")
    ev.add_argument("--watchlist", required=True, type=Path)
    ev.add_argument("--corpus", required=True, type=Path)
    ev.add_argument("--predict", action="store_true", help="une ligne JSON par élément")
    verify = sub.add_parser("verify", help="vérifie les empreintes d'un lot de preuve (ZIP)")
    verify.add_argument("bundle", type=Path)
    export = sub.add_parser("export", help="exporte les données d'une équipe (CSV/JSON)")
    export.add_argument("--team", help="nom de l'équipe (par défaut : celle du serveur)")
    export.add_argument("--out", type=Path, help="dossier de sortie")
    google = sub.add_parser("google", help="connecte le compte Google Business Profile du cabinet")
    google_sub = google.add_subparsers(dest="google_command")
    connect = google_sub.add_parser(
        "connecter", aliases=["connect"], help="autorise Vigie et choisit l'établissement"
    )
    connect.add_argument(
        "--sans-navigateur",
        "--no-browser",
        dest="no_browser",
        action="store_true",
        help="serveur sans navigateur : coller l'adresse de retour de Google",
    )
    connect.add_argument(
        "--port", type=int, default=0, help="port local de retour (défaut : libre)"
    )
    connect.add_argument("--team", help="nom de l'équipe (par défaut : celle du serveur)")
    purge = sub.add_parser("purge", help="supprime les avis détectés avant une date")
    purge.add_argument("--before", required=True, help="date AAAA-MM-JJ")
    purge.add_argument("--yes", action="store_true", help="ne pas demander confirmation")
    purge.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="N[,N…]",
        help="numéros d'avis à supprimer même si leur dossier est ouvert",
    )
    # --- ops (vigie/ops) ---
    sub.add_parser("doctor", help="vérifie chaque service configuré et dit comment corriger")
    backup = sub.add_parser("backup", help="sauvegarde la base et les données (archive + SHA-256)")
    backup.add_argument("--out", type=Path, help="dossier (par défaut VIGIE_BACKUP_DIR)")
    restore = sub.add_parser("restore", help="vérifie une sauvegarde puis la remet en place")
    restore.add_argument("archive", type=Path)
    restore.add_argument("--yes", action="store_true", help="remplacer les données actuelles")
    # --- end ops ---
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `vigie` console script."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "eval":
            from bot.evaluation import run_eval

            return run_eval(args.watchlist, args.corpus, predict=args.predict, out=sys.stdout)
        if command == "verify":
            return _verify(args.bundle)
        settings = load_settings()
        if command in ("run", "console"):
            from vigie.runtime import run_vigie

            return asyncio.run(run_vigie(settings, force_console=command == "console"))
        if command in ("doctor", "backup", "restore"):  # ops (vigie/ops)
            from vigie.ops.commands import run_ops_command

            return run_ops_command(command, args, settings)
        if command == "invite":
            return asyncio.run(_invite(settings, args.team, args.hours))
        if command == "export":
            from vigie.export import export_team

            return asyncio.run(export_team(settings, team=args.team, out=args.out))
        if command == "google":
            from vigie.google_connect import run_connect

            if args.google_command not in ("connecter", "connect"):
                print("Usage : vigie google connecter [--sans-navigateur]", file=sys.stderr)
                return 2
            return asyncio.run(
                run_connect(settings, browser=not args.no_browser, port=args.port, team=args.team)
            )
        if command == "purge":
            from vigie.export import purge_before

            return asyncio.run(
                purge_before(settings, args.before, confirmed=args.yes, include=args.include)
            )
    except (SettingsError, StoreError, StartupError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ExceptionGroup as group:
        # Raised inside the TaskGroup that runs the adapters (a token refused at start).
        known, rest = group.split((SettingsError, StoreError, StartupError))
        if known is None or rest is not None:
            raise
        for problem in _leaves(known):
            print(str(problem), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def _verify(bundle: Path) -> int:
    """`vigie verify`: one French line per finding, exit 0 only when intact; never a traceback."""
    from bot.capture.verify import Refused, Registered, trust_from_env, verify_bundle
    from bot.store.captures import find_bundle

    try:
        settings: Settings | None = load_settings()
    except SettingsError:
        settings = None
    try:
        trust = trust_from_env()
        if trust is None and settings is not None and settings.tsa_ca is not None:
            trust = settings.tsa_ca.read_bytes()
    except (Refused, OSError) as exc:
        print(f"Vérification impossible : {exc}")
        return 2
    database = settings.database if settings is not None else None

    def registry(name: str, sha256: str) -> Registered | None:
        found = find_bundle(database, name, sha256) if database is not None else None
        return Registered(found[1], found[0]) if found else None

    on_server = database is not None and database.is_file()
    report = verify_bundle(bundle, registry=registry if on_server else None, trust_pem=trust)
    for line in report.lines:
        print(line)
    return 0 if report.ok else 1


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    """The exceptions of a (nested) group, flattened."""
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out


async def _invite(settings: Settings, team: str | None, hours: int) -> int:
    if not 1 <= hours <= 24 * 30:
        print("La validité d'un code va de 1 heure à 30 jours (--hours).", file=sys.stderr)
        return 2
    services = await open_services(settings)
    try:
        teams = services.store.teams
        if team:
            found = await teams.find_by_name(team)
            team_id = found or await teams.create(team, language=settings.language)
        else:
            team_id = await teams.default_team(settings.team_name, language=settings.language)
        code = await teams.create_invite(team_id, ttl=timedelta(hours=hours))
        name = (await teams.settings(team_id)).team_name
    finally:
        await services.store.close()
    print(f"Code à usage unique pour l'équipe « {name} », valable {hours} h.")
    print("Dans la conversation à relier, tapez : /rejoindre CODE")
    print(code)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
