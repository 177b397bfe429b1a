"""``python -m govsurvey``: the same as the ``govsurvey`` command."""

from .cli import main

raise SystemExit(main())
