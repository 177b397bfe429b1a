"""Change over time: waves, change, trend, rank change, dated targets, monthly compilation.

- :mod:`~govsurvey.trends.waves`: :class:`Waves`, several surveys as one combined design
  (``index``, ``change``, ``trend``, ``predict``);
- :mod:`~govsurvey.trends.ranks`: ranks per period with rank intervals, rank change;
- :mod:`~govsurvey.trends.targets`: progress to dated targets (on track / off track) and the
  target trajectory;
- :mod:`~govsurvey.trends.monthly`: monthly compilation at one-stop desks from mergeable
  (unit, month, PSU) sums, rolling windows, roll-ups and the funnel chart's verdicts;
- :mod:`~govsurvey.trends.desks`: desk-months published by the small-area rule (direct or
  Fay–Herriot model-based, from the monthly sums' direct estimates);
- :mod:`~govsurvey.trends.truth`: changes held against known true changes (synthetic data);
- :mod:`~govsurvey.trends.report` and :mod:`~govsurvey.trends.plots`: notebook 05's words
  (vi/en) and figures (imported by the notebook, not here).
"""

from .desks import desk_areas, desk_months
from .monthly import MonthlySums, compile_months
from .ranks import rank_change, ranks
from .targets import progress, trajectory
from .truth import check_change
from .waves import Waves, common_instrument

__all__ = [
    "MonthlySums",
    "Waves",
    "check_change",
    "common_instrument",
    "compile_months",
    "desk_areas",
    "desk_months",
    "progress",
    "rank_change",
    "ranks",
    "trajectory",
]
