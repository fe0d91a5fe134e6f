#!/usr/bin/env python
"""Finding mislabelled documents: the area under the margin (AUM, with the threshold-sample cut-off of Pleiss et al.
2020) against cleanlab (`find_label_issues`, out-of-sample probabilities from 5-fold cross-validated TF-IDF +
logistic regression), on synthetic corpora with planted label noise.

For each noise model (uniform flips to any other class; class-dependent flips to the overlapping neighbour class)
and each seed, one run of the book's `syn_noisy_aum` spec (the `quick` profile's synthetic corpus and schedule,
with threshold samples) is trained with `lossplateau.runs.train_run`, and both methods are scored on the same
training documents (threshold samples left out) with `lossplateau.diagnostics.compare_rankings`:

  auroc           how well the ranking separates the flipped documents (0.5 = guessing)
  precision_at_k  share of flipped documents among the k most suspicious, k = the number of flipped documents
  flagged         documents below the method's own cut-off (AUM: threshold samples; cleanlab: find_label_issues)
  flag_precision  share of the flagged that are flipped; flag_recall: share of the flipped that are flagged

With --bigru-folds K, cleanlab is also given the question's own model's out-of-sample probabilities (K-fold
cross-validation of the same BiGRU run on the training split, each fold model predicting its held-out part), so
that the two methods can be compared with the model held fixed.

A clean control (noise 0) per seed counts how many documents each cut-off flags when nothing was planted.

    python benchmarks/noise_detection.py                 # quick profile's corpus, seeds 0 1 2 (about 15 min, 2 cores)
    python benchmarks/noise_detection.py --smoke         # smoke profile's corpus, one seed: checks that it runs
Runs are kept in --runs (default benchmarks/results/noise_runs), so an interrupted benchmark resumes.
"""
import argparse, json, sys, time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
KINDS = ("uniform", "neighbour")


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="quick", help="profile whose syn_noisy_aum run is the template (default quick)")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--kinds", nargs="+", default=list(KINDS) + ["clean"], choices=list(KINDS) + ["clean"],
                   help="noise models to run (default: uniform neighbour clean)")
    p.add_argument("--noise", type=float, default=0.1, help="share of labels flipped (default 0.1)")
    p.add_argument("--bigru-folds", type=int, default=0,
                   help="also run cleanlab on K-fold cross-validated BiGRU probabilities (0: off; 2 doubles the time)")
    p.add_argument("--runs", type=Path, default=HERE / "results" / "noise_runs", help="folder for resumable runs")
    p.add_argument("--out", type=Path, default=None, help="JSON results (default results/noise_detection[_smoke].json)")
    p.add_argument("--smoke", action="store_true", help="smoke profile, seed 0: a check that everything runs")
    a = p.parse_args(argv)
    if a.smoke: a.profile, a.seeds = "smoke", [0]
    a.out = a.out or HERE / "results" / f"noise_detection{'_smoke' if a.smoke else ''}.json"
    return a


def main(argv=None):
    a = parse(argv)
    from lossplateau.runs import get_profile, run_specs, train_run
    from lossplateau.diagnostics import compare_rankings, cleanlab_issues, aum_threshold, suspicion_scores
    template = run_specs(get_profile(a.profile))["syn_noisy_aum"]
    rows, controls = [], []
    for seed in a.seeds:
        for kind in a.kinds:
            spec = {**template, "seed": seed, "data_seed": seed, "noise": 0.0 if kind == "clean" else a.noise,
                    "noise_kind": "uniform" if kind == "clean" else kind}
            t0 = time.perf_counter()
            run = train_run(f"noise-{kind}-s{seed}", spec, a.runs, progress=False)
            h, train = run.history, run.train
            if kind == "clean":   # nothing planted: how many documents does each cut-off flag?
                aum = -suspicion_scores(h, "train", "aum")[~train.threshold[h.docs["train_index"]]]
                cl = cleanlab_issues(train, seed=seed)
                controls.append({"seed": seed, "documents": len(aum),
                                 "aum_flagged": int((aum <= aum_threshold(h, train)).sum()),
                                 "cleanlab_flagged": int(cl.flagged.sum())})
                print(f"seed {seed} clean: {controls[-1]} ({time.perf_counter() - t0:.0f} s)", flush=True)
                continue
            r = compare_rankings(h, train, methods=("aum",), cleanlab=True, seed=seed)
            if a.bigru_folds:
                probs = bigru_cv_probs(spec, f"{kind}-s{seed}", a.bigru_folds, a.runs)
                cv = compare_rankings(h, train, methods=(), cleanlab=probs, seed=seed)
                r = pd.concat([r, cv.rename(index={"cleanlab": f"cleanlab (BiGRU, {a.bigru_folds}-fold)"})])
            for method, v in r.iterrows():
                rows.append({"noise": kind, "seed": seed, "method": method, **v.to_dict()})
            print(f"seed {seed} {kind}: " + "; ".join(f"{m} AUROC {v.auroc:.3f} P@k {v.precision_at_k:.3f} "
                                                     f"flagged {v.flagged:.0f} ({v.flag_precision:.2f}/{v.flag_recall:.2f})"
                                                     for m, v in r.iterrows())
                  + f" ({time.perf_counter() - t0:.0f} s)", flush=True)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({"profile": a.profile, "spec": template, "noise": a.noise, "seeds": a.seeds,
                                 "runs": rows, "clean_control": controls}, indent=1, default=float))
    df, ctl = pd.DataFrame(rows), pd.DataFrame(controls)
    if not len(df): return print(f"clean control only:\n{ctl.to_string(index=False)}\nwrote {a.out}")
    cols = ["auroc", "precision_at_k", "flagged", "flag_precision", "flag_recall"]
    summary = df.groupby(["noise", "method"])[cols].agg(["mean", "std"])
    table = pd.DataFrame({c: [f"{m:.3f} ± {s:.3f}" if c != "flagged" else f"{m:.0f} ± {s:.0f}"
                              for m, s in zip(summary[(c, "mean")], summary[(c, "std")])] for c in cols},
                         index=summary.index)
    print(f"\n{a.profile} profile's syn_noisy_aum corpus, noise {a.noise:g}, seeds {a.seeds} (mean ± sd):")
    print(table.to_markdown() if _has_tabulate() else table.to_string())
    print("\nClean control (no planted noise), documents flagged per seed:")
    print(ctl.to_string(index=False) if len(ctl) else "(not run)")
    print(f"\nwrote {a.out}")


def bigru_cv_probs(spec:dict, tag:str, folds:int, runs_dir:Path)->np.ndarray:
    "Out-of-sample probabilities for every training document from K BiGRU runs, each trained on the other folds."
    from sklearn.model_selection import StratifiedKFold
    from lossplateau.runs import make_corpus, train_run
    plain = {**spec, "threshold_samples": False}
    train, _ = make_corpus(plain)
    probs = np.zeros((len(train), train.n_classes))
    split = StratifiedKFold(folds, shuffle=True, random_state=plain["seed"]).split(train.texts, train.labels)
    for k, (fit_idx, held) in enumerate(split):
        part, rest = train.subset(fit_idx, f"{train.name} fold {k}"), train.subset(held, f"{train.name} held {k}")
        run = train_run(f"cv{k}-{tag}", plain, runs_dir, progress=False, corpora=(part, rest))
        probs[held] = run.history.predict(rest)
    return probs


def _has_tabulate()->bool:
    "Whether pandas can write Markdown tables (it needs the tabulate package)."
    import importlib.util
    return importlib.util.find_spec("tabulate") is not None


if __name__ == "__main__": sys.exit(main())
