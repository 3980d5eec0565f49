"""``python -m validator``: the same as the ``pin-preflight`` command."""

from validator.cli import main

raise SystemExit(main())
