"""Drivers of satisfaction: reliability, design-based models, relative importance,
importance–performance and the facts of the service.

- :mod:`~govsurvey.drivers.scores`: component scores per respondent;
- :mod:`~govsurvey.drivers.reliability`: Cronbach's alpha, McDonald's omega, item statistics;
- :mod:`~govsurvey.drivers.models`: ``glm`` and ``ordinal`` (R's ``svyglm`` / ``svyolr``);
- :mod:`~govsurvey.drivers.importance`: LMG and Johnson's relative weights with replicate CIs;
- :mod:`~govsurvey.drivers.ipa`: importance–performance with interval-based quadrants;
- :mod:`~govsurvey.drivers.facts`: the facts of the service and what they cost in satisfaction.
"""

from .facts import fact_effects, fact_indicators, service_facts
from .importance import johnson, lmg, relative_importance, weighted_covariances
from .ipa import available_items, importance_performance, stated_importance
from .models import glm, ordinal
from .reliability import Reliability, reliability
from .scores import clean_scale, component_scores, score_coverage, with_scores

__all__ = [
    "Reliability",
    "available_items",
    "fact_effects",
    "fact_indicators",
    "importance_performance",
    "johnson",
    "lmg",
    "relative_importance",
    "service_facts",
    "stated_importance",
    "weighted_covariances",
    "with_scores",
    "clean_scale",
    "component_scores",
    "glm",
    "ordinal",
    "reliability",
    "score_coverage",
]
