"""Former home of runs and verify (kept while notebooks and callers move).

Runs now live in :mod:`govsurvey.publish.run`, verify in :mod:`govsurvey.publish.verify` and
the HTML in :mod:`govsurvey.publish.html`; the names below are the same objects.

>>> from govsurvey.run import run
>>> from govsurvey.publish.run import run as moved
>>> run is moved
True
"""

from __future__ import annotations

from .config.params import notebooks_dir
from .publish.html import render_html
from .publish.run import RunFailed, run
from .publish.verify import VerifyResult, verify

__all__ = ["run", "verify", "render_html", "notebooks_dir", "VerifyResult", "RunFailed"]
