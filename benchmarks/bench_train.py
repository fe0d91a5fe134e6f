#!/usr/bin/env python
"""Training throughput of the question's pipeline against `lossplateau.train.fit`, side by side, on this machine.

Variants (same model configuration, data, embedding, hyperparameters; each in its own subprocess, so that peak
memory is per variant and one variant's compiled graphs do not warm up the next):

  A      the question's pipeline as written: every document padded to MAX_LEN with `keras.utils.pad_sequences`,
         NumPy arrays into `model.fit`, recurrent_dropout 0.5, no curve tracking
  B      `lossplateau.train.fit` with the same model (length bucketing on, curves tracked every epoch, XLA on
         on a CPU, as `jit_compile="auto"` does for runs of 2,000 documents and 40 epochs)
  B_noxla B with `jit_compile=False`: separates XLA from bucketing
  B_pad  B with `bucketing=False` (every batch padded to MAX_LEN): separates bucketing from the rest
  C      B with the GPU variant, `BiGRUConfig.gpu()` (recurrent_dropout 0)

Reported per variant: training documents/s (median over epochs after the first), inference documents/s on the
validation split, curve tracking as a share of epoch time, validation macro-F1 after the same number of epochs,
peak RSS, and achieved GFLOP/s (FLOPs counted analytically, executed on padded tokens and useful on real tokens)
against a float32 matmul peak measured on the same machine. Ratios are the point, not absolute times.

    python benchmarks/bench_train.py                     # FOLDOC-48 training split, 3 epochs
    python benchmarks/bench_train.py --docs 2000 --seeds 0 1
    python benchmarks/bench_train.py --smoke             # < 1 minute: tiny data, checks that everything runs
"""
import argparse, json, os, platform, resource, subprocess, sys, tempfile, time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "bench_train.json"
VARIANTS = ("A", "B", "B_noxla", "B_pad", "C")
DESCRIBE = {"A": "question's pipeline: pad to MAX_LEN, NumPy into model.fit, no tracking",
            "B": "lossplateau fit (bucketing, tracked curves, XLA when auto)",
            "B_noxla": "lossplateau fit, jit_compile=False",
            "B_pad": "lossplateau fit, bucketing=False",
            "C": "lossplateau fit, BiGRUConfig.gpu() (recurrent_dropout 0)"}


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=3, help="epochs per variant (at least 2: the first is warm-up)")
    p.add_argument("--docs", type=int, default=None, help="training documents (a random subset of the training split; default all)")
    p.add_argument("--n-classes", type=int, default=48, help="FOLDOC subjects")
    p.add_argument("--max-len", type=int, default=None, help="MAX_LEN (default: the 95th percentile of training lengths)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--num-words", type=int, default=20000)
    p.add_argument("--vector-dim", type=int, default=100)
    p.add_argument("--vector-epochs", type=int, default=5)
    p.add_argument("--seeds", type=int, nargs="+", default=[0], help="one run per seed and variant (run-to-run noise)")
    p.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=VARIANTS)
    p.add_argument("--out", type=Path, default=None, help=f"JSON results (default {DEFAULT_OUT.relative_to(HERE.parent)}; "
                                                          "with --smoke, bench_train_smoke.json beside it)")
    p.add_argument("--smoke", action="store_true", help="tiny settings that finish in under a minute")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.smoke:
        a.epochs, a.docs, a.n_classes, a.max_len = 2, 160, 8, 40
        a.vector_dim, a.vector_epochs, a.num_words = 16, 1, 2000
        a.variants = [v for v in a.variants if v != "B_pad"]
    if a.epochs < 2: p.error("--epochs must be at least 2 (the first epoch is warm-up)")
    if a.out is None: a.out = DEFAULT_OUT.with_name("bench_train_smoke.json") if a.smoke else DEFAULT_OUT
    return a


