"""A fake Telegram Bot API on 127.0.0.1: the real PTB client talks to it over a real socket.

It implements the methods Vigie uses, checks what Telegram checks (HTML entities, 4,096 and
1,024-character limits, 64-byte callback data, photo dimensions, unknown or blocked chats),
serves updates by long polling, records every call, and answers 429 with `retry_after` when a
chat gets more than 1 message/s, a group more than 20/min or the bot more than 30/s (windows
optionally scaled down, like the limiter's, to keep benchmarks short). At the end: helpers to
run the real adapter against it and to build alerts as the delivery does.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web
from PIL import Image

from adapters.telegram import TelegramAdapter
from adapters.telegram.ratelimit import Limits, RateLimiter
from bot.chat.markup import reply
from bot.chat.mention_view import action_buttons, mention_block
from bot.chat.types import Reply, Urgency
from bot.models import Flag, Mention, Severity, Triage
from bot.router import Router
from bot.services import Services

TOKEN = "123456:TEST-token_for-the-fake"
BOT_ID = 123456
BOT_USERNAME = "VigieTestBot"
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument"})
JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "commands", "link_preview_options"})
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "blockquote", "tg-spoiler", "span", "tg-emoji"}
)  # fmt: skip
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
_TAG = re.compile(r"</?([a-zA-Z-]+)(\s[^<>]*)?>")


class EntityError(ValueError):
    """Telegram's "can't parse entities"."""


