"""Amounts in another currency than the workspace's are warned about, never silently summed."""

from __future__ import annotations

from click.testing import CliRunner

from smarketing_tui.cli import cli
from smarketing_tui.store import other_currencies

DEALS = ("Record ID,Deal Name,Deal Stage,Amount,Currency,Close Date,Create Date\n"
         # Two deals in dollars, one in kroner (the workspace's NOK), one without an amount.
         "1,A,Closed Won,22700.00,USD,2026-11-18 10:00,2026-10-26 10:00\n"
         "2,B,Closed Won,4800,usd,2026-11-19 10:00,2026-10-27 10:00\n"
         "3,C,Closed Won,12000,NOK,2026-11-20 10:00,2026-10-28 10:00\n"
         "4,D,Closed Won,,USD,2026-11-21 10:00,2026-10-29 10:00\n")


def test_deals_in_dollars_in_a_kroner_workspace_are_warned_about(workspace, tmp_path, db):
    path = tmp_path / "deals.csv"
    path.write_text(DEALS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "import", "deals",
                                      str(path), "--preset", "hubspot"])
    assert result.exit_code == 0, result.output
    assert ("warning: the store has 2 deals in USD, but the workspace counts money in NOK; "
            "amounts are summed as stored, never converted: set currency: in smarketing.yaml "
            "if USD is right, or map the currency in the import") in result.output
    # The kroner deal and the one without an amount are not counted as foreign.
    assert other_currencies(db.conn, "deals", "NOK") == {"USD": 2}
    assert other_currencies(db.conn, "deals", "usd") == {"NOK": 1}


def test_a_file_in_the_workspaces_currency_gets_no_warning(workspace, tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text(DEALS.splitlines()[0] + "\n" + DEALS.splitlines()[3] + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--workspace", str(workspace.root), "import", "deals",
                                      str(path), "--preset", "hubspot"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
