"""Planted controls for the suspects' cut-off (the area under the margin with threshold samples, Pleiss et al. 2020),
at the `quick` profile's synthetic size: with 10% of the labels flipped the flagged set must be mostly flips and
catch most of them, and with no flips it must stay small. The runs are made by `benchmarks/noise_detection.py`
(seed 0; `--kinds uniform clean`), which also scores cleanlab on the same documents."""
import json, subprocess, sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MIN_AUROC = 0.9          # the AUM ranking must separate uniform flips well at this size (measured: 0.99)
MIN_FLAG_PRECISION = 0.5 # at least half the flagged documents are flips (the noise rate is 0.1)
MIN_FLAG_RECALL = 0.5    # and the cut-off catches at least half of the flips
MAX_CLEAN_FLAGGED = 0.05 # with no flips, at most 5% of the training documents are flagged


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("suspects")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "noise_detection.py"), "--seeds", "0",
                    "--kinds", "uniform", "clean", "--runs", str(tmp / "runs"), "--out", str(tmp / "out.json")],
                   check=True, timeout=900)
    return json.loads((tmp / "out.json").read_text())


def test_the_aum_cut_off_flags_mostly_planted_flips(result):
    aum = next(r for r in result["runs"] if r["method"] == "aum")
    assert aum["auroc"] >= MIN_AUROC, aum
    assert aum["flag_precision"] >= MIN_FLAG_PRECISION and aum["flag_recall"] >= MIN_FLAG_RECALL, aum
    assert aum["noise_rate"] == pytest.approx(0.1, abs=0.03)      # threshold samples are left out of the scoring


def test_the_aum_cut_off_flags_few_documents_when_nothing_was_planted(result):
    (clean,) = result["clean_control"]
    assert clean["aum_flagged"] <= MAX_CLEAN_FLAGGED * clean["documents"], clean


def test_cleanlab_is_scored_on_the_same_documents(result):
    aum, cl = (next(r for r in result["runs"] if r["method"] == m) for m in ("aum", "cleanlab"))
    assert cl["k"] == aum["k"] and cl["noise_rate"] == aum["noise_rate"]
    assert 0.5 < cl["auroc"] <= 1                                   # the reference works here too
