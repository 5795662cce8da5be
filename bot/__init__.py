"""Vigie: e-reputation watch for French healthcare practices."""

__version__ = "0.1.0"
