"""The vendored front-end matches what this solara asks for; the command's refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import solara

from simulator.studio import offline

ROOT = Path(__file__).resolve().parents[2]


def test_vendored_packages_are_the_versions_solara_requests():
    server = Path(solara.__file__).parent / "server"
    # The template names the app and require.js; the settings name Font Awesome (read as
    # text: importing solara.server.settings creates folders in the environment).
    text = (server / "templates" / "solara.html.j2").read_text()
    text += (server / "settings.py").read_text()
    assert offline.missing() == []
    for spec in ("@widgetti/solara-vuetify-app@10.1.1", "requirejs@2.3.6", "font-awesome@4.5.0"):
        assert spec in text, f"solara {solara.__version__} no longer asks for {spec}: re-vendor"
    app = offline.ASSETS / "@widgetti/solara-vuetify-app@10.1.1" / "dist"
    assert (app / "solara-vuetify-app8.min.js").is_file() and (app / "main8.css").is_file()


def test_vendored_files_stay_small():
    size = sum(f.stat().st_size for f in offline.ASSETS.rglob("*") if f.is_file())
    assert size < 5_000_000


def test_settings_never_point_outside_loopback():
    env = offline.settings("x:Page")
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(offline.ASSETS)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "false"


def _studio(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator.cli", "studio", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_bad_scenario_is_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.yaml"
    good = (ROOT / "scenarios" / "teaching" / "1_satisfied_defect.yaml").read_text()
    bad.write_text(good.replace("competitive_intensity", "competitve_intensity"))
    out = _studio(str(bad), "--port", "8799")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert str(bad) in lines[0] and "competitve_intensity" in lines[0]


def test_bad_port_is_refused():
    out = _studio("--port", "70000")
    assert out.returncode == 2
    assert out.stderr.strip().splitlines() == [
        "loyalty-sim: error: --port(=70000) must be in 1..65535"
    ]