# ---------------------------------------------------------------- FLOPs
def flops_per_token(E, u, train):
    "Multiply-adds x 2 of one BiGRU time step (both directions), plus the gates' elementwise work; x3 for training."
    gru = 2 * (3 * (E * u + u * u) * 2 + 12 * u)     # two directions: 3 gates' input and recurrent matmuls + elementwise
    return gru * (3 if train else 1)

def flops_per_doc_head(u, C, train):
    return (2 * 4 * u * C + 10 * C) * (3 if train else 1)

def matmul_peak(n=2048, repeats=5):
    "Best float32 GFLOP/s of an n x n NumPy matmul (all threads NumPy's BLAS uses)."
    a = np.random.default_rng(0).normal(size=(n, n)).astype(np.float32); b = a.T.copy()
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(repeats))
    return 2 * n ** 3 / best / 1e9

def _timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t


# ---------------------------------------------------------------- one variant (in a subprocess)
def worker(a, variant, seed):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    from lossplateau.data import (TextEncoder, batch_plan, doc_lengths, embedding_matrix, load_foldoc, stratified_split,
                                  train_vectors)
    from lossplateau.model import BiGRUConfig, build_bigru
    from lossplateau.losses import FocalLoss
    from lossplateau import train as T
    from lossplateau.model import predict_probs

    corpus = load_foldoc(a.n_classes)
    train, val = stratified_split(corpus, val_size=0.3, seed=0)
    if a.docs and a.docs < len(train):
        rng = np.random.default_rng(0)
        train = train.subset(np.sort(rng.choice(len(train), a.docs, replace=False)))
        n_val = min(len(val), int(round(a.docs * 3 / 7)))
        val = val.subset(np.sort(rng.choice(len(val), n_val, replace=False)))
    lengths = TextEncoder().lengths(train)
    max_len = a.max_len or max(1, int(np.ceil(np.percentile(lengths, 95))))
    config = BiGRUConfig(max_len=max_len) if variant != "C" else BiGRUConfig.gpu(max_len=max_len)
    kv = train_vectors(train, dim=a.vector_dim, epochs=a.vector_epochs, seed=seed)
    E, u, C = a.vector_dim, config.gru_units, corpus.n_classes
    res = {"variant": variant, "seed": seed, "n_train": len(train), "n_val": len(val), "max_len": max_len,
           "median_len": float(np.median(np.minimum(lengths, max_len))), "config": config.to_dict()}

    if variant == "A":
        enc = TextEncoder(num_words=a.num_words, max_len=max_len).fit(train)
        matrix, _ = embedding_matrix(enc, kv, seed=seed)
        pad = lambda c: keras.utils.pad_sequences([enc.encode(t) for t in c.texts], maxlen=max_len)   # as the question
        x_tr, x_va = pad(train), pad(val)
        y_tr = np.eye(C, dtype="float32")[train.labels]
        keras.utils.set_random_seed(seed)
        model = build_bigru(config, num_words=enc.vocab_size, num_classes=C, embedding_matrix=matrix, seed=seed)
        model.compile(optimizer=keras.optimizers.Adam(a.learning_rate), loss=FocalLoss(),
                      metrics=[keras.metrics.CategoricalAccuracy(name="acc"), keras.metrics.F1Score(average="macro", name="f1")])
        times = []
        class Timer(keras.callbacks.Callback):
            def on_epoch_begin(self, e, logs=None): self.t = time.perf_counter()
            def on_epoch_end(self, e, logs=None): times.append(time.perf_counter() - self.t)
        model.fit(x_tr, y_tr, batch_size=a.batch_size, epochs=a.epochs, shuffle=True, verbose=0, callbacks=[Timer()])
        t = time.perf_counter(); probs = model.predict(x_va, verbose=0); t_inf = time.perf_counter() - t
        t = time.perf_counter(); probs = model.predict(x_va, verbose=0); t_inf = min(t_inf, time.perf_counter() - t)
        from sklearn.metrics import f1_score
        res.update(train_seconds=times, track_seconds=[0.0] * len(times),
                   val_f1=float(f1_score(val.labels, probs.argmax(1), average="macro", labels=np.arange(C), zero_division=0)),
                   val_acc=float(np.mean(probs.argmax(1) == val.labels)), inference_seconds=t_inf,
                   inference_batch=32, padded_tokens_per_epoch=int(len(train) * max_len))
    else:
        h = T.fit(config, train, val, epochs=a.epochs, batch_size=a.batch_size, learning_rate=a.learning_rate, seed=seed,
                  vectors=kv, num_words=a.num_words, progress=False, name=variant, bucketing=variant != "B_pad",
                  jit_compile=False if variant == "B_noxla" else                 # XLA on a CPU, as "auto" does
                  "auto" if any(not d.lower().startswith("cpu") for d in T.device_names()) else True)   # for long runs
        ep = h.epochs
        x_tr, x_va = h.encoder.transform(train), h.encoder.transform(val)
        buckets = h.buckets
        pk = dict(buckets=buckets, padding=h.encoder.padding)
        predict_probs(h.model, x_va, **pk)
        t_inf = min(_timed(lambda: predict_probs(h.model, x_va, **pk)) for _ in range(2))
        if buckets:
            lens = doc_lengths(x_tr)
            padded = np.mean([sum(len(i) * n for i, n in batch_plan(lens, a.batch_size, buckets, np.random.default_rng([seed, e])))
                              for e in range(1, a.epochs + 1)])
        else: padded = len(train) * max_len
        res.update(train_seconds=ep.train_seconds.tolist(), track_seconds=ep.track_seconds.tolist(), xla=bool(h.model.jit_compile),
                   val_f1=float(ep.val_f1.iloc[-1]), val_acc=float(ep.val_acc.iloc[-1]), inference_seconds=t_inf,
                   inference_batch=256, padded_tokens_per_epoch=int(padded), buckets=buckets)
        if variant == "B":   # the training-mode tracking pass as it was (eager stateless_call) against the compiled one
            m = h.model; sub = x_tr[:512]
            def eager():
                tv, ntv = m.trainable_variables, m.non_trainable_variables
                for i in range(0, len(sub), 256): keras.ops.convert_to_numpy(m.stateless_call(tv, ntv, sub[i:i + 256], training=True)[0])
            predict_probs(m, sub, True)
            res["train_mode_pass_eager_vs_compiled"] = _timed(eager) / min(_timed(lambda: predict_probs(m, sub, True)) for _ in range(2))
    real = int(np.minimum(lengths, max_len).sum())
    res.update(real_tokens_per_epoch=real, flops_train_per_token=flops_per_token(E, u, True),
               flops_head_per_doc=flops_per_doc_head(u, C, True), maxrss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
               keras=keras.__version__, backend=keras.config.backend())
    return res


