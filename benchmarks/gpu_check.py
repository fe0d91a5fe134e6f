"""Run by gpu_check.sh with KERAS_BACKEND set: docs/s of the question's model and of the GPU variant, and the device."""
import argparse, importlib.util, json, sys, time

p = argparse.ArgumentParser()
p.add_argument("--docs", type=int, default=2000, help="training documents (a random subset of FOLDOC-48's training split)")
p.add_argument("--epochs", type=int, default=3, help="epochs per model (the first, with compilation, is not timed)")
p.add_argument("--max-len", type=int, default=None, help="MAX_LEN (default: the 95th percentile of training lengths)")
p.add_argument("--no-bucketing", action="store_true", help="pad every batch to MAX_LEN, as the question does")
p.add_argument("--out", default=None, help="also write the results as JSON here")
a = p.parse_args()

missing = [m for m in ("keras", "numpy", "pandas", "sklearn", "tqdm") if importlib.util.find_spec(m) is None]
if missing:
    print(f"gpu_check: SKIPPED: {', '.join(missing)} not installed for {sys.executable}; lossplateau needs them.")
    sys.exit(0)

import numpy as np, keras
from lossplateau.data import TextEncoder, load_foldoc, stratified_split
from lossplateau.model import BiGRUConfig
from lossplateau.train import fit

backend = keras.config.backend()
from lossplateau.train import device_names
devices = device_names()
print(f"gpu_check: keras {keras.__version__} on {backend}; devices {devices}", flush=True)
if not any(d.lower().startswith(("gpu", "cuda")) for d in devices):
    print("gpu_check: no GPU visible to this backend: running on the CPU (numbers are not GPU numbers).")

corpus = load_foldoc(48)
train, val = stratified_split(corpus, val_size=0.3, seed=0)
rng = np.random.default_rng(0)
if a.docs < len(train):
    train = train.subset(np.sort(rng.choice(len(train), a.docs, replace=False)))
    val = val.subset(np.sort(rng.choice(len(val), min(len(val), a.docs * 3 // 7), replace=False)))
max_len = a.max_len or int(np.ceil(np.percentile(TextEncoder().lengths(train), 95)))

if importlib.util.find_spec("gensim") is not None: vectors = None   # word2vec on the training split, as `fit` does
else:
    class NoVectors:   # gensim missing: random embedding rows (the speed does not depend on the values)
        vector_size, vectors, key_to_index = 100, np.zeros((0, 100), "float32"), {}
        def __len__(self): return 0
    vectors = NoVectors()
    print("gpu_check: gensim is not installed: random embedding instead of word2vec")

out = {"backend": backend, "devices": devices, "n_train": len(train), "n_val": len(val), "max_len": max_len, "models": {}}
for name, cfg in (("question", BiGRUConfig(max_len=max_len)), ("gpu_variant", BiGRUConfig.gpu(max_len=max_len))):
    t = time.perf_counter()
    h = fit(cfg, train, val, epochs=a.epochs, batch_size=32, learning_rate=1e-3, seed=0, vectors=vectors,
            vector_dim=100, vector_epochs=2, progress=False, name=name, bucketing=not a.no_bucketing)
    ep = h.epochs
    later = ep.iloc[1:] if len(ep) > 1 else ep
    r = {"train_docs_per_s": len(train) / float(np.median(later.train_seconds)),
         "tracking_share": float(np.median(later.track_seconds / (later.train_seconds + later.track_seconds))),
         "first_epoch_seconds": float(ep.train_seconds.iloc[0] + ep.track_seconds.iloc[0]),
         "val_f1": float(ep.val_f1.iloc[-1]), "wall_seconds": time.perf_counter() - t,
         "cudnn_eligible": h.meta["cudnn_eligible"]}
    out["models"][name] = r
    print(f"gpu_check: {name:12} {r['train_docs_per_s']:8.0f} training docs/s (median of epochs 2..{a.epochs}; "
          f"first epoch incl. compilation {r['first_epoch_seconds']:.0f} s), tracking {r['tracking_share']:.0%} of an epoch, "
          f"val macro-F1 {r['val_f1']:.3f}, device {devices[0]}", flush=True)
q, g = out["models"]["question"], out["models"]["gpu_variant"]
print(f"gpu_check: the GPU variant trains {g['train_docs_per_s'] / q['train_docs_per_s']:.1f}x as fast as the question's model "
      f"on {backend} ({devices[0]})")
if a.out: open(a.out, "w").write(json.dumps(out, indent=1))
