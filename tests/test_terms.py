"""Knock-out controls for the gap decomposition: each term must vanish, within the stated tolerance, when its cause
is removed, and must not vanish when it is present. The runs are made once by `tests/terms_job.py`."""
import json, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
EXACT = 1e-5        # float32 round-off of the same function computed by two compiled passes
PRESENT = 1e-3      # a term whose cause is present must be larger than this in some epoch


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("terms") / "terms.json"
    subprocess.run([sys.executable, str(HERE / "terms_job.py"), str(out)], check=True, timeout=900)
    return json.loads(out.read_text())


def biggest(run, term): return max(abs(v) for v in run[term])


def test_the_terms_add_up_to_reported_minus_val(runs):
    terms = ("penalty", "lag", "dropout", "batch_stats", "padding", "data_gap", "stale_stats")
    for name, r in runs.items():
        np.testing.assert_allclose(np.sum([r[t] for t in terms], axis=0), r["total"], atol=1e-9, err_msg=name)


def test_dropout_term_vanishes_without_dropout_and_not_with_it(runs):
    assert biggest(runs["question"], "dropout") > PRESENT and biggest(runs["no_batchnorm"], "dropout") > PRESENT
    for name in ("no_dropout", "neither", "no_dropout_lr0", "l2"):
        assert biggest(runs[name], "dropout") < EXACT, name


def test_batchnorm_terms_vanish_without_batchnorm_and_not_with_it(runs):
    for name in ("question", "no_dropout"):
        assert biggest(runs[name], "batch_stats") > PRESENT and biggest(runs[name], "stale_stats") > PRESENT, name
    for name in ("no_batchnorm", "neither", "l2"):
        assert biggest(runs[name], "batch_stats") < EXACT and biggest(runs[name], "stale_stats") == 0, name


def test_lag_vanishes_when_the_weights_do_not_move(runs):
    assert biggest(runs["no_dropout"], "lag") > PRESENT                          # trained: the weights moved
    assert biggest(runs["no_dropout_lr0"], "lag") < EXACT                        # learning rate 0: exactly none
    assert biggest(runs["l2_lr0"], "lag") < EXACT                                # and the penalty is not in the lag
    r = runs["question_lr0"]                        # with dropout: dropout's noise, and the sampled batches' error
    bound = 3 * np.sqrt(2 * r["train_mode_sd"] ** 2 + max(r["train_mode_loss_se"]) ** 2)
    assert biggest(r, "lag") < bound, (r["lag"], r["train_mode_sd"], r["train_mode_loss_se"])


def test_data_gap_is_within_sampling_noise_when_nothing_was_learned(runs):
    for name in ("question_lr0", "no_dropout_lr0"):
        r = runs[name]
        assert r["data_gap_se"] > 0, name
        assert r["data_gap"][-1] == pytest.approx(r["data_gap_by_document"], abs=EXACT), name   # I* - V*, no more
        for gap in r["data_gap"]:                                                # every epoch, 2 standard errors
            assert abs(gap) < 2 * r["data_gap_se"], (name, r["data_gap"], r["data_gap_se"])


SHIFT_SEEDS = (0, 1, 2)
TRAINING_SIDE = ("penalty", "lag", "dropout", "batch_stats", "padding", "inference_recal")
# The validation documents of `syn_shift` carry 0.3 more topic words than those of `syn_clean` (same seed, training
# set and documents otherwise). Measured (600 documents, 6 classes, 5 seeds, epochs 1-3): the data gap rises by 0.17
# to 0.31 with the shift, per-document standard error 0.014-0.026. A rise must exceed 0.08 in every epoch and seed
# (half the smallest measured; 3 or more standard errors), and 4 of its own standard errors at the last epoch
# (measured 9-14).
EASIER = 0.08


def test_data_gap_shows_an_easier_validation_set(runs):
    for seed in SHIFT_SEEDS:
        shift, clean = runs[f"syn_shift_s{seed}"], runs[f"syn_clean_s{seed}"]
        for t in TRAINING_SIDE:                    # only the validation texts differ: the training side did not move
            np.testing.assert_allclose(shift[t], clean[t], atol=EXACT, err_msg=f"{t}, seed {seed}")
        for r in (shift, clean):                   # the data gap is I* - V* by document: no other term folded in
            assert r["data_gap"][-1] == pytest.approx(r["data_gap_by_document"], abs=EXACT), (seed, r["data_gap"])
        rise = np.subtract(shift["data_gap"], clean["data_gap"])
        # the rise is the validation side's alone (V* clean - V* shifted) and what the documents say: their mean loss
        # difference under the final function, computed apart from the recorded curves
        np.testing.assert_allclose(rise, np.subtract(clean["val_recal"], shift["val_recal"]), atol=EXACT)
        assert rise[-1] == pytest.approx(shift["shift_effect"], abs=EXACT), (seed, rise, shift["shift_effect"])
        assert (rise > EASIER).all(), (seed, rise)                              # the validation side is easier
        assert rise[-1] > 4 * shift["shift_se"], (seed, rise, shift["shift_se"])
        # and outright: the shifted run's data gap is above 2 standard errors (measured 3-4), memorisation notwithstanding
        assert shift["data_gap"][-1] > 2 * shift["data_gap_se"], (seed, shift["data_gap"], shift["data_gap_se"])


def test_penalty_term_is_the_sum_of_the_model_losses(runs):
    for name in ("l2", "l2_lr0"):
        assert runs[name]["penalty"][-1] == pytest.approx(runs[name]["model_losses"], rel=1e-6)
        assert runs[name]["penalty"][-1] > 0.01
    for name in ("question", "neither"):
        assert runs[name]["penalty"] == [0.0, 0.0]


def test_sampled_training_mode_agrees_with_every_batch(runs):
    "The default share of batches in training mode against all of them (`train_mode_share=1.0`), the same training."
    sub, full = runs["question"], runs["question_full"]
    np.testing.assert_allclose(sub["total"], full["total"], atol=1e-6)        # the same training, the same weights
    assert full["train_mode_loss_se"] == [0.0, 0.0] and min(sub["train_mode_loss_se"]) > 0
    for e, se in enumerate(sub["train_mode_loss_se"]):                        # lag = R - P - T: T's error, sign flipped
        assert abs(sub["lag"][e] - full["lag"][e]) < 3 * se, (sub["lag"], full["lag"], se)
        assert abs(sub["dropout"][e] - full["dropout"][e]) < 3 * sub["dropout_loss_se"][e]
    np.testing.assert_allclose(sub["batch_stats"], full["batch_stats"], atol=1e-6)   # without dropout: every batch
