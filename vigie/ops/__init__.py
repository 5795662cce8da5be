"""Running Vigie for years on a server: checks, start report, backups, health and metrics."""
