"""What a run measures: the daily metrics, the final summary and the metric registry."""
