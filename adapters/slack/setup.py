"""Whether and how Slack runs, from the `VIGIE_SLACK_*` settings, one clear message per mistake."""

from __future__ import annotations

from pydantic import SecretStr

from adapters.slack.adapter import SlackAdapter
from bot.chat.transport import ChatTransport, StartupError
from bot.router import Router
from bot.settings import Settings


def _secret(value: SecretStr | None) -> str:
    """The clear value of an optional secret setting ("" when unset)."""
    return value.get_secret_value().strip() if value is not None else ""


def slack_platform(settings: Settings, router: Router) -> ChatTransport | None:
    """The Slack adapter when VIGIE_SLACK_BOT_TOKEN is set; None when Slack is not configured.

    Socket Mode by default (VIGIE_SLACK_APP_TOKEN); HTTP mode when VIGIE_SLACK_HTTP_PORT is set
    (then VIGIE_SLACK_SIGNING_SECRET is required).
    """
    bot = _secret(settings.slack_bot_token)
    app = _secret(settings.slack_app_token)
    signing = _secret(settings.slack_signing_secret)
    if not bot:
        if app or signing or settings.slack_http_port is not None:
            raise StartupError(
                "Slack est à moitié configuré : VIGIE_SLACK_BOT_TOKEN manque. Copiez le « Bot User "
                "OAuth Token » (xoxb-…) de la page « OAuth & Permissions » de l'application Slack, "
                "ou videz les autres variables VIGIE_SLACK_* pour désactiver Slack."
            )
        return None
    if not bot.startswith("xoxb-"):
        hint = ""
        if bot.startswith("xapp-"):
            hint = " (celui-ci est le jeton d'application : il va dans VIGIE_SLACK_APP_TOKEN)"
        raise StartupError(
            f"VIGIE_SLACK_BOT_TOKEN doit commencer par xoxb-{hint}. Copiez le « Bot User OAuth "
            "Token » de la page « OAuth & Permissions » de l'application Slack."
        )
    if settings.slack_http_port is not None:
        if not signing:
            raise StartupError(
                "Mode HTTP Slack (VIGIE_SLACK_HTTP_PORT) : VIGIE_SLACK_SIGNING_SECRET manque. "
                "Copiez le « Signing Secret » de la page « Basic Information » de l'application."
            )
        return SlackAdapter(
            router,
            bot_token=bot,
            signing_secret=signing,
            api_url=settings.slack_api_url,
            http_port=settings.slack_http_port,
            http_host=settings.slack_http_host,
            lang=settings.language,
        )
    if not app.startswith("xapp-"):
        problem = "doit commencer par xapp-" if app else "manque"
        raise StartupError(
            f"Socket Mode Slack : VIGIE_SLACK_APP_TOKEN {problem}. Créez un jeton d'application "
            "avec la portée connections:write (« Basic Information » > « App-Level Tokens ») ; "
            "ou, pour un serveur joignable en HTTPS, passez en mode HTTP avec "
            "VIGIE_SLACK_HTTP_PORT et VIGIE_SLACK_SIGNING_SECRET."
        )
    return SlackAdapter(
        router,
        bot_token=bot,
        app_token=app,
        api_url=settings.slack_api_url,
        lang=settings.language,
    )
