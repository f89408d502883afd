"""Serve Solara's front-end from files shipped in this package: no internet at run time.

Solara's page loads its JavaScript, CSS and fonts from ``{cdn}/<package>@<version>/...``
through a proxy at ``/_solara/cdn`` backed by a cache folder (``<venv>/share/solara/cdn``
by default) that it fills from jsdelivr on first use. Offline, that first use fails and
the page stays blank (issue 15). Pointing the cache at :data:`ASSETS` (the few files the
page actually requests, vendored from the npm registry by ``scripts/vendor_solara_assets.py``)
makes the page whole with no network, and pointing the CDN at a closed local port makes
a missing file fail at once instead of reaching out. Telemetry and Solara's
rendering check, which would call out too, are switched off.

Nothing here runs at import time: :func:`configure` must be called before
``solara.server`` is imported, because Solara reads these settings when it is.
"""

from __future__ import annotations

import os
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "assets" / "cdn"
# What the vendored files are (npm package@version, as solara 1.64 asks for them): the
# page breaks if solara asks for other versions, which is why solara is pinned.
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
)
# A closed port on loopback: a file missing from ASSETS is refused at once, never fetched.
NO_CDN = "http://127.0.0.1:9/npm/"


def settings(app: str) -> dict[str, str]:
    """The environment that makes Solara serve ``app`` from vendored files only.

    Parameters
    ----------
    app
        The Solara app, ``module:Component``.
    """
    return {
        "SOLARA_APP": app,
        "SOLARA_ASSETS_PROXY": "true",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(ASSETS),
        "SOLARA_ASSETS_CDN": NO_CDN,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        # Served on loopback: compressing the 3 MB of scripts costs CPU and saves nothing.
        "SOLARA_SERVER_HTTP_GZIP": "false",
        # Production mode: no "did it render" probe to solara.dev on the page.
        "SOLARA_MODE": "production",
    }


def configure(app: str) -> None:
    """Set :func:`settings` in this process's environment (before Solara is imported)."""
    os.environ.update(settings(app))


def missing() -> list[str]:
    """The vendored packages whose folder is absent (an incomplete checkout)."""
    return [p for p in PACKAGES if not (ASSETS / p).is_dir()]
