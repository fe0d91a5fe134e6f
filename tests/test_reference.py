"""The recorded `full` question run (book/reference/full-question) is complete, is still what the `full` profile
resolves to, and retraining its first epochs with the same command and seed gives the recorded epochs."""
import json, subprocess, sys

import numpy as np

from lossplateau.core import json_default
from lossplateau.runs import check_run_spec, get_profile, load_reference, machine_info, run_specs, same_cpu
from lossplateau.train import History, run_key
from test_fit_reference import EVALUATION, TRAINING

CLI = [sys.executable, "-c", "import sys; from lossplateau.cli import main; sys.exit(main())"]
EPOCHS = 2   # the recorded epochs the test trains again
# The record trained with XLA on (`fit`'s "auto" rule: 300 epochs repay the compilation), and 2 epochs would resolve
# to XLA off; so the test asks for XLA (`--xla on`), which makes the run's parameters, and its key, the record's.
# On a CPU like the one that recorded it (same model and vector units, `same_cpu`), the numbers are the same to the
# last bit. On another CPU oneDNN picks other float32 kernels, and the test allows what tests/test_fit_reference.py
# measured for that: TRAINING for the batch losses and reported curves, EVALUATION for the re-scoring passes. (Without
# XLA the numbers are not even close: epoch 1's reported loss differed by 0.03, its validation loss by 0.007, as much
# as another seed.) Per-document values are not compared: the record tracks them every 5 epochs, and a 2-epoch run
# tracks its last epoch, so the two share no tracked epoch.
TIMINGS = ("train_seconds", "track_seconds")


def _json(x): return json.loads(json.dumps(x, default=json_default))


def test_the_record_is_complete_and_what_the_full_profile_resolves_to_today():
    ref = load_reference("full", "question")       # checks that history, provenance and predictions are one epoch's
    today = check_run_spec(run_specs(get_profile("full"))["question"])
    assert ref.spec == _json(today), "the full profile's question run changed since it was recorded: record it again " \
                                     "(make full-reference) or undo the change"
    assert run_key(ref.history.params) == ref.provenance["key"]            # the record is the run its key names
    assert len(ref.history) == ref.provenance["planned_epochs"] == today["epochs"], \
        f"the record holds {len(ref.history)} of {today['epochs']} epochs: finish it (make full-reference resumes it)"
    assert len(ref.provenance["epoch_seconds"]) == len(ref.history)
    assert all(s.get("ended") for s in ref.provenance["sessions"]), "a session was still training when recorded"
    acc = float((ref.val_pred == ref.val_true).mean())                      # the predictions are the last epoch's
    np.testing.assert_allclose(acc, ref.history.epochs.val_acc.iloc[-1], rtol=1e-6)


def test_retraining_the_first_epochs_reproduces_the_record(tmp_path):
    ref = load_reference("full", "question")
    cmd = ["train", "--profile", "full", "--run", "question", "--epochs", str(EPOCHS), "--xla", "on", "--out", str(tmp_path)]
    res = subprocess.run(CLI + cmd, capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, res.stderr[-3000:]
    again = History.load(next(tmp_path.glob("question-*")))
    assert len(again) == EPOCHS
    # the same documents, encoding, vectors, model, loss, optimiser, seed, tracking and XLA: the same run
    differ = {k for k in set(ref.history.params) | set(again.params) if ref.history.params.get(k) != again.params.get(k)}
    assert not differ, f"parameters that differ from the record: {sorted(differ)}"
    assert run_key(again.params) == ref.provenance["key"]
    exact = same_cpu(machine_info(), ref.provenance["machine"])
    close = lambda a, b, tol, what: (np.testing.assert_array_equal(a, b, err_msg=what) if exact else
                                     np.testing.assert_allclose(a, b, **tol, err_msg=what))
    for e, (old, new) in enumerate(zip(ref.history.records[:EPOCHS], again.records), 1):
        assert set(old) == set(new)
        for name in sorted(set(old) - set(TIMINGS)):
            tol = TRAINING if name.startswith("reported_") or name in ("epoch", "lr") else EVALUATION
            close(np.float64(new[name]), np.float64(old[name]), tol, f"epoch {e}, {name}")
    for e in range(EPOCHS):                                                 # every batch's loss, in order
        close(again.batch_losses[e], ref.history.batch_losses[e], TRAINING, f"epoch {e + 1}: batch losses")
