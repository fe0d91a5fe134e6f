"""A pip-installed lossplateau must carry its data and licences, and metadata must come from settings.ini."""
import configparser, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_FILES = ("history.json", "history.npz", "predictions.npz", "provenance.json")   # lossplateau.runs.REFERENCE_FILES


# what setuptools says when a package is declared in a way it will stop accepting (e.g. a data folder that is not a
# declared package, a licence classifier instead of an SPDX expression); pip shows it to every user who installs
BUILD_WARNINGS = ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "SetuptoolsWarning",
                  "is absent from the `packages` configuration", "License classifiers are deprecated")


def test_wheel_contains_corpus_and_licences(tmp_path):
    "Built as pip builds it for a user (an isolated build environment with the newest setuptools), without warnings."
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    log = out.stdout + out.stderr
    warned = [w for w in BUILD_WARNINGS if w in log]
    assert not warned, f"the build warns ({', '.join(warned)}):\n" + log[max(0, log.find(warned[0]) - 1500):][:3000]
    wheel = next(tmp_path.glob("lossplateau-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ["lossplateau/data.py", "lossplateau/corpora/foldoc.jsonl.gz", "lossplateau/corpora/FOLDOC.md",
              "lossplateau/corpora/GFDL-1.3.txt", "lossplateau/cli.py", "lossplateau/_resources/nbs/20_run.ipynb",
              "lossplateau/_resources/nbs/05_train.ipynb", "lossplateau/_resources/book/profiles.yml",
              "lossplateau/_resources/book/_config.yml", "lossplateau/_resources/book/_toc.yml",
              "lossplateau/_resources/nbs/index.ipynb", "lossplateau/_resources/nbs/10a_own_schedule.ipynb",
              *(f"lossplateau/_resources/book/reference/full-question/{f}" for f in REFERENCE_FILES)]:
        assert f in names, f"{f} missing from {wheel.name}"
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    meta = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert f"Version: {cfg['DEFAULT']['version']}" in text
    assert "Requires-Dist: tensorflow<2.22,>=2.21" in text
    assert "License-Expression: Apache-2.0 AND GFDL-1.1-no-invariants-or-later" in text   # the code's and FOLDOC's
    assert "Classifier: License ::" not in text
    assert "lossplateau-0.1.0.dist-info/licenses/LICENSE".replace("0.1.0", cfg["DEFAULT"]["version"]) in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "lossplateau = lossplateau.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
