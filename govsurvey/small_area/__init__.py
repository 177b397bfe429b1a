"""Small-area estimation: Fay–Herriot estimates with MSE, benchmarking, the direct/model choice.

A ward (or desk, or any unit finer than the design's strata) holds a few dozen forms, and its
direct estimate is wide. The area-level Fay–Herriot model borrows strength across units from
their auxiliary data and gives each unit's estimate with its mean squared error; a publication
rule then shows, per unit, the direct estimate where it is precise enough, the model's where it
is not, and nothing where neither is.

Modules: :mod:`.model` (fitting REML, ML and the FH moment estimator), :mod:`.mse` (EBLUP,
Prasad–Rao MSE with the Datta–Lahiri bias term), :mod:`.transform` (logit and arcsine scales,
back-transformation, parametric bootstrap MSE), :mod:`.gvf` (smoothed sampling variances),
:mod:`.benchmark`, :mod:`.inputs` (checks), :mod:`.diagnostics`, :mod:`.estimates`
(:func:`fay_herriot`), :mod:`.rule` (the publication rule), :mod:`.units` (from a design to the
published unit frame; forms a direct estimate would need), :mod:`.plots`; :mod:`.report`
holds the reports' words, tables and sentences (imported by the notebooks, not here).
"""

from __future__ import annotations

from .benchmark import benchmark
from .diagnostics import bias_diagnostic, coefficients, diagnostics_table
from .estimates import FH_COLUMNS, fay_herriot
from .gvf import gvf_constant, smooth_variances
from .model import fit
from .mse import prasad_rao, synthetic_mse
from .plots import direct_vs_model_plot, intervals_plot
from .rule import LABELS, PublicationRule, apply_rule, method_label
from .units import (
    REPORT_COLUMNS,
    forms_needed,
    frame_covariates,
    plan_forms,
    publish_units,
    report_units,
    unit_direct,
)

__all__ = [
    "FH_COLUMNS",
    "LABELS",
    "PublicationRule",
    "apply_rule",
    "benchmark",
    "direct_vs_model_plot",
    "intervals_plot",
    "forms_needed",
    "frame_covariates",
    "method_label",
    "plan_forms",
    "publish_units",
    "report_units",
    "REPORT_COLUMNS",
    "unit_direct",
    "bias_diagnostic",
    "coefficients",
    "diagnostics_table",
    "fay_herriot",
    "fit",
    "gvf_constant",
    "prasad_rao",
    "smooth_variances",
    "synthetic_mse",
]
