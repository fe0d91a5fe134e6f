"""Training is unchanged by the restructuring of `fit` into callbacks (#13) and by the new tracking passes (#14):
today's code retrains the reference runs of `tests/reference_run.py` and must reproduce the histories recorded
by the code before both (timings aside). What changed on purpose, in #14: the `train_mode` curve (the
training-mode pass scores the epoch's own training batches instead of batches of 256 in corpus order) and the
per-document margins (on logits, as the area under the margin is defined, instead of on probabilities)."""
import json, subprocess, sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
CHANGED_ON_PURPOSE = ("train_mode_loss", "train_mode_acc", "train_mode_f1")
DOCS_CHANGED_ON_PURPOSE = ("train_margin", "val_margin")
# Tolerances. On the machine that recorded the reference, today's code reproduces it to the last bits (rtol 1e-5 held
# in every CI run up to 2026-11-29). Another CPU makes oneDNN choose other float32 kernels: on one (2026-11-29, the
# same code, the reference's own commit too) the training batch losses differed by up to 3e-4 relative (the padded
# run), and the evaluation passes at batch 256 (validation and inference curves, per-document losses) by up to 1e-2
# relative, enough to move one prediction (F1 1.6e-2). A change to training itself (batches, order, seeds, loss)
# moves all of these by far more.
TRAINING = dict(rtol=1e-3, atol=1e-6)           # batch losses and the reported curves: what the optimiser saw
EVALUATION = dict(rtol=2e-2, atol=2e-2)         # the re-scoring passes and the metrics that count predictions


def test_fit_reproduces_the_recorded_reference_histories(tmp_path):
    out = tmp_path / "now.json"
    subprocess.run([sys.executable, str(HERE / "reference_run.py"), str(out)], check=True, timeout=600)
    now, ref = json.loads(out.read_text()), json.loads((HERE / "data" / "fit_reference.json").read_text())
    assert sorted(now) == sorted(ref) == ["bucketed", "built", "padded"]
    for run in ref:
        a, b = now[run], ref[run]
        assert [r["epoch"] for r in a["records"]] == [r["epoch"] for r in b["records"]], run
        for ra, rb in zip(a["records"], b["records"]):
            assert set(rb) <= set(ra), f"{run}: recorded fields missing: {set(rb) - set(ra)}"
            for k in set(rb) - set(CHANGED_ON_PURPOSE):
                tol = TRAINING if k.startswith("reported_") and k.endswith("loss") or k in ("epoch", "lr") else EVALUATION
                np.testing.assert_allclose(ra[k], rb[k], **tol, err_msg=f"{run}, epoch {rb['epoch']}: {k}")
        assert [len(x) for x in a["batch_losses"]] == [len(x) for x in b["batch_losses"]], run
        for xa, xb in zip(a["batch_losses"], b["batch_losses"]):
            np.testing.assert_allclose(xa, xb, **TRAINING, err_msg=f"{run}: batch losses")
        assert sorted(a["docs"]) == sorted(b["docs"]), run
        for k in set(b["docs"]) - set(DOCS_CHANGED_ON_PURPOSE):
            np.testing.assert_allclose(a["docs"][k], b["docs"][k], **EVALUATION, err_msg=f"{run}: docs {k}")
