#!/usr/bin/env python
"""Wall time of a whole book build (`build_book`, from an empty folder) at one seed per run, with this checkout's code
and, with `--against REV`, with the code of an earlier commit, one build after the other on this machine.

Both builds use the same profile, taken from this checkout's `book/profiles.yml` with every run's `replicates` capped
at `--seeds`: the verdicts of the analysis chapters need their three seeds, the benchmark only the same work on both
sides (a run setting the earlier code does not have, such as `xla`, is left out of its copy: it runs with that
code's default, and the results say which were left out). Each build runs in its own Python process with its
source tree first on `PYTHONPATH`, so an earlier commit's notebooks, book configuration and library are what it
times. Machine speed drifts between hours on shared hardware: only builds of one invocation are compared.

    python benchmarks/bench_book.py --against b5a8575   # quick at 1 seed: the code before #18 against now (~30 min)
    python benchmarks/bench_book.py --profile smoke      # this checkout alone
"""
import argparse, json, os, platform, re, shutil, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--profile", default="quick", help="profile to build (default: quick)")
    p.add_argument("--seeds", type=int, default=1, help="replicates per run, at most (default: 1)")
    p.add_argument("--against", metavar="REV", help="also build with the code of this git revision, first")
    p.add_argument("--out", type=Path, help="JSON results (default: benchmarks/results/bench_book.json)")
    return p.parse_args(argv)


def capped_profiles(profile:str, seeds:int, dest:Path)->Path:
    "This checkout's profiles file with `profile`'s runs at no more than `seeds` replicates each, written to `dest`."
    import yaml
    profiles = yaml.safe_load((ROOT / "book" / "profiles.yml").read_text())
    if profile not in profiles: sys.exit(f"bench_book: no profile {profile!r} in book/profiles.yml")
    for spec in profiles[profile]["runs"].values():
        if spec and spec.get("replicates", 1) > seeds: spec["replicates"] = seeds
    dest.write_text(yaml.safe_dump(profiles, sort_keys=False))
    return dest


def for_revision(profiles:Path, source:Path, dest:Path)->tuple:
    "`profiles` without the run parameters `source`'s code does not know (it would refuse them), and which they were."
    import yaml
    code = "import json; from lossplateau.runs import RUN_DEFAULTS; print(json.dumps(list(RUN_DEFAULTS)))"
    settings = lambda src: set(json.loads(subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(src)}, cwd=dest.parent, capture_output=True,
        text=True, check=True).stdout))
    new = settings(ROOT) - settings(source)    # run settings added since (not `base` or `sweep`: the profile's own)
    dropped, data = [], yaml.safe_load(profiles.read_text())
    for prof in data.values():
        for name, spec in (prof.get("runs") or {}).items():
            for k in sorted(set(spec or {}) & new):
                dropped.append(f"{name}.{k}"); del spec[k]
    dest.write_text(yaml.safe_dump(data, sort_keys=False))
    return dest, sorted(set(dropped))


def time_build(source:Path, profile:str, profiles:Path, work:Path)->dict:
    "Seconds for one `build_book` into an empty folder, in a fresh process with `source`'s package first."
    out = work / f"book-{source.name}"
    code = ("import sys, time; from lossplateau.book import build_book; t = time.perf_counter(); "
            f"build_book({profile!r}, {str(out)!r}, profiles_path={str(profiles)!r}); "
            "print(f'BUILD_SECONDS {time.perf_counter() - t:.1f}')")
    env = {**os.environ, "PYTHONPATH": str(source)}
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0: sys.exit(f"bench_book: the build with {source} failed:\n{p.stderr[-3000:]}")
    build = float(next(l.split()[1] for l in p.stdout.splitlines() if l.startswith("BUILD_SECONDS")))
    runs = len(list((out / "runs").glob("*/history.json")))
    shutil.rmtree(out, ignore_errors=True)
    jobs = {m[1]: int(m[2]) for m in re.finditer(r"\] (\S+): done in (\d+) s", p.stdout)}   # the build's progress lines
    ended = {m[1]: [m[2], int(m[3])] for m in re.finditer(r"\] (\S+): done in \d+ s on (.*) \(\d+ of \d+ done, "
                                                          r"build so far (\d+) s", p.stdout)}   # where, and when
    return {"build_s": round(build, 1), "process_s": round(wall, 1), "runs": runs, "jobs_s": jobs, "ended_s": ended}


def main(argv=None):
    a = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-book-"))
    res = {"profile": a.profile, "seeds": a.seeds, "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
           "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip(), "against": a.against, "builds": {}}
    try:
        profiles = capped_profiles(a.profile, a.seeds, work / "profiles.yml")
        if a.against:
            old = work / "against"
            subprocess.run(["git", "worktree", "add", "--detach", "-f", str(old), a.against], cwd=ROOT, check=True,
                           capture_output=True)
            try:
                # a setting the earlier code does not have (a run's `xla`) is left to its default there
                old_profiles, dropped = for_revision(profiles, old, work / "profiles-against.yml")
                res["builds"]["against"] = time_build(old, a.profile, old_profiles, work)
                res["builds"]["against"]["dropped_settings"] = dropped
            finally: subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, capture_output=True)
            print(f"{a.against}: {res['builds']['against']['build_s']} s", flush=True)
        res["builds"]["this"] = time_build(ROOT, a.profile, profiles, work)
        print(f"this checkout ({res['commit']}): {res['builds']['this']['build_s']} s", flush=True)
    finally: shutil.rmtree(work, ignore_errors=True)
    if a.against:
        res["speedup"] = round(res["builds"]["against"]["build_s"] / res["builds"]["this"]["build_s"], 2)
        print(f"the {a.profile} book at {a.seeds} seed(s) per run: {res['speedup']}x faster than at {a.against}")
    out = a.out or HERE / "results" / "bench_book.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
