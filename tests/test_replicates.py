"""Replicates in the book (#15): a run with `replicates: k` becomes k runs in `run_specs`, and the book makes one run
notebook per run (`_jobs`), so each replicate is executed by nbs/20_run.ipynb (`get_run(run_name, ...)`) and listed in
the appendix, which `build_book` makes from the jobs named `run_*`. No training here: only the jobs are inspected."""
import pytest
import yaml

from lossplateau.book import _jobs
from lossplateau.core import BookError
from lossplateau.runs import check_run_spec, get_profile, replicate_names, resource_dir, run_specs

PROFILE = {"tiny": {
    "common": {"seed": 0},
    "chapters": {},
    "runs": {"question": {"corpus": "synthetic", "n_docs": 240, "n_classes": 3, "epochs": 2, "replicates": 3},
             "no_dropout": {"base": "question", "model": {"dropout": 0.0}},
             "single": {"base": "question", "replicates": 1, "data_seed": 1}}}}


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "profiles.yml"
    path.write_text(yaml.safe_dump(PROFILE, sort_keys=False))
    return get_profile("tiny", path), path


def test_every_replicate_is_a_run_notebook_in_order(profile, tmp_path):
    prof, path = profile
    jobs = _jobs(prof, [], tmp_path / "runs", path, tmp_path / "src")
    names = [name for name, _, _ in jobs]
    assert names == ["run_question", "run_question_s1", "run_question_s2",
                     "run_no_dropout", "run_no_dropout_s1", "run_no_dropout_s2", "run_single"]
    assert {nb.name for _, nb, _ in jobs} == {"20_run.ipynb"}
    assert [params["run_name"] for _, _, params in jobs] == [n[len("run_"):] for n in names]
    appendix = [n for n in names if n.startswith("run_")]          # what build_book lists under "every training run"
    assert appendix == names


def test_each_job_names_a_run_with_its_own_seed_and_the_shared_data(profile):
    prof, _ = profile
    specs = run_specs(prof)
    full = {n: check_run_spec(s) for n, s in specs.items()}        # what 20_run's get_run trains
    assert [full[n]["seed"] for n in replicate_names(specs, "question")] == [0, 1, 2]
    assert [full[n]["seed"] for n in replicate_names(specs, "no_dropout")] == [0, 1, 2]
    assert {full[n]["data_seed"] for n in replicate_names(specs, "question")} == {0}
    assert full["no_dropout_s2"]["model"] == {"dropout": 0.0}
    assert replicate_names(specs, "single") == ["single"] and full["single"]["data_seed"] == 1
    for n in specs:   # only the seed and the replicate count tell a replicate from its first run
        first = n.rsplit("_s", 1)[0] if n not in PROFILE["tiny"]["runs"] else n
        assert {k for k in full[n] if full[n][k] != full[first][k]} <= {"seed", "replicates"}


def test_shipped_profiles_expand(tmp_path):
    for name in yaml.safe_load((resource_dir("book") / "profiles.yml").read_text()):
        prof = get_profile(name)
        jobs = [n for n, _, _ in _jobs(prof, list(prof["chapters"]), tmp_path / "runs", None, tmp_path / "src")]
        specs, runs = run_specs(prof), [n for n in jobs if n.startswith("run_")]
        assert sorted(runs) == sorted(f"run_{n}" for n in specs)               # every run, once
        for n, s in specs.items():                          # in turn, a best-of run comes after its sweep's runs
            for swept in (s.get("best_of") or {}).get("runs", {}):
                assert runs.index(f"run_{swept}") < runs.index(f"run_{n}"), (name, swept, n)


def test_unknown_run_is_a_book_error(profile):
    prof, _ = profile
    with pytest.raises(BookError, match="no run 'question_s3'"):
        replicate_names(run_specs(prof), "question_s3")


def test_the_quick_diagnostics_chapter_trains_the_profiles_synthetic_runs():
    """At `quick`, chapter 07's noisy, clean and threshold-sample runs are the profile's `syn_noisy`, `syn_clean` and
    `syn_noisy_aum` at seed 0, longer: the same corpus, model and optimizer give the same run key, and `fit` continues
    copies of the finished runs instead of training them from the start. A setting changed on one side only would
    silently make the book train them twice."""
    import nbformat
    from lossplateau.book import declared_parameters
    prof = get_profile("quick")
    ch = {**declared_parameters(nbformat.read(resource_dir("nbs") / "07_diagnostics.ipynb", as_version=4)),
          **prof["common"], **prof["chapters"]["07_diagnostics"]}
    specs = {n: check_run_spec(s) for n, s in run_specs(prof).items()}
    noisy, clean, aum = specs["syn_noisy"], specs["syn_clean"], specs["syn_noisy_aum"]
    same = ("n_docs", "n_classes", "imbalance", "learning_rate", "batch_size", "num_words", "vector_dim",
            "vector_epochs", "seed")
    assert {k: noisy[k] for k in same} == {k: ch[k] for k in same}
    assert ch["epochs"] >= noisy["epochs"] and noisy["patience"] is None    # continued, never cut short
    # the chapter's data: make_synthetic(..., seed) split 70/30 at seed; its model: BiGRUConfig.gpu(max_len, gru_units)
    assert (noisy["corpus"], noisy["noise"], noisy["data_seed"], noisy["val_size"]) == ("synthetic", ch["noise"], ch["seed"], 0.3)
    assert noisy["gpu"] and noisy["model"] == {"max_len": ch["max_len"], "gru_units": ch["gru_units"]}
    assert (noisy["loss"], noisy["optimizer"], noisy["track_every"], noisy["xla"]) == ("focal", "adam", 1, None)
    assert {k for k in noisy if noisy[k] != clean[k]} == {"noise"} and clean["noise"] == 0.0
    assert {k for k in noisy if noisy[k] != aum[k]} == {"threshold_samples", "replicates"}
