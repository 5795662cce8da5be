"""The Vigie process: command line, startup, wiring of adapters and background engines."""
