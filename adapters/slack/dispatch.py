"""A Slack request to the router and back: checked at once, worked on in the background."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Coroutine
from typing import Any

from adapters.slack.inbound import Kind, SlackRequest
from adapters.slack.outbound import NOT_MEMBER, Poster, SlackSendError
from adapters.slack.render import SlackMessage, render, requester
from adapters.slack.texts import MAX_COMMAND, Texts
from bot.chat.transport import SendError
from bot.chat.types import Incoming, Reply
from bot.commands.base import Command
from bot.commands.registry import find_command
from bot.router import Router, split_command

log = logging.getLogger(__name__)

PLATFORM = "slack"


def is_command(word: str) -> bool:
    """True when `word` names a command exactly (for `/liste` → `/vigie liste`)."""
    command, suggestion = find_command(word)
    return command is not None and suggestion is None


class Dispatcher:
    """Answers within Slack's 3 seconds, then runs the command and posts its replies."""

    def __init__(self, router: Router, poster: Poster, texts: Texts) -> None:
        self.router = router
        self.poster = poster
        self.texts = texts
        self._tasks: set[asyncio.Task[None]] = set()
        self._events: OrderedDict[str, None] = OrderedDict()

    # --- inside Bolt's listener: decide at once, never wait on the work ---

    def command(self, req: SlackRequest) -> dict[str, Any] | None:
        """The immediate (ephemeral) answer to `/vigie …`, the work started in the background."""
        if not req.text:
            return self._ephemeral_body(self.texts.empty())
        if len(req.text) > MAX_COMMAND:
            return self._ephemeral_body(self.texts.too_long(len(req.text)))
        self.spawn(self.serve(req))
        command = self._command(req)
        if command is not None and command.slow:
            return self._ephemeral_body(self.texts.working(req.what))
        return None

    def button(self, req: SlackRequest) -> None:
        """A button press: its answer always comes after the ack, through the response_url."""
        if req.button_invalid:
            self.spawn(self._private(req, self.texts.bad_button()))
            return
        command = self._command(req)
        if command is not None and command.slow:
            self.spawn(self._private(req, self.texts.working(req.what)))
        self.spawn(self.serve(req))

    def mention(self, req: SlackRequest) -> None:
        """A mention of the bot (events may be delivered twice: the second is ignored)."""
        if req.event_id:
            if req.event_id in self._events:
                return
            self._events[req.event_id] = None
            while len(self._events) > 1_000:
                self._events.popitem(last=False)
        if not req.text:
            self.spawn(self._private(req, self.texts.mention_empty()))
        elif len(req.text) > MAX_COMMAND:
            self.spawn(self._private(req, self.texts.too_long(len(req.text))))
        else:
            self.spawn(self.serve(req))

    # --- in the background ---

    async def serve(self, req: SlackRequest) -> None:
        """Ask the router (which checks the workspace), post its replies where they belong."""
        command = self._command(req)
        incoming = Incoming(
            platform=PLATFORM,
            chat_id=req.channel,
            user_id=req.user_id,
            user_name=req.user_name or req.user_id,
            text=req.text if req.button is None else "",
            button=req.button,
            workspace_id=req.workspace or None,
        )
        member = await self.router.member_chat(incoming) is not None
        progress = ProgressMessage(self, req, public=member and command is not None)
        replies = await self.router.handle(incoming, progress=progress)
        # Unknown commands, unbound channels and other workspaces are answered to the asker alone.
        public = command is not None and await self.router.member_chat(incoming) is not None
        asked_by = requester(req.user_id, req.user_name, req.what)
        for index, reply in enumerate(replies):
            if public:
                public = await self._public(req, reply, asked_by if index == 0 else None)
            else:
                await self._private(req, reply)

    def _command(self, req: SlackRequest) -> Command | None:
        word = req.button.action if req.button else split_command(req.text)[0]
        return find_command(word)[0] if word else None

    def message(self, reply: Reply, asked_by: str | None = None) -> SlackMessage:
        """A reply as Block Kit, with `/vigie` before the core's command names."""
        return render(
            reply, is_command=is_command, asked_by=asked_by, cut_notice=self.texts.cut_notice()
        )

    def _ephemeral_body(self, reply: Reply) -> dict[str, Any]:
        return {**self.message(reply).payload(), "response_type": "ephemeral"}

    async def _public(self, req: SlackRequest, reply: Reply, asked_by: str | None) -> bool:
        """Post in the channel; False when Vigie is not a member (the asker was told privately)."""
        try:
            await self.poster.send_patiently(req.channel, reply, self.message(reply, asked_by))
        except SlackSendError as exc:
            if exc.code not in NOT_MEMBER:
                log.warning("Slack answer not delivered: %s", exc)
                return True
            await self._private(req, reply)
            await self._private(req, self.texts.invite_bot(len(reply.attachments)))
            return False
        except SendError as exc:
            log.warning("Slack answer not delivered: %s", exc)
        return True

    async def _private(self, req: SlackRequest, reply: Reply) -> None:
        """Only the asker sees it: the response_url, or an ephemeral message for mentions."""
        message = self.message(reply)
        if req.response_url:
            await self.poster.respond(req.response_url, message)
        elif req.kind is Kind.MENTION and req.user_id:
            try:
                await self.poster.post_ephemeral(req.channel, req.user_id, message)
            except SendError as exc:
                log.warning("Slack ephemeral answer not delivered: %s", exc)

    # --- background tasks ---

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` without holding Slack's request; failures are logged, never lost silently."""
        task = asyncio.create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack request failed")

    async def drain(self) -> None:
        """Wait until every request in progress has been answered."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        """Cancel the work still in progress (shutdown)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class ProgressMessage:
    """A long command's progress: one message in the channel, updated in place."""

    def __init__(self, dispatcher: Dispatcher, req: SlackRequest, *, public: bool) -> None:
        self.dispatcher = dispatcher
        self.req = req
        self.public = public
        self.ts: str | None = None

    async def __call__(self, reply: Reply) -> None:
        if not self.public:
            await self.dispatcher._private(self.req, reply)
            return
        poster, message = self.dispatcher.poster, self.dispatcher.message(reply)
        try:
            if self.ts:
                await poster.update(self.req.channel, self.ts, message)
            else:
                self.ts = await poster.post(self.req.channel, message)
        except SendError as exc:
            log.warning("Slack progress not shown in the channel: %s", exc)
            self.public = False
            await self.dispatcher._private(self.req, reply)
