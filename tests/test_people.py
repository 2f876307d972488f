"""One lookup for a person everywhere (issue 9, defect 9): exact, then unique prefix, then
'did you mean' — in the CLI, prep and the dialogs' owner fields."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from smarketing_tui import people
from smarketing_tui.cli import cli
from smarketing_tui.errors import UserError
from smarketing_tui.workspace import Person

TEAM = [Person("Siri Dæhlie", "sales", aliases=("siri.d@firma.no", "7001")),
        Person("Sofie Lien", "marketing"),
        Person("Kristine Bråten", "sales"),
        Person("Kari Strand", "marketing", aliases=("K. Strand",))]


def test_exact_then_unique_prefix():
    assert people.find("siri dæhlie", TEAM).name == "Siri Dæhlie"
    assert people.find("7001", TEAM).name == "Siri Dæhlie"        # an alias, exactly
    assert people.find("siri", TEAM).name == "Siri Dæhlie"        # the only name starting so
    assert people.find("kristine", TEAM).name == "Kristine Bråten"
    assert people.find("BRÅT", TEAM).name == "Kristine Bråten"    # a word of the name, any case
    assert people.find("k. s", TEAM).name == "Kari Strand"        # the start of an alias
    assert people.find("  Sofie  ", TEAM).name == "Sofie Lien"


def test_several_or_none_say_why():
    # "s" starts Siri, Sofie and Strand (a word of Kari Strand's name): nobody chosen.
    assert people.find("s", TEAM) is None
    assert people.why_not("s", TEAM) == ("'s' could be Siri Dæhlie, Sofie Lien or Kari Strand: "
                                         "type more of the name")
    assert people.find("k", TEAM) is None  # Kristine, Kari (and K. Strand's alias)
    # Nothing starts with "sirri": the nearest name is offered.
    assert people.find("sirri", TEAM) is None
    assert people.why_not("sirri", TEAM) == "unknown person 'sirri' (did you mean 'Siri Dæhlie'?)"
    assert people.why_not("zzz", TEAM) == "unknown person 'zzz'"
    assert people.find("", TEAM) is None and people.why_not(" ", TEAM) == "no name given"


def test_lookup_raises_one_line_naming_the_people():
    with pytest.raises(UserError) as raised:
        people.lookup("Kristina Braten", TEAM)
    assert str(raised.value) == (
        "unknown person 'Kristina Braten' (did you mean 'Kristine Bråten'?); people in "
        "smarketing.yaml: Siri Dæhlie, Sofie Lien, Kristine Bråten, Kari Strand")


def test_names_only_as_the_dialogs_have_them():
    names = ["Amir Rahimi", "Erlend Mørk", "Siri Dæhlie", "Sofie Lien"]
    assert people.find_name("siri", names) == "Siri Dæhlie"
    assert people.find_name("mørk", names) == "Erlend Mørk"
    assert people.find_name("s", names) is None


def _actions(workspace, *args):
    return CliRunner().invoke(cli, ["--workspace", str(workspace.root), "actions", *args])


def test_actions_owner_takes_a_unique_prefix(demo_workspace):
    result = _actions(demo_workspace, "--owner", "siri", "--all")
    assert result.exit_code == 0, result.output
    assert "Siri Dæhlie" in result.stdout
    assert all(name not in result.stdout for name in ("Erlend Mørk", "Amir Rahimi"))


def test_actions_owner_unknown_suggests_a_name(demo_workspace):
    result = _actions(demo_workspace, "--owner", "sirri")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: unknown person 'sirri' (did you mean 'Siri Dæhlie'?); people in smarketing.yaml:")
    assert len(result.stderr.splitlines()) == 1


def test_prep_as_a_unique_prefix(demo_workspace):
    from smarketing_tui.prep import person_or_error
    from smarketing_tui.tui.prep_screen import PrepApp

    assert person_or_error(demo_workspace.settings(), "kristine").name == "Kristine Bråten"
    app = PrepApp(demo_workspace, person="kristine")
    assert app.person.name == "Kristine Bråten"
    with pytest.raises(UserError, match="did you mean 'Kristine Bråten'"):
        person_or_error(demo_workspace.settings(), "kristin braten")
