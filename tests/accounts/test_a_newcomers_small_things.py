"""Small things a newcomer trips on: commands, ports, the icon, the admin's import preview
under the Content-Security-Policy, and what the sign-up form says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.glossaries.importing import csv_file, preview

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_the_readme_says_commands_need_debug_locally_where_it_lists_them():
    commands = README[README.index("## Commands") :]
    commands = commands[: commands.index("\n## ", 1)]

    assert "manage.py createaccount" in commands
    assert "DEBUG=true" in commands and "SECRET_KEY" in commands


def test_a_command_runs_as_the_readme_writes_it():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY"))}
    env.update(DEBUG="true")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr


def test_every_variable_make_run_reads_is_in_the_readme():
    serve = (ROOT / "scripts" / "serve.sh").read_text()
    variables = set(re.findall(r"\$\{([A-Z_]+):-", serve))

    assert {"WEB_PORT", "LOCALVT_PORT"} <= variables
    assert all(f"`{name}`" in README for name in variables), variables


def test_favicon_ico_is_the_sites_icon(client, db):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_the_admins_import_preview_needs_no_inline_style(staff_alice_client, alpha, make_glossary):
    make_glossary(alpha, name="Medical", terms=["MRI"])
    upload = csv_file(["glossary", "term"], [["Medical", "CT"], ["Medical", "mri"]])

    page = preview(staff_alice_client, "vocabularyterm", upload).content.decode()

    assert "<ins>" in page and "<del>" in page  # the preview shows what changes…
    assert "style=" not in page  # …without the inline styles the CSP refuses
    assert "glossaries/import-preview.css" in page


def test_the_team_name_says_what_it_names(client, db):
    help_text = client.get("/signup/").context["form"].fields["account_name"].help_text

    assert "personal account" not in help_text
    assert help_text.startswith("The team you will own")
