"""Change over time: waves, change, trend, rank change, dated targets, monthly compilation.

- :mod:`~govsurvey.trends.waves`: :class:`Waves`, several surveys as one combined design
  (``index``, ``change``, ``trend``, ``predict``);
- :mod:`~govsurvey.trends.ranks`: ranks per period with rank intervals, rank change;
- :mod:`~govsurvey.trends.targets`: progress to dated targets (on track / off track);
"""

from .ranks import rank_change, ranks
from .targets import progress
from .waves import Waves, common_instrument

__all__ = ["Waves", "common_instrument", "progress", "rank_change", "ranks"]
