"""Trainer mode: satisfaction-loyalty dynamics live in a browser, offline (issue 15).

``loyalty-sim studio [SCENARIO]`` serves a Solara page on loopback. Each browser session
owns its worlds (:mod:`.session`); levers act mid-run through
:meth:`~simulator.engine.model.LoyaltyModel.apply_changes` (:mod:`.levers`); twin worlds
are forks that share every random number (:mod:`.world`); each view is one module under
:mod:`.views`, drawn as inline SVG so the page needs no chart library from a CDN. The
page's own front-end files are vendored (:mod:`.offline`).
"""
