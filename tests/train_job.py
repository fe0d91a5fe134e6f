"""A training job for the interruption tests: `python train_job.py RUN_DIR EPOCHS OUT_JSON`."""
import json, os, sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
from lossplateau.data import make_synthetic, stratified_split
from lossplateau.model import BiGRUConfig
from lossplateau.train import fit

run_dir, epochs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
train, val = stratified_split(make_synthetic(600, 4, seed=1), seed=1)
h = fit(BiGRUConfig(max_len=48, gru_units=16), train, val, epochs=epochs, batch_size=16, learning_rate=1e-3,
        seed=3, run_dir=run_dir, num_words=2000, vector_dim=16, vector_epochs=1, name="job", progress=False)
records = [{k: v for k, v in r.items() if not k.endswith("seconds")} for r in h.records]
with open(out, "w") as f: json.dump({"records": records, "batch_losses": [b.tolist() for b in h.batch_losses]}, f)