class _Parser(HTMLParser):
    """Telegram's HTML subset: known tags, properly nested; the visible text collected."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise EntityError(f'Unsupported start tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            raise EntityError("Can't find href of the link")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))


def parse_html(source: str) -> str:
    """The visible text of Telegram HTML, or `EntityError` as Telegram would refuse it."""
    for match in re.finditer("&", source):
        if not _ENTITY.match(source, match.start()):
            raise EntityError(f"Unsupported entity at byte offset {match.start()}")
    outside = _TAG.sub("", source)
    if "<" in outside or ">" in outside:
        raise EntityError("Unexpected < or > outside a tag")
    parser = _Parser()
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise EntityError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


def units(text: str) -> int:
    """UTF-16 code units, as Telegram counts lengths."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One API call as the fake received it."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = 0.0
    status: int = 0  # 0 while the call is being answered
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def text(self) -> str:
        """The visible text (tags removed) of a message or a caption."""
        raw = self.params.get("text") or self.params.get("caption") or ""
        return parse_html(raw) if self.params.get("parse_mode") == "HTML" else str(raw)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of the inline keyboard, row after row."""
        markup = self.params.get("reply_markup") or {}
        return [
            (key["text"], key.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for key in row
        ]


class _Windows:
    """The flood checks: at most N messages in any W seconds, per chat, per group, overall."""

    def __init__(self, limits: Limits, tolerance: float) -> None:
        self.limits = limits
        self.tolerance = tolerance
        self.chats: dict[int, deque[float]] = {}
        self.groups: dict[int, deque[float]] = {}
        self.overall: deque[float] = deque()

    def _check(self, times: deque[float], count: int, window: float, now: float) -> float:
        while times and times[0] <= now - window + self.tolerance:
            times.popleft()
        return times[0] + window - now if len(times) >= count else 0.0

    def admit(self, chat_id: int, now: float) -> float:
        """0 when the message may go (and it is counted), else the seconds to wait."""
        lim = self.limits
        chat = self.chats.setdefault(chat_id, deque())
        checks = [
            self._check(chat, lim.per_chat, lim.chat_window, now),
            self._check(self.overall, lim.overall, lim.overall_window, now),
        ]
        group = None
        if chat_id < 0:
            group = self.groups.setdefault(chat_id, deque())
            checks.append(self._check(group, lim.per_group, lim.group_window, now))
        wait = max(checks)
        if wait > 0:
            return wait
        for times in (chat, self.overall, group):
            if times is not None:
                times.append(now)
        return 0.0


class FakeTelegram:
    """The fake Bot API server, its updates queue and its record of calls."""

    def __init__(
        self,
        *,
        token: str = TOKEN,
        limits: Limits | None = None,
        tolerance: float = 0.005,
        check_limits: bool = True,
    ) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.commands: dict[str, list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {}
        self.webhook_error = ""  # what getWebhookInfo reports as last_error_message
        self.too_many = 0
        self.check_limits = check_limits
        self._windows = _Windows(limits or Limits(), tolerance)
        self._failures: dict[str, deque[tuple[int, str, dict[str, Any]]]] = {}
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- server ---

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- scripting ---

    def fail_next(self, method: str, status: int, description: str, **parameters: Any) -> None:
        """The next call of `method` fails this way (e.g. 429 with retry_after=1)."""
        self._failures.setdefault(method, deque()).append((status, description, parameters))

    def add_chat(
        self, chat_id: int, chat_type: str | None = None, title: str = ""
    ) -> dict[str, Any]:
        """Make a chat known (the bot was added to it, or someone wrote to it)."""
        kind = chat_type or ("private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Alice"
        else:
            chat["title"] = title or f"Cabinet {abs(chat_id)}"
        self.chats[chat_id] = chat
        return chat

    def user(self, user_id: int, name: str = "Alice", *, is_bot: bool = False) -> dict[str, Any]:
        return {"id": user_id, "is_bot": is_bot, "first_name": name}

    def message(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        user_id: int | None = None,
        chat_type: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message as Telegram would send it in an update."""
        chat = self.chats.get(chat_id) or self.add_chat(chat_id, chat_type)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id if user_id is not None else _default_user(chat_id)),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split(None, 1)[0])
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message.update(extra)
        return message

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for getUpdates; return its id."""
        update_id = next(self._ids)
        self.updates.append({"update_id": update_id, kind: payload})
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    def say(self, chat_id: int, text: str, **kw: Any) -> int:
        """Someone types `text` in the chat."""
        return self.push("message", self.message(chat_id, text, **kw))

    def press(self, sent: Call, data: str, *, user_id: int | None = None) -> int:
        """Someone presses the button carrying `data` under a message the bot sent."""
        message = dict(sent.result)
        chat_id = int(message["chat"]["id"])
        query = {
            "id": str(next(self._ids) * 7919),
            "from": self.user(user_id if user_id is not None else _default_user(chat_id)),
            "chat_instance": f"ci-{chat_id}",
            "message": message,
            "data": data,
        }
        return self.push("callback_query", query)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Any, *, within: float = 5.0, count: int = 1) -> list[Call]:
        """Wait until `count` recorded calls satisfy `predicate`; return them."""
        deadline = asyncio.get_running_loop().time() + within
        async with self._changed:
            while True:
                found = [c for c in self.calls if predicate(c)]
                if len(found) >= count:
                    return found
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    seen = [
                        (c.method, c.chat_id, c.params.get("text", "")[:80]) for c in self.calls
                    ]
                    raise AssertionError(f"expected call not seen; calls: {seen[-12:]}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), left)

    def sent_to(self, chat_id: int) -> list[Call]:
        """Messages, photos and documents that reached the chat."""
        return [c for c in self.calls if c.ok and c.method in SEND_METHODS and c.chat_id == chat_id]

    # --- the API ---

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        try:
            params, files = await _read(request)
        except ConnectionResetError:  # the client went away mid-request (its shutdown)
            return web.Response(status=499)
        call = Call(method, params, files, at=time.monotonic())
        self.calls.append(call)
        try:
            status, body = await self._dispatch(call)
            call.status = status
            call.result = body.get("result")
        finally:
            await self._notify()
        return web.json_response(body, status=status)

    async def _dispatch(self, call: Call) -> tuple[int, dict[str, Any]]:
        queued = self._failures.get(call.method)
        if queued:
            status, description, parameters = queued.popleft()
            if status == 429:
                self.too_many += 1
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
            if parameters:
                body["parameters"] = parameters
            return status, body
        handler = getattr(self, "_api_" + call.method, None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = await handler(call)
        except _ApiError as exc:
            if exc.status == 429:
                self.too_many += 1
            return exc.status, exc.body()
        return 200, {"ok": True, "result": result}

    async def _api_getMe(self, call: Call) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Vigie",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_deleteWebhook(self, call: Call) -> bool:
        self.webhook = {}
        return True

    async def _api_getWebhookInfo(self, call: Call) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": str(self.webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook_error:
            info["last_error_date"] = int(time.time())
            info["last_error_message"] = self.webhook_error
        return info

    async def _api_setWebhook(self, call: Call) -> bool:
        self.webhook = dict(call.params)
        return True

    async def _api_setMyCommands(self, call: Call) -> bool:
        commands = call.params.get("commands") or []
        for entry in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", entry["command"]):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(entry["description"]) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[str(call.params.get("language_code", ""))] = commands
        return True

    async def _api_getUpdates(self, call: Call) -> list[dict[str, Any]]:
        offset = int(call.params.get("offset") or 0)
        timeout = float(call.params.get("timeout") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while not self.updates:
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    break
        return list(self.updates[:100])

    async def _api_answerCallbackQuery(self, call: Call) -> bool:
        text = call.params.get("text") or ""
        if len(text) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _api_editMessageReplyMarkup(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        return {"message_id": int(call.params["message_id"]), "date": int(time.time()),
                "chat": chat, "text": "…"}  # fmt: skip

    async def _api_sendMessage(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        text = self._visible(call, "text")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if units(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        self._check_markup(call)
        self._admit(chat)
        return self._sent(call, chat, text=text)

    async def _api_sendPhoto(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        caption = self._caption(call)
        name, data = self._file(call, "photo")
        if len(data) > 10 * 1024 * 1024:
            raise _ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except OSError as exc:
            raise _ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from exc
        if width + height > 10_000 or max(width, height) / min(width, height) > 20:
            raise _ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        self._admit(chat)
        photo = {"file_id": f"photo-{name}", "file_unique_id": f"u-{name}", "width": width,
                 "height": height}  # fmt: skip
        return self._sent(call, chat, caption=caption, photo=[photo])

    async def _api_sendDocument(self, call: Call) -> dict[str, Any]:
        chat = self._chat(call)
        caption = self._caption(call)
        name, data = self._file(call, "document")
        if len(data) > 50 * 1024 * 1024:
            raise _ApiError(400, "Bad Request: file is too big")
        self._admit(chat)
        document = {"file_id": f"doc-{name}", "file_unique_id": f"u-{name}", "file_name": name,
                    "file_size": len(data)}  # fmt: skip
        return self._sent(call, chat, caption=caption, document=document)

    # --- checks ---

    def _chat(self, call: Call) -> dict[str, Any]:
        chat_id = call.chat_id
        if chat_id is None or chat_id not in self.chats:
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return self.chats[chat_id]

    def _visible(self, call: Call, name: str) -> str:
        raw = str(call.params.get(name) or "")
        if call.params.get("parse_mode") != "HTML":
            return raw
        try:
            return parse_html(raw)
        except EntityError as exc:
            raise _ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc

    def _caption(self, call: Call) -> str:
        caption = self._visible(call, "caption")
        if units(caption) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        self._check_markup(call)
        return caption

    def _check_markup(self, call: Call) -> None:
        for _label, data in call.buttons:
            if not data or len(data.encode()) > 64:
                raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _file(self, call: Call, name: str) -> tuple[str, bytes]:
        if name not in call.files:
            raise _ApiError(400, f"Bad Request: there is no {name} in the request")
        return call.files[name]

    def _admit(self, chat: dict[str, Any]) -> None:
        if not self.check_limits:
            return
        wait = self._windows.admit(int(chat["id"]), time.monotonic())
        if wait > 0:
            retry = max(1, math.ceil(wait))
            raise _ApiError(429, f"Too Many Requests: retry after {retry}", retry_after=retry)

    def _sent(self, call: Call, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Vigie", "username": BOT_USERNAME},
        }
        message.update({k: v for k, v in content.items() if v})
        if call.params.get("reply_markup"):
            message["reply_markup"] = call.params["reply_markup"]
        return message


class _ApiError(Exception):
    def __init__(self, status: int, description: str, **parameters: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _default_user(chat_id: int) -> int:
    """In a private chat the user's id is the chat's; in a group, some member."""
    return chat_id if chat_id > 0 else 777


def _error(status: int, description: str) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


async def _read(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """PTB posts form fields (JSON-encoded when structured) and multipart files."""
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    if request.content_type == "application/json":
        params = await request.json()
        return params, files
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = (value.filename, value.file.read())
            continue
        text = str(value)
        if key in JSON_FIELDS:
            try:
                params[key] = json.loads(text)
                continue
            except ValueError:
                pass
        params[key] = text
    return params, files


# --- Running the adapter against the fake, and alerts built as the delivery builds them ---

# Telegram's windows, 20 times shorter: the fake checks them for real, tests stay quick.
SCALE = 20.0
LIMITS = Limits().scaled(SCALE)


def make_adapter(
    router: Router,
    fake: FakeTelegram,
    *,
    token: str | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    webhook_port: int = 0,
) -> TelegramAdapter:
    """An adapter pointed at the fake server, with short polls and scaled limits."""
    return TelegramAdapter(
        router,
        token=token or fake.token,
        api_url=fake.api_url,
        file_url=fake.file_url,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        webhook_port=webhook_port,
        poll_timeout=0.5,
        limiter=RateLimiter(LIMITS),
        retry_backoff=0.05,
    )


@contextlib.asynccontextmanager
async def running(adapter: TelegramAdapter) -> AsyncIterator[asyncio.Task[None]]:
    """Run the adapter as Vigie would (a task), until the block ends; then stop it cleanly."""
    task = asyncio.create_task(adapter.run())
    ready = asyncio.create_task(adapter.ready.wait())
    done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        ready.cancel()
        if task.done():
            task.result()  # raises the startup error
        raise AssertionError("the adapter did not start within 10 s")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)


async def store_mention(
    services: Services,
    team_id: int,
    external: str,
    text: str,
    *,
    flags: frozenset[Flag] = frozenset(),
) -> int:
    """A mention stored as the monitor stores them (no alert queued: tests send it)."""
    store = services.store
    url = "https://exemple.fr/avis"
    source_id = await store.sources.find(team_id, "feed", url, None)
    if source_id is None:
        source_id = await store.sources.add(
            team_id, "feed", url, selector=None, watch_id=None, interval_s=600
        )
    watches = await store.watches.active(team_id)
    return await store.mentions.insert(
        team_id,
        Mention(
            source_id=source_id,
            external_id=external,
            url="https://exemple.fr/avis?id=1&x=<2>",
            title="Avis Google",
            text=text,
            author="Jean <b>Patient</b>",
            rating=1,
        ),
        content_hash=external,
        triage=Triage(severity=Severity.NEGATIVE, flags=flags),
        watch_ids=[w.id for w in watches],
        alerts=lambda _id: [],
    )


async def alert_reply(
    services: Services, team_id: int, mention_id: int, urgency: Urgency = Urgency.URGENT
) -> Reply:
    """The alert for a mention, built as alerts are: the mention block and its buttons."""
    store = services.store
    mention = await store.mentions.get(team_id, mention_id)
    assert mention is not None
    watches = await store.watches.active(team_id)
    spans = mention_block(mention, watches, "fr", services.settings.tz)
    return reply(*spans, buttons=action_buttons(mention, "fr"), urgency=urgency)
