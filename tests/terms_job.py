"""Knock-out runs for `tests/test_terms.py`: `python terms_job.py OUT.json` trains small runs with one mechanism
removed at a time and writes each run's gap terms (epoch by epoch), the sampling error of the data gap and the
dropout noise of the training-mode curve."""
import json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras
import numpy as np
from lossplateau.data import make_synthetic, stratified_split
from lossplateau.diagnostics import GAP_TERMS, gap_decomposition
from lossplateau.losses import FocalLoss, per_document_loss
from lossplateau.model import BiGRUConfig, batchnorm_statistics, predict_probs, recalibrated
from lossplateau.train import EpochBatches, Tracking, encode_splits, fit

KW = dict(batch_size=16, seed=3, num_words=1500, vector_dim=12, vector_epochs=1, progress=False)
BASE = BiGRUConfig(max_len=40, gru_units=12)


def data_gap_error(h, train, val)->float:
    "Standard error of the data gap (training minus validation mean loss, recalibrated statistics) at the last epoch."
    m, enc, kw = h.model, h.encoder, dict(buckets=h.buckets, padding=h.padding)
    x_tr, x_va = enc.transform(train), enc.transform(val)
    with recalibrated(m, batchnorm_statistics(m, x_tr, **kw)):
        l_tr = per_document_loss(FocalLoss(), train.labels, predict_probs(m, x_tr, **kw))
        l_va = per_document_loss(FocalLoss(), val.labels, predict_probs(m, x_va, **kw))
    return float(np.sqrt(l_tr.var(ddof=1) / len(l_tr) + l_va.var(ddof=1) / len(l_va)))


def train_mode_sd(h, train, seeds=range(8))->float:
    "Standard deviation of the training-mode loss over dropout masks (the epoch's batches, 8 seeds): dropout's noise."
    plan = EpochBatches(encode_splits(train, train, h.config.max_len, KW["num_words"]), KW["batch_size"], KW["seed"]).plan(len(h))
    x = h.encoder.transform(train)
    return float(np.std([per_document_loss(FocalLoss(), train.labels, predict_probs(h.model, x, True, plan=plan, seed=s)).mean()
                         for s in seeds], ddof=1))


def terms(h)->dict:
    d = gap_decomposition(h)
    return {**{t: d[t].tolist() for t in (*GAP_TERMS, "total")}, **sampling_errors(h)}


def sampling_errors(h)->dict:
    "Standard errors of the training-mode curve and of the dropout term (sampled batches), epoch by epoch."
    return {k: h.epochs[k].tolist() for k in ("train_mode_loss_se", "dropout_loss_se") if k in h.epochs}


def main(out):
    runs = {}
    train, val = stratified_split(make_synthetic(420, 4, seed=5), seed=5)
    configs = {"question": BASE, "no_dropout": BASE.no_dropout(), "no_batchnorm": BASE.replace(batchnorm_head=False),
               "neither": BASE.no_dropout().replace(batchnorm_head=False)}
    for name, cfg in configs.items():
        runs[name] = terms(fit(cfg, train, val, epochs=2, learning_rate=3e-3, name=name, **KW))
    for name, cfg in (("question_lr0", BASE), ("no_dropout_lr0", BASE.no_dropout())):
        h = fit(cfg, train, val, epochs=2, learning_rate=0.0, name=name, **KW)
        runs[name] = {**terms(h), "data_gap_se": data_gap_error(h, train, val), "train_mode_sd": train_mode_sd(h, train)}
    h = fit(BASE, train, val, epochs=2, learning_rate=3e-3, name="question_full", track=Tracking(train_mode_share=1.0),
            **KW)                                                      # "question", every batch in training mode
    runs["question_full"] = terms(h)
    rng = np.random.default_rng(0)                                     # an L2 penalty on a model of our own
    x, y = rng.normal(size=(120, 6)).astype("float32"), np.arange(120) % 3
    for name, lr in (("l2", 0.05), ("l2_lr0", 0.0)):
        keras.utils.set_random_seed(1)
        model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu",
                                  kernel_regularizer=keras.regularizers.L2(0.05)), keras.layers.Dense(3, activation="softmax")])
        h = fit(model, (x[:90], y[:90]), (x[90:], y[90:]), epochs=2, learning_rate=lr, optimizer="sgd", batch_size=16,
                seed=2, name=name, progress=False)
        runs[name] = {**terms(h), "model_losses": float(sum(keras.ops.convert_to_numpy(v) for v in h.model.losses))}
    with open(out, "w") as f: json.dump(runs, f, indent=1)


if __name__ == "__main__": main(sys.argv[1])
