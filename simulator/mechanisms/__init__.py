"""Pure, vectorised mechanism functions, one module per mechanism of docs/model.md §3.

Each function takes numpy arrays over the customers concerned and returns new arrays
(or masks); none holds state or draws from a global generator. The model
(:mod:`simulator.engine.model`) calls them in the fixed order of docs/model.md §3.
"""
