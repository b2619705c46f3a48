"""A figure a warning makes incomplete is marked wherever it is shown (s13-incomplete): the report marks it
`(⚠ incomplete: counts unpriced parts as $0)`, and so must eval's table (text, JSON, sweep summaries) and
estimate's. And a warning is one the user can act on: an estimate builds its own site, so it must not warn
about a land price its flags cannot give."""
from __future__ import annotations

from click.testing import CliRunner

from compiler.cli import main


def test_an_estimate_gives_no_warning_its_flags_cannot_silence() -> None:
    # `factory estimate` built a site with no land_price: every estimate on a server or rack printed
    # "warning[unpriced]: site `estimate` gives no `land_price`" and flagged its $/Mtok, and no flag could set it.
    # The estimate prices the system and its building, not land (stated in the spec it emits).
    for system in ("DGX_H100", "GB200_NVL72"):
        result = CliRunner().invoke(main, ["estimate", "inference", "--system", system, "--model", "llama2-70b"])
        assert result.exit_code == 0, result.output
        assert "unpriced" not in result.output and "land_price" not in result.output, result.output
    spec = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b",
                                     "--emit-spec"])
    assert "land_price = 0 USD" in spec.output and "land" in spec.output.splitlines()[0]
