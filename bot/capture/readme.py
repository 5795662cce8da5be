"""LISEZMOI.txt: what the bundle holds, how to check it, and what it is worth before a court."""

from __future__ import annotations

from collections.abc import Mapping

from bot.capture.band import visible
from bot.capture.bundle import MANIFEST, README, SUMS

DESCRIPTIONS = {
    "capture.png": (
        "capture d'écran de la page entière, sous un bandeau qui indique l'adresse complète "
        "et la date et l'heure de la capture en temps universel (UTC)"
    ),
    "page.pdf": (
        "la page imprimée au format A4, arrière-plans compris ; chaque feuille porte "
        "l'adresse et l'heure UTC de la capture"
    ),
    "page.html": "le code HTML de la page tel que le navigateur l'affichait (scripts exécutés)",
    "page.warc.gz": (
        "les échanges avec le serveur (requêtes et réponses de la page et de chacune de ses "
        "ressources : images, feuilles de style, scripts, polices) au format WARC, norme "
        "ISO 28500, que les outils d'archivage du web (ReplayWeb.page, pywb) rejouent"
    ),
    "extrait.png": (
        "la partie de la page où figure le texte de l'avis, encadrée en rouge, sous le même "
        "bandeau (adresse, heure)"
    ),
    "mention.txt": "la mention telle que Vigie l'a reçue de la source, en clair",
    "mention.json": "la même mention, données complètes reçues de la source (format JSON)",
    MANIFEST: (
        "la fiche technique : adresses demandée et finale, statut et en-têtes HTTP, adresse IP "
        "du serveur, heures de début et de fin (UTC), navigateur et version, version de Vigie, "
        "empreinte SHA-256 de chaque fichier"
    ),
    SUMS: "les empreintes SHA-256 de tous les fichiers, au format des outils sha256sum",
    README: "ce texte",
}


# How to check the hashes and what the bundle is worth: the same for every bundle.
_HOW_TO_VERIFY = [
    "",
    "L'empreinte de manifest.json et de ce texte figure dans SHA256SUMS.",
    "",
    "3. Vérifier que rien n'a changé",
    "",
    "Une empreinte SHA-256 est calculée à partir du contenu d'un fichier : la moindre",
    "modification du fichier donne une empreinte entièrement différente. Pour vérifier :",
    "",
    "- avec Vigie : vigie verify DOSSIER.zip (chaque fichier est déclaré OK, MODIFIÉ,",
    "  MANQUANT ou EN TROP, puis le résultat est résumé) ;",
    "- sous Linux, dans le dossier décompressé : sha256sum -c SHA256SUMS ;",
    "- sous macOS : shasum -a 256 -c SHA256SUMS ;",
    "- sous Windows (PowerShell) : Get-FileHash -Algorithm SHA256 capture.png, puis",
    "  comparer le résultat avec la ligne correspondante de SHA256SUMS.",
    "",
    "Vigie a aussi enregistré dans son journal l'empreinte du fichier ZIP au moment de la",
    "capture : sur le serveur, vigie verify l'affiche et la compare à celle du fichier",
    "transmis.",
    "",
    "Quand le lot est horodaté, SHA256SUMS.tsr est le jeton RFC 3161 d'une autorité",
    "d'horodatage sur SHA256SUMS, et horodatage-chaine.pem ses certificats. Vérification",
    "indépendante : openssl ts -verify -data SHA256SUMS -in SHA256SUMS.tsr",
    "-CAfile horodatage-chaine.pem (ou le certificat racine publié par l'autorité). Le PDF",
    "porte alors aussi un horodatage de document (PAdES), visible dans un lecteur PDF.",
    "",
    "4. Valeur de ce dossier",
    "",
    "Ce dossier est une capture technique réalisée par un logiciel, sans intervention d'un",
    "officier public. Il conserve la trace d'une publication qui peut disparaître et permet",
    "d'informer rapidement votre assureur ou votre avocat. Devant un tribunal, la référence",
    "reste le constat dressé par un commissaire de justice selon la norme NF Z67-147",
    "(constat sur internet). Si la publication vous porte préjudice, faites établir ce",
    "constat sans tarder : l'action en diffamation ou en injure se prescrit par trois mois",
    "à compter de la première publication (loi du 29 juillet 1881, article 65).",
    "",
]


def _result(
    *, ok: bool, note: str, notes: list[str], mention_id: object | None, timestamp: str
) -> list[str]:
    """The outcome of the capture, its remarks and its timestamp, one line each."""
    out = ["", f"Résultat : {note}"]
    if ok:
        out += [f"Remarque : {line}" for line in notes]
    if timestamp:
        out.append(f"Horodatage : {timestamp}")
    if not ok and mention_id is not None:
        out.append(
            "Le dossier conserve néanmoins la mention telle que Vigie l'a reçue de la source "
            "(texte, date, données brutes et leur empreinte)."
        )
    return out


def readme_text(
    *,
    vigie_version: str,
    requested_url: str,
    final_url: str | None,
    captured_at: str,
    operator: str,
    ok: bool,
    note: str,
    notes: list[str],
    mention_id: object | None,
    hashes: Mapping[str, str],
    timestamp: str = "",
) -> str:
    """The French notice for the people who will receive the bundle (insurer, lawyer)."""
    out = [
        "LISEZMOI — dossier de preuve Vigie",
        "==================================",
        "",
        f"Dossier produit automatiquement par Vigie {vigie_version}.",
        f"Heure de la capture : {captured_at}.",
        f"Demandée par : {visible(operator) or 'inconnu'}.",
        f"Page documentée : {visible(requested_url) if requested_url else 'aucune adresse web'}",
    ]
    if final_url and final_url != requested_url:
        out.append(f"Adresse finale après redirection : {visible(final_url)}")
    if mention_id is not None:
        out.append(f"Mention documentée : n° {mention_id} (voir mention.txt).")
    out += _result(ok=ok, note=note, notes=notes, mention_id=mention_id, timestamp=timestamp)
    out += ["", "1. Contenu du dossier", ""]
    present = [*hashes, MANIFEST, SUMS, README]
    for name in present:
        out.append(f"- {name} : {DESCRIPTIONS.get(name, 'fichier joint')}.")
    out += ["", "2. Empreintes SHA-256 relevées au moment de la capture", ""]
    out += [f"{digest}  {name}" for name, digest in hashes.items()]
    out += _HOW_TO_VERIFY
    return "\n".join(out)
