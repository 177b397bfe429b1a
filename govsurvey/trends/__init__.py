"""Change over time: waves, change, trend, rank change, dated targets, monthly compilation.

- :mod:`~govsurvey.trends.waves`: :class:`Waves`, several surveys as one combined design
  (``index``, ``change``, ``trend``, ``predict``);
"""

from .waves import Waves, common_instrument

__all__ = ["Waves", "common_instrument"]