# ---------------------------------------------------------------- summary
def summarise(r):
    tr, tk = np.array(r["train_seconds"]), np.array(r["track_seconds"])
    later = slice(1, None) if len(tr) > 1 else slice(None)
    t_epoch = float(np.median(tr[later]))
    flops = lambda tokens: (tokens * r["flops_train_per_token"] + r["n_train"] * r["flops_head_per_doc"]) / t_epoch / 1e9
    return {"train_docs_per_s": r["n_train"] / t_epoch, "inference_docs_per_s": r["n_val"] / r["inference_seconds"],
            "first_epoch_seconds": float(tr[0]),
            "tracking_share": float(np.median(tk[later] / (tr[later] + tk[later]))),
            "val_f1": r["val_f1"], "val_acc": r["val_acc"], "peak_rss_mib": r["maxrss_mib"],
            "gflops_executed": flops(r["padded_tokens_per_epoch"]), "gflops_useful": flops(r["real_tokens_per_epoch"]),
            "padding_share": 1 - r["real_tokens_per_epoch"] / r["padded_tokens_per_epoch"]}


def main(argv=None):
    a = parse(argv)
    if a.worker:
        variant, seed, out = a.worker.split(",")
        Path(out).write_text(json.dumps(worker(a, variant, int(seed))))
        return 0
    t_start = time.perf_counter()
    peak = matmul_peak(1024 if a.smoke else 2048)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": os.pathsep.join(
        [str(HERE.parent)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    fwd = [f"--{k.replace('_', '-')}={v}" for k, v in vars(a).items()
           if k in ("epochs", "docs", "n_classes", "max_len", "batch_size", "learning_rate", "num_words", "vector_dim", "vector_epochs") and v is not None]
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in a.seeds:                        # interleaved: A B B_pad C, then again for the next seed
            for v in a.variants:
                out = Path(tmp) / f"{v}-{seed}.json"
                t = time.perf_counter()
                p = subprocess.run([sys.executable, __file__, *fwd, f"--worker={v},{seed},{out}"], env=env,
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    sys.stderr.write(p.stderr[-4000:]); raise SystemExit(f"variant {v} (seed {seed}) failed")
                r = json.loads(out.read_text()); r["wall_seconds"] = time.perf_counter() - t
                r["summary"] = summarise(r); runs.append(r)
                print(f"  {v} seed {seed}: {r['summary']['train_docs_per_s']:.0f} docs/s ({r['wall_seconds']:.0f} s)", flush=True)
    table = {}
    for v in a.variants:
        rs = [r["summary"] for r in runs if r["variant"] == v]
        table[v] = {k: float(np.median([s[k] for s in rs])) for k in rs[0]}
        table[v]["val_f1_per_seed"] = [s["val_f1"] for s in rs]
    base = table.get("A")
    for v, row in table.items():
        row["train_speedup_vs_A"] = row["train_docs_per_s"] / base["train_docs_per_s"] if base else None
        row["inference_speedup_vs_A"] = row["inference_docs_per_s"] / base["inference_docs_per_s"] if base else None
        row["share_of_matmul_peak_executed"] = row["gflops_executed"] / peak
        row["first_epoch_speedup_vs_A"] = base["first_epoch_seconds"] / row["first_epoch_seconds"] if base else None
    first = runs[0]
    result = {"settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items() if k != "worker"},
              "data": {"n_train": first["n_train"], "n_val": first["n_val"], "max_len": first["max_len"],
                       "median_len": first["median_len"], "n_classes": a.n_classes},
              "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
                          "keras": first["keras"], "backend": first["backend"], "matmul_peak_gflops": peak},
              "variants": {v: DESCRIBE[v] for v in a.variants}, "table": table, "runs": runs,
              "seconds": time.perf_counter() - t_start, "written": time.strftime("%Y-%m-%d %H:%M:%S")}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, indent=1))
    print(format_table(result)); print(f"\nwritten to {a.out}")
    return 0


