"""Moved to :mod:`govsurvey.publish.narrative`; this shim keeps old imports working."""

from govsurvey.publish.narrative import *  # noqa: F403
from govsurvey.publish.narrative import (
    describe_accounting,
    describe_baseline,
    describe_domains,
    describe_index,
    describe_level_targets,
    describe_ranking,
    describe_truth,
    describe_unit_targets,
)

__all__ = [
    "describe_accounting",
    "describe_baseline",
    "describe_domains",
    "describe_index",
    "describe_level_targets",
    "describe_ranking",
    "describe_truth",
    "describe_unit_targets",
]
