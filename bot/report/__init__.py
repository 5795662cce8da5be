"""The « état des lieux » (`/bilan`) and the weekly digest: figures, charts, HTML, chat messages."""

from __future__ import annotations

from bot.report.build import AuditReport, build_report, warm_up
from bot.report.digest import DigestInputs, digest_due, digest_inputs, weekly_digest
from bot.report.stats import AuditStats, compute_stats

__all__ = [
    "AuditReport",
    "AuditStats",
    "DigestInputs",
    "build_report",
    "compute_stats",
    "digest_due",
    "digest_inputs",
    "warm_up",
    "weekly_digest",
]
