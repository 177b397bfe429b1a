"""Synthetic population and survey with known truth, modelled on a SIPAS survey of Hà Nội.

:func:`simulate` builds a synthetic city (30 districts, 15–25 wards or communes each), a one-year
register of completed dossiers (about 700,000 units), the latent answer of every person in the
register to every item of the instrument, and then draws a sample the way a SIPAS survey office
does: stratified by district, wards drawn by simple random sampling without replacement as primary
sampling units, dossiers drawn systematically from the ward's register in random order, a survey
mode assigned to each, and nonresponse by a chosen mechanism. The returned :class:`Simulation`
knows the population value of every index figure (:meth:`Simulation.truth_index`), so estimators
can be checked against it.

Modules: :mod:`.constants` (districts, names, the model's parameters), :mod:`.model` (small
building blocks), :mod:`.population` (the city and its latent answers), :mod:`.sample` (one
survey sample, drawn with :mod:`govsurvey.sampling`'s kernels), :mod:`.truth` (population
values), :mod:`.simulation` (:class:`Simulation`, :func:`simulate`), :mod:`.writer` (the
embedded data set and ``python -m govsurvey.synth``).

The structural model
--------------------
For unit *i* and component *k* the latent quality is::

    q_ik = mu_k + district_dk + ward_wk + field_fk + level_l + person_i + halo_i + noise_ik

District and ward effects have a part shared by the components and a component-specific part,
so components are correlated; ``halo_i`` is a person's general disposition. Criterion *j* of
component *k* is answered ``1 + #{c : q_ik + e_ij > cut_c + shift_j}`` on the 1–5 scale, with
criterion-specific ``shift_j``. A criterion-specific share of people answer 8 ("don't know / not
applicable"); for the feedback component most of them are the people who never gave feedback.
Overall satisfaction is ``overall* = sum_k w_k s_ik + e_i`` cut into 1–5, where ``s_ik`` is the
mean of the person's valid answers in component *k* and the known weights ``w_k`` (stored in
``params["overall_weights"]``) are renormalised over the components a person could judge.
Assessment items (trips, late result, apology, harassment, informal payment) and expectations are
threshold models on the procedures and civil-servant components.

Reproducibility
---------------
Every random number comes from ``numpy.random.default_rng`` seeded by ``[seed, stream]`` (and
``sample_seed`` for a sample). All decisions are a uniform or normal draw compared with a
threshold after additions and multiplications only (IEEE-exact, no fused operations); numpy's
vectorised ``exp``/``log`` — whose last bit may depend on the CPU's SIMD code — are never used
on a value that is then thresholded (response propensities are probit, not logit). Latent values
are rounded to 6 decimals before any comparison, so an ulp of difference could only matter for a
value within 1e-16 of a rounding boundary. The only transcendental calls are the libm ``exp`` in
the rare wedge steps of numpy's ziggurat normal sampler, whose accept/reject decision would change
only for a draw within an ulp of the wedge boundary. Population reductions use integer counts and
fixed-order sums, so the truth and the CSV files are the same on every machine; the one
floating-point reduction (mean and SD of the latent satisfaction, used to standardise it for the
MNAR mechanism) is rounded to 4 decimals. ``response_propensity`` (computed with ``ndtr``) is
reported for reference and never thresholded.
"""

from __future__ import annotations

from .constants import DISTRICTS
from .simulation import Simulation, simulate
from .writer import main, write_default_data

__all__ = ["Simulation", "simulate", "write_default_data", "DISTRICTS", "main"]
