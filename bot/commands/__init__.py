"""The chat commands of COMMANDS.md, one module per family, and their registry."""
