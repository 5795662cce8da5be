"""`python -m vigie` runs the `vigie` command line."""

from vigie.cli import main

raise SystemExit(main())
