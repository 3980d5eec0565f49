"""``python -m validator``: the same as the ``pin-preflight`` command."""

from validator.command import main

raise SystemExit(main())
