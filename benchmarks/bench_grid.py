#!/usr/bin/env python
"""Wall time of a profile's run grid (and of a report), one notebook after another against the default local Dask
cluster, side by side on this machine.

  sequential  `workers=1`: every run executed in turn in this process (TensorFlow's default thread pools, i.e. one
              process that may use every core)
  one-thread  the same with one TensorFlow thread (what each worker of the cluster gets on 2 cores): one-thread /
              sequential is what its threads already give one process; cores / that gain is what single-thread
              workers, each as fast as one thread alone, would gain over one process
  cluster     `workers=None`: the default local cluster, one single-task worker process per core, each with its
              share of the cores for TensorFlow's pools

Each mode starts from an empty output folder, so nothing is reused. The runs are the book's own (`nbs/20_run.ipynb`
executed by papermill, checkpoints, histories), so the figure is what `lossplateau book` spends on its runs; the
chapters are left out (`--report` times a whole report instead).

    python benchmarks/bench_grid.py                                   # the quick profile's runs (hours)
    python benchmarks/bench_grid.py --runs question question_s1 syn_crossentropy syn_clean syn_noisy syn_shift
    python benchmarks/bench_grid.py --runs question question_s1 syn_clean syn_noisy   # a subset
    python benchmarks/bench_grid.py --report --profile smoke           # a report on a synthetic CSV
"""
import argparse, json, os, platform, shutil, sys, tempfile, time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
THREAD_VARS = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS")


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="quick", help="profile whose runs to time (default: quick)")
    p.add_argument("--runs", nargs="*", help="only these runs (names after replicate expansion, e.g. question_s1)")
    p.add_argument("--report", action="store_true", help="time `build_report` on a synthetic CSV instead of the runs")
    p.add_argument("--workers", type=int, help="size of the local cluster (default: one per core)")
    p.add_argument("--modes", default="sequential,cluster,one-thread",
                   help="comma-separated: sequential, cluster, one-thread")
    p.add_argument("--out", type=Path, help="JSON results (default: benchmarks/results/bench_grid[_report].json)")
    return p.parse_args(argv)


def time_runs(profile, runs, workers):
    "Seconds to execute the selected runs of `profile` into an empty folder with `workers`."
    from lossplateau.book import _jobs, _execute_all
    from lossplateau.runs import get_profile
    prof = get_profile(profile)
    d = Path(tempfile.mkdtemp(prefix="bench-grid-"))
    try:
        jobs = [j for j in _jobs(prof, list(prof["chapters"]), d / "runs", None, d / "src")
                if j[0].startswith("run_") and (not runs or j[0][4:] in runs)]
        t0 = time.perf_counter()
        _execute_all(jobs, d / "src", prof, progress=True, workers=workers)
        return time.perf_counter() - t0, len(jobs)
    finally: shutil.rmtree(d, ignore_errors=True)


def time_report(profile, workers):
    "Seconds for `build_report` on a synthetic CSV (600 documents, 4 classes) into an empty folder."
    from lossplateau.book import build_report
    from lossplateau.data import make_synthetic
    d = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        make_synthetic(600, 4, seed=0, noise=0.0).to_frame()[["text", "label"]].to_csv(d / "corpus.csv", index=False)
        t0 = time.perf_counter()
        build_report(d / "corpus.csv", profile=profile, out=d / "report", workers=workers)
        return time.perf_counter() - t0, None
    finally: shutil.rmtree(d, ignore_errors=True)


def main(argv=None):
    args = parse(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = set(modes) - {"sequential", "cluster", "one-thread"}
    if bad: sys.exit(f"bench_grid: unknown mode(s) {sorted(bad)}; use sequential, cluster and/or one-thread")
    out = args.out or HERE / "results" / f"bench_grid{'_report' if args.report else ''}.json"
    res = {"what": "report" if args.report else "runs", "profile": args.profile, "runs": args.runs,
           "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
           "seconds": {}}
    for mode in modes:
        workers = args.workers if mode == "cluster" else 1
        print(f"== {mode} ==", flush=True)
        one_thread = dict.fromkeys(THREAD_VARS, "1") if mode == "one-thread" else {}
        with mock.patch.dict(os.environ, one_thread):         # the kernel this mode starts inherits it
            secs, n = time_report(args.profile, workers) if args.report else time_runs(args.profile, args.runs, workers)
        res["seconds"][mode] = round(secs, 1)
        if n is not None: res["n_runs"] = n
        print(f"{mode}: {secs:.0f} s", flush=True)
    if {"sequential", "cluster"} <= set(res["seconds"]):
        res["speedup"] = round(res["seconds"]["sequential"] / res["seconds"]["cluster"], 2)
        print(f"speed-up of the local cluster over one process: {res['speedup']:.2f}x "
              f"({res['seconds']['sequential']:.0f} s -> {res['seconds']['cluster']:.0f} s)")
    if {"sequential", "one-thread"} <= set(res["seconds"]):
        res["thread_gain"] = round(res["seconds"]["one-thread"] / res["seconds"]["sequential"], 2)
        print(f"one process with all {os.cpu_count()} cores' threads against one thread: {res['thread_gain']:.2f}x; "
              f"{os.cpu_count()} single-thread workers, each as fast as one thread alone, would gain "
              f"{os.cpu_count() / res['thread_gain']:.2f}x over one process")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
