"""`python -m validator` runs the command-line interface."""

from validator.cli import main

raise SystemExit(main())
