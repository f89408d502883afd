"""The model: clock, state, streams, and the daily step as an ordered list of stages."""
