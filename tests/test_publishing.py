"""Publishing: the GitHub workflows are valid against GitHub's workflow schema (check-jsonschema carries it
offline), a broken workflow is caught, and the book's address, repository and citation agree with settings.ini."""
import configparser, re, subprocess, sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yaml"))
CHECK = [sys.executable, "-m", "check_jsonschema"]


def _settings():
    cfg = configparser.ConfigParser(); cfg.read(ROOT / "settings.ini")
    return cfg["DEFAULT"]


def _check(schema, *files):
    return subprocess.run(CHECK + ["--builtin-schema", schema, *map(str, files)], capture_output=True, text=True)


def test_the_workflows_are_valid_github_workflows():
    assert [w.name for w in WORKFLOWS] == ["book.yaml", "test.yaml"]
    res = _check("vendor.github-workflows", *WORKFLOWS)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("breakage", [
    ("    runs-on: ubuntu-latest\n    timeout-minutes: 60\n", "    timeout-minutes: 60\n"),   # a job without runs-on
    ("  push:\n  pull_request:\n", "  pushed:\n  pull_request:\n"),                          # an event that does not exist
    ("      - uses: actions/checkout@v4\n", "      - usez: actions/checkout@v4\n")])          # a misspelt step key
def test_a_broken_workflow_fails_the_check(tmp_path, breakage):
    text = (ROOT / ".github" / "workflows" / "test.yaml").read_text()
    assert text.count(breakage[0]) == 1
    broken = tmp_path / "test.yaml"; broken.write_text(text.replace(*breakage))
    res = _check("vendor.github-workflows", broken)
    assert res.returncode == 1, res.stdout + res.stderr
    assert "Schema validation errors" in res.stdout + res.stderr


def test_the_test_workflow_runs_the_readme_test_command():
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yaml").read_text())["jobs"]["test"]["steps"]
    assert [s["run"] for s in steps if "run" in s][-1] == "make test"
    assert "make test" in (ROOT / "README.md").read_text() and "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_book_workflow_builds_caches_and_deploys_the_built_html():
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yaml").read_text())
    steps = wf["jobs"]["build"]["steps"]
    assert any("make book" in s.get("run", "") for s in steps)
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "book/_build/runs" and "PROFILE" in cache["with"]["key"]
    assert "version" in cache["with"]["key"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "book/_build/_build/html"
    make_book = re.search(r"^book:.*\n\t(.*)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "--out book/_build" in make_book                       # where the cached runs and the HTML are
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in wf["jobs"]["deploy"]["steps"])


def test_the_book_address_and_repository_agree_with_settings():
    s, cfg = _settings(), yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    published = s["doc_host"] + s["doc_baseurl"] + "/"
    assert cfg["html"]["baseurl"] == published
    assert cfg["repository"]["url"] == s["git_url"] and cfg["html"]["use_repository_button"] is True
    assert not cfg["html"].get("use_edit_page_button")
    assert published in (ROOT / "README.md").read_text()


def test_citation_and_changelog():
    res = _check("vendor.citation-file-format", ROOT / "CITATION.cff")
    assert res.returncode == 0, res.stdout + res.stderr
    s, cff = _settings(), yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == s["version"] and cff["repository-code"] == s["git_url"]
    assert cff["url"] == s["doc_host"] + s["doc_baseurl"] + "/"
    assert f"## [{s['version']}]" in (ROOT / "CHANGELOG.md").read_text()
