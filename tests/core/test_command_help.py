"""Every `tatara` verb of the project answers `--help`, its sub-verbs too (a stray '%' in a help
text made `tatara kpi --help` crash)."""

import argparse

import pytest
from django.core.management import get_commands, load_command_class

PROJECT = sorted(
    (name, app) for name, app in get_commands().items() if str(app).startswith("tatara.")
)


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:  # argparse offers no public way to walk its verbs
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_the_project_has_its_commands():
    names = {name for name, _app in PROJECT}
    assert {"cycle", "kpi", "emissions", "export-control", "screening", "organisation"} <= names


@pytest.mark.parametrize(("name", "app"), PROJECT)
def test_every_verb_answers_help(name, app):
    command = load_command_class(app, name)
    parser = command.create_parser("tatara", name)
    helps = [p.format_help() for p in _parsers(parser)]
    assert all(text.startswith("usage: ") for text in helps)


def test_one_verb_scheme_with_the_first_names_kept(tmp_path, world):
    """`tatara <area> import-<thing>` / `export-<thing>`; renamed verbs answer to their first
    name too (`tatara cycle export` is `tatara cycle export-table`)."""
    from django.core.management import call_command

    for verb in ("export-table", "export"):
        out = tmp_path / f"{verb}.csv"
        call_command("cycle", verb, "--fy", str(world.year), "-o", str(out))
        assert out.read_text(encoding="utf-8").startswith("subject_no,subject,")
