"""Telegram adapter: python-telegram-bot v22 run inside Vigie's event loop."""

from __future__ import annotations

import os

# Opt in to PTB's coming time periods (timedelta): otherwise every "retry after" PTB builds
# emits a deprecation warning. Our code reads both forms (see errors.retry_seconds).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