def format_table(result):
    t = result["table"]; d = result["data"]
    lines = [f"{d['n_train']} train / {d['n_val']} val documents, {d['n_classes']} classes, MAX_LEN {d['max_len']} "
             f"(median length {d['median_len']:.0f}), matmul peak {result['machine']['matmul_peak_gflops']:.0f} GFLOP/s",
             f"{'variant':8}{'train x A':>10}{'1st ep x A':>11}{'infer x A':>10}{'tracking':>10}{'val F1':>8}{'RSS MiB':>9}"
             f"{'GF/s exec':>10}{'GF/s useful':>12}{'% peak':>8}{'padding':>9}"]
    for v, r in t.items():
        sp = lambda k: f"{r[k]:.2f}x" if r[k] is not None else "-"
        lines.append(f"{v:8}{sp('train_speedup_vs_A'):>10}{sp('first_epoch_speedup_vs_A'):>11}{sp('inference_speedup_vs_A'):>10}{r['tracking_share']:>10.0%}"
                     f"{r['val_f1']:>8.3f}{r['peak_rss_mib']:>9.0f}{r['gflops_executed']:>10.2f}{r['gflops_useful']:>12.2f}"
                     f"{r['share_of_matmul_peak_executed']:>8.1%}{r['padding_share']:>9.0%}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
