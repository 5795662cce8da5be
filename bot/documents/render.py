"""Renders the editable Jinja2 templates: HTML escaped, plain text isolated, mistakes reported.

Templates live in `bot/templates/<langue>/<document>.<txt|html>.j2`. A `.html.j2` template is
autoescaped; a `.txt.j2` one is not (its output is plain text, e-mail or Word). In both, every
outside value (`Untrusted`) is already cleaned and is wrapped in bidi isolates when printed.
Printing `None` is an error, so a template can never leave a blank in a letter.
Top-level `{% set name %}…{% endset %}` blocks (subject, sender, recipient…) are read back
as the document's named parts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
)

from bot.documents.errors import DocumentRefused
from bot.documents.safe import Untrusted, isolate

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
_BLANK_RUNS = re.compile(r"\n{3,}")
_MARKUP_KINDS = frozenset({"html", "xml"})


class _NoneInTemplate(TemplateError):
    """A template printed a value that is not set."""


def _finalize(value: object) -> object:
    """Refuse blanks; isolate outside text so it cannot reorder or fake the letter's own."""
    if value is None:
        raise _NoneInTemplate("une valeur absente (None) est affichée sans condition {% if %}")
    if isinstance(value, Untrusted):
        return isolate(value)
    return value


@lru_cache(maxsize=8)
def environment(markup: bool, override: Path | None = None) -> Environment:
    """The environment for HTML/XML (`markup`, autoescaped) or for plain text (not escaped).

    Two environments, not one with per-file autoescaping: a macro file shared by both kinds
    (`_labels.j2`) is then compiled with the escaping of the document that imports it.
    Files in `override` (same layout) win over the shipped ones.
    """
    loaders = [FileSystemLoader(str(override))] if override is not None else []
    loaders.append(FileSystemLoader(str(TEMPLATES_DIR)))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=markup,  # noqa: S701 - plain text is cleaned and isolated, not HTML-escaped
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered template: its body and its named parts (subject, sender, recipient…)."""

    body: str
    parts: Mapping[str, str]

    def part(self, name: str) -> str:
        """A named part, or "" when the template does not define it."""
        return self.parts.get(name, "")


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)) + "\n"


def render(
    document: str,
    language: str,
    facts: Mapping[str, object],
    *,
    kind: str = "txt",
    templates: Path | None = None,
) -> Rendered:
    """Render `<language>/<document>.<kind>.j2`; a broken template becomes a polite refusal."""
    name = f"{language}/{document}.{kind}.j2"
    try:
        template = environment(kind in _MARKUP_KINDS, templates).get_template(name)
        module = template.make_module(dict(facts))
        body = str(module)
        parts = {
            key: _tidy(str(value)).strip("\n")
            for key, value in vars(module).items()
            if not key.startswith("_") and isinstance(value, str)
        }
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise DocumentRefused(
            f"Le modèle « {name} » n'a pas pu être utilisé ({exc}). "
            "Corrigez ce fichier ou remettez la version fournie avec Vigie."
        ) from exc
    return Rendered(body=_tidy(body), parts=parts)
