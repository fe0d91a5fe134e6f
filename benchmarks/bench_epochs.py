#!/usr/bin/env python
"""Where an epoch's time goes when two training processes share the machine (as a book's two Dask workers do).

`fit` calls Keras' `Model.fit` once per epoch. This benchmark times each of those calls from outside, and splits it
into the epoch itself (a last callback's `on_epoch_begin` to its `on_epoch_end`: the training steps and the tracking
passes) and the **teardown** after it, until `Model.fit` returns. Two processes train side by side (seeds 0 and 1),
once per variant:

  generator  the batches as `EpochBatches.dataset` made them before: a Python generator in
             `tf.data.Dataset.from_generator`, with `prefetch` (tf.data's autotuning on, its default)
  tfdata     the batches as `EpochBatches.dataset` makes them now: `tf.data` ops (gather, cut to the bucket),
             autotuning off; each process traces (and with XLA compiles) the training step for its run
  twin       tfdata, after a one-epoch run of the same structure at another seed in the same process: the timed
             run trains through the compiled twin that run left (`fit`'s `compiled_models`), nothing traced again

Reported per variant: the first `fit` call's cost against the median of the later ones, the later calls' spread
(min, median, max, max/median), the teardown per call (median and max), and how many later calls land within 0.08 s
of a multiple of 1.28 s (1 in 8 would by chance) (the grid the performance issue saw: tf.data's autotuning thread sleeps on a doubling
period, and dropping an epoch's iterator waits for it). The histories of both variants are compared: the batches
are the same, so the curves must be too.

    python benchmarks/bench_epochs.py                 # quick's question run: FOLDOC-48, 4,000 documents, 8 epochs
    python benchmarks/bench_epochs.py --smoke         # tiny data, about a minute
    python benchmarks/bench_epochs.py --variants tfdata twin --xla on   # what a twin saves where XLA compiles
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "bench_epochs.json"
VARIANTS = ("generator", "tfdata", "twin")
GRID = 1.28


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="quick", help="profile whose `question` run is trained (default quick)")
    p.add_argument("--epochs", type=int, default=8, help="epochs per process (default 8)")
    p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    p.add_argument("--xla", choices=("auto", "on", "off"), default="auto",
                   help="XLA for the training step (default auto: the run's own choice for --epochs)")
    p.add_argument("--smoke", action="store_true", help="the smoke profile, 4 epochs")
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.smoke: a.profile, a.epochs = "smoke", 4
    if a.out is None: a.out = DEFAULT_OUT.with_name("bench_epochs_smoke.json") if a.smoke else DEFAULT_OUT
    return a


def generator_dataset(self, epoch):
    "`EpochBatches.dataset` as it was: a Python generator, prefetched, tf.data's autotuning on."
    import tensorflow as tf
    from lossplateau.data import padded_rows
    x, y, plan, pad = self.data.x_train, self.y, self.plan(epoch), self.data.padding
    rows = lambda i, n: padded_rows(x, i, n, pad) if n is not None else x[i]
    width = (None,) if self.data.buckets else x.shape[1:]
    sig = (tf.TensorSpec((None, *width), x.dtype), tf.TensorSpec((None,) + y.shape[1:], y.dtype))
    ds = tf.data.Dataset.from_generator(lambda: ((rows(i, n), y[i]) for i, n in plan), output_signature=sig)
    return ds.apply(tf.data.experimental.assert_cardinality(len(plan))).prefetch(2)


def worker(a, variant, seed, out):
    "Train the profile's `question` run at `seed`, timing every `Model.fit` call; write the figures to `out`."
    import keras
    from lossplateau import runs as R, train as T
    if variant == "generator": T.EpochBatches.dataset = generator_dataset
    calls, inner = [], []
    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, e, logs=None): self.t = time.perf_counter()
        def on_epoch_end(self, e, logs=None): inner.append((self.t, time.perf_counter()))
    fit = keras.Model.fit
    def timed_fit(self, *args, callbacks=None, **kw):
        t = time.perf_counter()
        try: return fit(self, *args, callbacks=list(callbacks or []) + [EpochClock()], **kw)
        finally: calls.append((t, time.perf_counter()))
    keras.Model.fit = timed_fit
    with tempfile.TemporaryDirectory() as tmp:
        spec = {**R._profile_specs("question", a.profile, None)["question"], "epochs": a.epochs, "seed": seed,
                "xla": {"auto": None, "on": True, "off": False}[a.xla]}
        if variant == "twin":        # the same structure at another seed, one epoch: it leaves its twin compiled
            R.train_run("question", {**spec, "epochs": 1, "seed": seed + 100}, runs_dir=tmp, progress=False)
        h = R.train_run("question", spec, runs_dir=tmp, progress=False).history
        curves = h.epochs[["reported_loss", "val_loss"]].to_numpy().tolist()
    calls = calls[-a.epochs:]; inner = inner[-a.epochs:]
    Path(out).write_text(json.dumps({
        "variant": variant, "seed": seed, "fit_seconds": [e - s for s, e in calls],
        "epoch_seconds": [e - s for s, e in inner], "teardown_seconds": [c[1] - i[1] for c, i in zip(calls, inner)],
        "curves": curves}))


def summarise(runs):
    "The figures of one variant, over its processes."
    fit = np.array([r["fit_seconds"] for r in runs]); td = np.array([r["teardown_seconds"] for r in runs])
    later = fit[:, 1:]; med = np.median(later, axis=1)
    on_grid = np.abs(later / GRID - np.round(later / GRID)) * GRID <= 0.08   # by chance: 1 call in 8
    return {"first_fit_over_median": float(np.max(fit[:, 0] / med)),
            "later_min_s": float(later.min()), "later_median_s": float(np.median(later)), "later_max_s": float(later.max()),
            "later_max_over_median": float(np.max(later.max(1) / med)),
            "later_min_over_median": float(np.min(later.min(1) / med)),
            "teardown_median_s": float(np.median(td[:, 1:])), "teardown_max_s": float(td.max()),
            "teardown_share": float(td[:, 1:].sum() / later.sum()),
            "later_on_1.28s_grid": f"{int(on_grid.sum())} of {on_grid.size}"}


def main(argv=None):
    a = parse(argv)
    if a.worker:
        variant, seed, out = a.worker.split(",")
        return worker(a, variant, int(seed), out)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    fwd = ["--profile", a.profile, "--epochs", str(a.epochs), "--xla", a.xla]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for v in a.variants:
            t = time.perf_counter()
            outs = [Path(tmp) / f"{v}-{s}.json" for s in (0, 1)]
            procs = [subprocess.Popen([sys.executable, __file__, *fwd, f"--worker={v},{s},{o}"], env=env)
                     for s, o in zip((0, 1), outs)]
            if any(p.wait() for p in procs): sys.exit(f"bench_epochs: variant {v} failed")
            results[v] = [json.loads(o.read_text()) for o in outs]
            print(f"{v}: two processes side by side, {time.perf_counter() - t:.0f} s", flush=True)
    table = {v: summarise(rs) for v, rs in results.items()}
    same = (len(results) < 2 or all(np.allclose(x["curves"], y["curves"], rtol=0, atol=0)
                                    for x, y in zip(*results.values())))
    import platform
    rec = {"settings": {"profile": a.profile, "run": "question", "epochs": a.epochs, "xla": a.xla, "processes": 2,
                        "threads_per_process": 1, "smoke": a.smoke},
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
           "table": table, "same_curves": bool(same), "runs": results}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(rec, indent=1))
    import pandas as pd
    with pd.option_context("display.width", 200):
        print(pd.DataFrame(table).T.to_string(float_format=lambda v: f"{v:.2f}"))
    print(f"identical curves across variants: {same}; written to {a.out}")


if __name__ == "__main__":
    main()
