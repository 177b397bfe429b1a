"""``python -m govsurvey.synth --out data/synthetic``: regenerate the embedded data."""

from govsurvey.synth.writer import main

raise SystemExit(main())
