"""Nothing a scenario holds can drive the terminal (issue 17, item 9)."""

from __future__ import annotations

import pytest

from simulator.cli.console import clean
from tests.cli.helpers import COFFEE, TINY, cli, one_line_error

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\x1b[31mb", "a\\x1b[31mb"),
        ("bell\x07", "bell\\x07"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("caf\u00e9 \u2013 ok", "caf\u00e9 \u2013 ok"),
    ],
)
def test_clean_escapes_control_and_format_characters(text, shown):
    assert clean(text) == shown


def test_clean_keeps_newlines_only_when_asked():
    assert clean("a\nb") == "a\\x0ab"
    assert clean("a\nb", newlines=True) == "a\nb"


def test_escape_in_a_strategy_name_is_refused_and_not_echoed(tmp_path):
    path = tmp_path / "esc.yaml"
    # YAML refuses raw control characters, but a double-quoted "\x1b" writes one.
    escaped = ESC.encode("unicode_escape").decode()
    path.write_text(COFFEE.read_text() + f'  "evil{escaped}": {{firm.price: 1.1}}\n')
    for command in (["validate", path], ["run", path, *TINY, "--strategy", f"evil{ESC}"]):
        code, out, err = cli(*command)
        one_line_error(code, err, "control characters")
        assert "\x1b" not in err + out and "\x07" not in err + out


def test_escape_in_a_path_is_not_printed_raw(tmp_path):
    out_dir = tmp_path / f"out{ESC}"
    code, out, err = cli("run", COFFEE, *TINY, "--quiet", "--no-plots", "--out", out_dir)
    assert code == 0, err
    assert "\x1b" not in out + err and "results: " in out and "\\x1b" in out
    assert (out_dir / "summary.json").is_file()
