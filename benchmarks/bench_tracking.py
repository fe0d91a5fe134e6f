#!/usr/bin/env python
"""The cost of curve tracking in a profile's run, and what sampling the training-mode batches costs in accuracy.

Trains one run of a profile (default: `quick`'s `question`, cut to `--epochs`) with `fit` as the book does. Beside
the run's own `CurveTracker` (its time is the run's `track_seconds`), a second tracker scores every batch in
training mode (`train_mode_share=1.0`) with the same weights at each epoch's end, outside the timed part. Prints,
per epoch, the training and tracking seconds, and the sampled training-mode loss against the every-batch value in
units of its recorded standard error; then the tracking share, sum(track_seconds) / sum(train_seconds +
track_seconds), over all epochs and over epochs 2 on (the first epoch includes compiling the training step).
Ratios are the point, not absolute times. Writes JSON.

    python benchmarks/bench_tracking.py                       # quick/question, 4 epochs
    python benchmarks/bench_tracking.py --profile smoke --epochs 3 --out /tmp/tracking.json
"""
import argparse, json, os, time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="quick", help="profile of book/profiles.yml")
    p.add_argument("--run", default="question", help="run of that profile")
    p.add_argument("--epochs", type=int, default=4, help="epochs to train (at least 2: the first compiles)")
    p.add_argument("--out", type=Path, default=HERE / "results" / "bench_tracking.json", help="JSON results")
    return p.parse_args(argv)


def exact_tracker(keras, CurveTracker, rows:list):
    "A callback that, after the run's own tracker, scores every batch with the same weights into `rows` (untimed)."
    class Exact(keras.callbacks.Callback):
        def __init__(self, t):
            super().__init__()
            kw = t.pass_kw
            self.t = CurveTracker(t.x_train, t.y_train, t.x_val, t.y_val, t.loss, kw["batch_size"], kw["buckets"],
                                  kw["padding"], train_plan=t.train_plan, train_mode_share=1.0, seed=t.seed)
        def on_epoch_end(self, epoch, logs=None):
            self.t.set_model(self.model); self.t.on_epoch_begin(epoch)
            d = {}; self.t.on_epoch_end(epoch, d)
            rows.append({k: float(v) for k, v in d.items() if k.endswith(("_loss", "_acc", "_f1"))})
    return Exact


def main(argv=None):
    args = parse(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import lossplateau.train as train
    from lossplateau.callbacks import CurveTracker
    from lossplateau.runs import get_profile, run_specs, train_run
    exact = []
    Exact = exact_tracker(keras, CurveTracker, exact)
    callbacks = train._callbacks
    def with_exact(*a, **k):                                  # the run's callbacks, the exact tracker after its own
        cbs = callbacks(*a, **k)
        i = next(i for i, c in enumerate(cbs) if isinstance(c, CurveTracker))
        return cbs[:i + 1] + [Exact(cbs[i])] + cbs[i + 1:]
    train._callbacks = with_exact
    spec = {**run_specs(get_profile(args.profile))[args.run], "epochs": args.epochs}
    t0 = time.time()
    h = train_run(args.run, spec, runs_dir=None, progress=False).history
    ep = h.epochs
    tr, tk = ep.train_seconds.to_numpy(), ep.track_seconds.to_numpy()
    share = lambda s: float(tk[s].sum() / (tr[s].sum() + tk[s].sum()))
    rows = []
    print(f"{args.profile}/{args.run}: {len(ep)} epochs, {int(ep.train_mode_batches.iloc[0])} batches in training mode")
    print(f"{'epoch':>5} {'train s':>8} {'track s':>8} {'share':>6} {'T sampled':>10} {'T all':>8} {'se':>7} {'z':>6}")
    for i, (r, x) in enumerate(zip(h.records, exact)):
        z = (r["train_mode_loss"] - x["train_mode_loss"]) / r["train_mode_loss_se"] if r["train_mode_loss_se"] else 0.0
        rows.append({"epoch": r["epoch"], "train_seconds": r["train_seconds"], "track_seconds": r["track_seconds"],
                     "sampled": {k: r[k] for k in x}, "all_batches": x, "train_mode_loss_se": r["train_mode_loss_se"],
                     "dropout_loss_se": r["dropout_loss_se"], "z": z})
        print(f"{r['epoch']:>5} {tr[i]:8.2f} {tk[i]:8.2f} {tk[i] / (tr[i] + tk[i]):6.1%} {r['train_mode_loss']:10.4f} "
              f"{x['train_mode_loss']:8.4f} {r['train_mode_loss_se']:7.4f} {z:6.2f}")
    res = {"profile": args.profile, "run": args.run, "epochs": len(ep), "share_all_epochs": share(slice(None)),
           "share_epochs_2_on": share(slice(1, None)), "per_epoch": rows, "wall_seconds": time.time() - t0,
           "devices": h.devices, "versions": h.versions}
    print(f"tracking share: {res['share_all_epochs']:.1%} of all epochs, {res['share_epochs_2_on']:.1%} of epochs 2 on")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(res, indent=1, default=float))
    return res


if __name__ == "__main__": main()
