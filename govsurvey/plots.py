"""Moved to :mod:`govsurvey.publish.plots`; this shim keeps old imports working."""

from govsurvey.publish.plots import *  # noqa: F403
from govsurvey.publish.plots import change_plot, component_plot, criteria_heatmap, domain_dotplot

__all__ = ["component_plot", "domain_dotplot", "criteria_heatmap", "change_plot"]
