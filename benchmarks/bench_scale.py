#!/usr/bin/env python
"""Memory and time of `read_corpus` and `TextEncoder` on a large corpus (default 200,000 documents).

The corpus is FOLDOC's documents repeated until there are `--docs` of them, each made unique by an id word, so the
vocabulary and the length distribution are real ones (median 42 words). It is written as a CSV, then read back,
encoded and measured in a fresh Python process, so that the peak resident memory (ru_maxrss) belongs to reading and
encoding alone. Prints a table and writes JSON.

    python benchmarks/bench_scale.py                    # 200,000 documents
    python benchmarks/bench_scale.py --docs 20000 --out /tmp/scale.json
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, default=200_000, help="documents in the corpus")
    p.add_argument("--num-words", type=int, default=20000, help="TextEncoder vocabulary cap")
    p.add_argument("--out", type=Path, default=HERE / "results" / "bench_scale.json", help="JSON results")
    p.add_argument("--measure", type=Path, help=argparse.SUPPRESS)   # internal: measure this CSV in this process
    return p.parse_args(argv)


def rss_mib()->float:
    "Current resident memory of this process (Linux), MiB."
    with open("/proc/self/statm") as f: return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_mib()->float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_csv(n:int, path:Path):
    "FOLDOC documents repeated to `n` rows, each with a unique id word appended; written as CSV."
    import numpy as np, pandas as pd
    from lossplateau.data import load_foldoc
    c = load_foldoc()
    idx = np.arange(n) % len(c)
    texts = [f"{c.texts[i]} doc{k}" for k, i in enumerate(idx)]
    pd.DataFrame({"text": texts, "label": [c.class_names[c.labels[i]] for i in idx]}).to_csv(path, index=False)


def measure(path:Path, num_words:int)->dict:
    "Read, fit and transform in this process; memory and time of each step."
    from keras.utils import pad_sequences  # noqa: F401  (TextEncoder's; imported first so the baseline includes Keras)
    from lossplateau.data import TextEncoder, read_corpus
    out = {"rss_after_imports_mib": rss_mib()}
    t = time.perf_counter(); c = read_corpus(path); out["read_s"] = time.perf_counter() - t
    out["rss_after_read_mib"] = rss_mib()
    t = time.perf_counter(); enc = TextEncoder(num_words=num_words).fit(c); out["fit_s"] = time.perf_counter() - t
    out["rss_after_fit_mib"] = rss_mib()
    t = time.perf_counter(); x = enc.transform(c); out["transform_s"] = time.perf_counter() - t
    out.update(docs=len(c), classes=c.n_classes, max_len=enc.max_len, vocabulary=len(enc.word_counts),
               matrix_mib=x.nbytes / 2**20, tokens=int((x > 0).sum()), peak_rss_mib=peak_mib(),
               rss_after_transform_mib=rss_mib())
    out["peak_above_imports_mib"] = out["peak_rss_mib"] - out["rss_after_imports_mib"]
    return out


def main(argv=None):
    a = parse(argv)
    if a.measure:
        print(json.dumps(measure(a.measure, a.num_words))); return 0
    with tempfile.TemporaryDirectory() as d:
        csv = Path(d) / "big.csv"
        t = time.perf_counter(); make_csv(a.docs, csv)
        print(f"bench_scale: {a.docs:,} documents written ({csv.stat().st_size / 2**20:.0f} MiB CSV) in {time.perf_counter() - t:.0f} s",
              flush=True)
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
        p = subprocess.run([sys.executable, __file__, "--measure", str(csv), "--num-words", str(a.num_words)],
                           capture_output=True, text=True, env=env)
        if p.returncode != 0:
            print(p.stdout[-2000:], p.stderr[-4000:], file=sys.stderr); return p.returncode
        r = json.loads(p.stdout.strip().splitlines()[-1])
        r["csv_mib"] = csv.stat().st_size / 2**20
    for k in ("docs", "csv_mib", "vocabulary", "max_len", "matrix_mib", "read_s", "fit_s", "transform_s",
              "rss_after_imports_mib", "rss_after_read_mib", "rss_after_fit_mib", "peak_rss_mib", "peak_above_imports_mib"):
        v = r[k]
        print(f"  {k:<24} {v:>12,.1f}" if isinstance(v, float) else f"  {k:<24} {v:>12,}")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"settings": {"docs": a.docs, "num_words": a.num_words}, "result": r}, indent=1))
    print(f"bench_scale: peak memory {r['peak_rss_mib'] / 1024:.2f} GiB for {r['docs']:,} documents; results in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
