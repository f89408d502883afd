"""Vendor the front-end files Solara's page loads into ``simulator/studio/assets/cdn``.

Run once by a maintainer when solara is upgraded (needs ``npm`` and the npm registry;
the trainer page itself never needs either)::

    python scripts/vendor_solara_assets.py

Each package is fetched with ``npm pack`` and only the files the page requests are kept
(found by recording the requests of the real page in Chromium): the ipywidgets-8 build
of Solara's Vue 2 app, its CSS and woff2 fonts, require.js, Font Awesome's CSS and
woff2 font, and the grid layout's script, with each package's licence and package.json.
About 4 MB instead of the 165 MB of the whole packages (mermaid and katex, used only by
``solara.Markdown``, are left out: the studio does not use Markdown).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEST = Path(__file__).resolve().parents[1] / "simulator" / "studio" / "assets" / "cdn"
APP = "@widgetti/solara-vuetify-app@10.1.1"
# package@version -> files to keep (relative to the package root); "*.woff2 of X" are
# added from the CSS files below.
KEEP: dict[str, list[str]] = {
    APP: ["dist/main8.css", "dist/fonts.css", "dist/solara-vuetify-app8.min.js"],
    "requirejs@2.3.6": ["require.js"],
    "font-awesome@4.5.0": ["css/font-awesome.min.css", "fonts/fontawesome-webfont.woff2"],
    "@widgetti/vue-grid-layout@2.3.13-alpha.2": ["dist/vue-grid-layout.umd.min.js"],
}
ALWAYS = ("package.json", "LICENSE", "LICENSE.txt", "README.md")


def _fonts(css: Path) -> list[str]:
    """The woff2 files a stylesheet names (the format every supported browser reads)."""
    names = re.findall(r"url\(['\"]?([^)'\"?#]+\.woff2)", css.read_text(encoding="utf-8"))
    return sorted({f"dist/{n}" for n in names})


def main() -> int:
    """Fetch, select and copy; print the total size."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for spec, files in KEEP.items():
            out = subprocess.run(
                ["npm", "pack", "--silent", spec], cwd=work, capture_output=True, text=True
            )
            if out.returncode:
                print(f"npm pack {spec} failed: {out.stderr.strip()}", file=sys.stderr)
                return 1
            tgz = work / out.stdout.strip().splitlines()[-1]
            root = work / spec.replace("/", "+")
            with tarfile.open(tgz) as tar:
                tar.extractall(root, filter="data")
            pkg = root / "package"
            wanted = list(files)
            if spec == APP:
                wanted += _fonts(pkg / "dist" / "fonts.css") + _fonts(pkg / "dist" / "main8.css")
            wanted += [name for name in ALWAYS if (pkg / name).is_file()]
            target = DEST / spec
            shutil.rmtree(target, ignore_errors=True)
            for rel in wanted:
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(pkg / rel, target / rel)
    size = sum(f.stat().st_size for f in DEST.rglob("*") if f.is_file())
    print(f"{DEST}: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
