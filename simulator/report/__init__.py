"""Reports: the one-file HTML report and the plots of a run."""
