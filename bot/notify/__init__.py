"""Pushes to the team: alert wording, the outbox port, delivery, reminders and the weekly digest."""
