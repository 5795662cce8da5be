"""The parts of name matching, kept small; `bot.match.matcher` is the entry point callers import."""
