"""The recorded `full` question run (book/reference/full-question) is still what the `full` profile resolves to, and
retraining its first epochs with the same command and seed gives the recorded epochs."""
import json, math, subprocess, sys

import numpy as np

from lossplateau.core import json_default
from lossplateau.runs import check_run_spec, get_profile, load_reference, run_specs
from lossplateau.train import History, run_key

CLI = [sys.executable, "-c", "import sys; from lossplateau.cli import main; sys.exit(main())"]
EPOCHS = 2   # the recorded epochs the test trains again
# The record trained with XLA on (`fit`'s "auto" rule: 300 epochs repay the compilation), and 2 epochs would resolve
# to XLA off; so the test asks for XLA (`--xla on`), which makes the run's parameters, and its key, the record's.
# With the same settings the numbers are the same to the last bit. (Without XLA they are not even close: epoch 1's
# reported loss differed by 0.03, its validation loss by 0.007, as much as another seed.)
TIMINGS = ("train_seconds", "track_seconds")


def _json(x): return json.loads(json.dumps(x, default=json_default))


def test_the_record_is_what_the_full_profile_resolves_to_today():
    ref = load_reference("full", "question")
    today = check_run_spec(run_specs(get_profile("full"))["question"])
    assert ref.spec == _json(today), "the full profile's question run changed since it was recorded: record it again " \
                                     "(make full-reference) or undo the change"
    assert run_key(ref.history.params) == ref.provenance["key"]            # the record is the run its key names
    assert ref.provenance["epochs"] == len(ref.history) and len(ref.val_pred) == len(ref.val_true)
    assert len(ref.provenance["epoch_seconds"]) == len(ref.history)


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
    for e, (old, new) in enumerate(zip(ref.history.records[:EPOCHS], again.records), 1):
        assert set(old) == set(new)
        for name in sorted(set(old) - set(TIMINGS)):
            a, b = old[name], new[name]
            if isinstance(a, float) and math.isnan(a): assert math.isnan(b), (e, name); continue
            assert a == b, f"epoch {e}, {name}: recorded {a}, retrained {b}"
    for e in range(EPOCHS):                                                 # every batch's loss, in order
        assert np.array_equal(ref.history.batch_losses[e], again.batch_losses[e]), f"epoch {e + 1}: batch losses differ"
