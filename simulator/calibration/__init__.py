"""Calibration to a firm's own transaction log, and the hold-out check of the forecast.

One module per step (docs/calibration.md):

* :mod:`~simulator.calibration.log`: read a CSV or Parquet log, checked, anonymised,
  cut at the calibration end;
* :mod:`~simulator.calibration.moments`: what the log shows (repeat-purchase curve,
  frequency histogram, inter-purchase times, cohort repeat rates);
* :mod:`~simulator.calibration.fit`: BG/NBD and Gamma-Gamma, one segment or a finite
  mixture of K fitted by EM;
* :mod:`~simulator.calibration.customers`: the firm's real customers as the simulation's
  starting population, drawn from their posterior;
* :mod:`~simulator.calibration.simulate`: replications with common random numbers;
* :mod:`~simulator.calibration.scenario`: the calibrated scenario that ``run`` and
  ``compare`` accept;
* :mod:`~simulator.calibration.holdout`: the forecast against what happened, beside
  BG/NBD's own;
* :mod:`~simulator.calibration.report`: the HTML reports and PNGs.
"""
