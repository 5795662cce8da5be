"""The parts of name matching, kept small; `bot.matching` is the entry point callers import."""
