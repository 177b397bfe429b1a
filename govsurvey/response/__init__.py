"""Response: who did not answer, whether it biases the index, and how good the forms are.

- :mod:`~govsurvey.response.rates` — AAPOR response, cooperation, refusal and contact rates;
- :mod:`~govsurvey.response.compare` — respondents against the frame and the full sample
  (shares, ASMD, design-based tests);
- :mod:`~govsurvey.response.propensity` — a design-weighted response-propensity model;
- :mod:`~govsurvey.response.indicators` — R-indicator, partial R-indicators, maximal bias;
- :mod:`~govsurvey.response.styles` — response styles, data quality, flagged forms;
- :mod:`~govsurvey.response.bias` — the index before and after weighting; sensitivity;
- :mod:`~govsurvey.response.report` — the figures and the narrative of notebook 02.
"""

from __future__ import annotations

from .bias import index_shift, sensitivity, weighted_response_rate
from .cases import (
    Cases,
    case_dispositions,
    check_weighting,
    comparison_variables,
    present_columns,
    survey_cases,
)
from .compare import asmd, asmd_summary, compare_distributions, group_rate_test, response_tests
from .indicators import partial_r_indicators, r_indicator
from .propensity import PropensityModel, response_propensity
from .rates import RATES, assign_dispositions, disposition_group, response_rates
from .styles import (
    duplicate_forms,
    flag_counts,
    flag_forms,
    index_without_flagged,
    item_quality,
    response_styles,
    satisfied_indicator,
)

__all__ = [
    "RATES",
    "Cases",
    "case_dispositions",
    "check_weighting",
    "comparison_variables",
    "present_columns",
    "survey_cases",
    "PropensityModel",
    "asmd",
    "asmd_summary",
    "assign_dispositions",
    "compare_distributions",
    "disposition_group",
    "duplicate_forms",
    "flag_counts",
    "flag_forms",
    "group_rate_test",
    "index_shift",
    "index_without_flagged",
    "item_quality",
    "partial_r_indicators",
    "r_indicator",
    "response_propensity",
    "response_rates",
    "response_styles",
    "response_tests",
    "satisfied_indicator",
    "sensitivity",
    "weighted_response_rate",
]
