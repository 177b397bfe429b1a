"""Survey designs and the one variance engine behind every govsurvey estimator.

- :mod:`~govsurvey.design.engine`: grouped sums, domains and column checks shared by all designs;
- :mod:`~govsurvey.design.estimators`: ``mean``, ``total``, ``ratio``, ``proportion`` and the
  public hooks (``estimate_smooth``, ``variance``, ``with_weights``) written once;
- :mod:`~govsurvey.design.taylor`: :class:`Design`, R's ``svydesign`` (Taylor linearisation);
- :mod:`~govsurvey.design.replicate`: :class:`ReplicateDesign`, R's ``svrepdesign``;
- :mod:`~govsurvey.design.backends`: where the (domain, stratum, PSU) sums are computed — in
  memory, or pushed down to DuckDB / Parquet (the embedded default) or Spark.
"""

from .backends import TableDesign  # noqa: E402,I001 - registers itself with Design
from .engine import Domains, group_sum
from .replicate import ReplicateDesign, hadamard, replicate_design, replicate_variance
from .taylor import LONELY_PSU_RULES, Design, Stage

__all__ = [
    "Design",
    "Domains",
    "LONELY_PSU_RULES",
    "ReplicateDesign",
    "Stage",
    "TableDesign",
    "group_sum",
    "hadamard",
    "replicate_design",
    "replicate_variance",
]
