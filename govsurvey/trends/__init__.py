"""Change over time: waves, change, trend, rank change, dated targets, monthly compilation.

- :mod:`~govsurvey.trends.waves`: :class:`Waves`, several surveys as one combined design
  (``index``, ``change``, ``trend``, ``predict``);
- :mod:`~govsurvey.trends.ranks`: ranks per period with rank intervals, rank change;
- :mod:`~govsurvey.trends.targets`: progress to dated targets (on track / off track);
- :mod:`~govsurvey.trends.monthly`: monthly compilation at one-stop desks from mergeable
  (unit, month, PSU) sums, rolling windows, roll-ups and the funnel chart's verdicts.
"""

from .monthly import MonthlySums, compile_months
from .ranks import rank_change, ranks
from .targets import progress
from .waves import Waves, common_instrument

__all__ = [
    "MonthlySums",
    "Waves",
    "common_instrument",
    "compile_months",
    "progress",
    "rank_change",
    "ranks",
]
