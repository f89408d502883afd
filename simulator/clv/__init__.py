"""Customer lifetime value: closed forms, and BG/NBD + Gamma-Gamma fitted to a log.

Two routes to the CLV of docs/model.md §7 live here, as pure functions, one model per
module:

* :mod:`~simulator.clv.value`: the retention arithmetic of Gupta & Lehmann
  (``m r / (1 + i - r)``) and its explicit finite sum, which is what stylized fact 7
  (docs/model.md §9) is checked on;
* the projected route: :mod:`~simulator.clv.rfm` summarises a transaction log into
  frequency / recency / T / monetary value (the layout lifetimes and pymc-marketing
  read), then the BG/NBD purchase model (:mod:`~simulator.clv.bgnbd`) and the
  Gamma-Gamma spend model (:mod:`~simulator.clv.gamma_gamma`) are fitted by maximum
  likelihood. The simulator nests both models (principle 1, docs/model.md §1), so a
  fit on its own log must recover the parameters it was run with (stylized fact 1).

Times in the BG/NBD and Gamma-Gamma functions are in whatever unit the summary was
built in (``rfm_summary(..., time_unit=7)`` gives weeks, the unit of the published
CDNOW estimates); money is the scenario's currency.
"""

from __future__ import annotations

from simulator.clv._fitting import ConvergenceError
from simulator.clv.bgnbd import (
    bgnbd_conditional_expected_purchases,
    bgnbd_expected_purchases,
    bgnbd_log_likelihood,
    bgnbd_prob_alive,
    fit_bgnbd,
)
from simulator.clv.gamma_gamma import (
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
    gamma_gamma_log_likelihood,
)
from simulator.clv.rfm import rfm_summary
from simulator.clv.value import (
    clv_closed_form,
    clv_finite,
    discount_factors,
    net_customer_value,
)

__all__ = [
    "ConvergenceError",
    "bgnbd_conditional_expected_purchases",
    "bgnbd_expected_purchases",
    "bgnbd_log_likelihood",
    "bgnbd_prob_alive",
    "clv_closed_form",
    "clv_finite",
    "discount_factors",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
    "gamma_gamma_log_likelihood",
    "net_customer_value",
    "rfm_summary",
]
