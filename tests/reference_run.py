"""Three small seeded runs of the question's model (bucketed, padded, and a model built by hand) whose histories are
recorded in `tests/data/fit_reference.json` (not to be confused with the book's recorded run, `book/reference/`).

`python tests/reference_run.py OUT.json` trains them and writes their histories (timings aside). The file in
`tests/data/` was written by the code before `fit` became a loop over callbacks (commit 01ef26c);
`tests/test_fit_reference.py` trains the same runs with today's code and compares.

The runs train on the corpus they were recorded on, stored in `tests/data/fit_reference_corpus.json.gz`: it was
`stratified_split(make_synthetic(360, 4, seed=5), seed=5)`, but since #15 `make_synthetic` draws its label noise
from a stream of its own and among training documents only, so that call now gives other texts and another split.
This test is about training, not about the corpus generator: it keeps the recorded data.
"""
import gzip, json, os, sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
from lossplateau.data import Corpus
from lossplateau.model import BiGRUConfig
from lossplateau.train import Tracking, fit

HERE = Path(__file__).parent


def reference_corpora()->tuple:
    "`(train, val)`: the corpora the reference histories were recorded on (texts, labels, ids and truth as then)."
    d = json.loads(gzip.decompress((HERE / "data" / "fit_reference_corpus.json.gz").read_bytes()))
    return Corpus(**d["train"]), Corpus(**d["val"])


def reference_histories()->dict:
    "The reference runs: the question's model (bucketed, and padded to `max_len`) and a small built Keras model."
    import keras
    train, val = reference_corpora()
    kw = dict(batch_size=16, learning_rate=3e-3, seed=11, num_words=1500, vector_dim=12, vector_epochs=1, progress=False)
    out = {"bucketed": fit(BiGRUConfig(max_len=40, gru_units=12), train, val, epochs=4, patience=3, name="bucketed",
                           track=Tracking(every=2, max_docs=60), **kw),
           "padded": fit(BiGRUConfig(max_len=40, gru_units=12), train, val, epochs=2, bucketing=False, name="padded", **kw)}
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(90, 5)).astype("float32"), np.arange(90) % 3
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dropout(0.3),
                              keras.layers.BatchNormalization(), keras.layers.Dense(3, activation="softmax")])
    out["built"] = fit(model, (x[:60], y[:60]), (x[60:], y[60:]), epochs=3, batch_size=16, learning_rate=1e-2,
                       optimizer="sgd", loss="crossentropy", seed=2, name="built", progress=False)
    return out


def as_json(h)->dict:
    "The history's tables without timings: epoch records, per-batch losses, per-document arrays."
    records = [{k: v for k, v in r.items() if not k.endswith("seconds")} for r in h.records]
    return {"records": records, "batch_losses": [np.asarray(b).tolist() for b in h.batch_losses],
            "docs": {k: np.asarray(v).tolist() for k, v in sorted(h.docs.items())}}


if __name__ == "__main__":
    with open(sys.argv[1], "w") as f: json.dump({k: as_json(h) for k, h in reference_histories().items()}, f)
