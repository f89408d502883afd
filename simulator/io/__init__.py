"""Writing results: run directories written in full or not at all."""
