"""A pip-installed lossplateau must carry its data and licences, and metadata must come from settings.ini."""
import configparser, subprocess, sys, zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_corpus_and_licences(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = next(tmp_path.glob("lossplateau-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ["lossplateau/data.py", "lossplateau/corpora/foldoc.jsonl.gz", "lossplateau/corpora/FOLDOC.md",
              "lossplateau/corpora/GFDL-1.3.txt", "lossplateau/cli.py", "lossplateau/_resources/nbs/20_run.ipynb",
              "lossplateau/_resources/nbs/05_train.ipynb", "lossplateau/_resources/book/profiles.yml",
              "lossplateau/_resources/book/_config.yml", "lossplateau/_resources/book/_toc.yml",
              "lossplateau/_resources/nbs/index.ipynb"]:
        assert f in names, f"{f} missing from {wheel.name}"
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    meta = next(n for n in names if n.endswith("METADATA"))
    text = zipfile.ZipFile(wheel).read(meta).decode()
    assert f"Version: {cfg['DEFAULT']['version']}" in text
    assert "Requires-Dist: tensorflow<2.22,>=2.21" in text
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "lossplateau = lossplateau.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
