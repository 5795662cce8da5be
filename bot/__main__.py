"""`python -m bot` runs the `vigie` command line."""

from bot.cli import main

raise SystemExit(main())
