"""The book end to end: `lossplateau book --profile smoke` from a clean state, its resumption, the built HTML in a
real browser (headless Chromium), library chapters that read as documentation, and `lossplateau report` on a small
CSV."""
import inspect, importlib, json, os, re, shutil, signal, subprocess, sys, time
from pathlib import Path

import numpy as np

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "import sys; from lossplateau.cli import main; sys.exit(main())"]


def _cli(*args, **kw):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, **kw)


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Dask cluster of separate processes on loopback, started as a user would: `dask scheduler`, then
    `dask worker` with two single-threaded worker processes (each under a nanny that restarts it if it dies)."""
    logs, port = tmp_path_factory.mktemp("cluster"), _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"}
    procs = [subprocess.Popen(dask + ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT, start_new_session=True)]
    procs.append(subprocess.Popen(dask + ["worker", address, "--nworkers", "2", "--nthreads", "1", "--no-dashboard",
                                          "--memory-limit", "0"], env=env, stdout=open(logs / "worker.log", "w"),
                                  stderr=subprocess.STDOUT, start_new_session=True))
    from distributed import Client
    with Client(address, timeout="60s") as c: c.wait_for_workers(2, timeout=120)
    yield address, procs[1]
    for p in procs: os.killpg(p.pid, signal.SIGKILL); p.wait()


@pytest.fixture(scope="module")
def book(tmp_path_factory, cluster):
    """The smoke book, built on the loopback cluster with --scheduler (the tests below reuse it). Under `make test` it
    starts from the runs nbdev_test's chapters trained ($LOSSPLATEAU_TEST_RUNS): the same parameters and data give the
    same run, so its run pages load them. Training on the workers is still tested: the two kill tests below each
    train one run again in a build and compare every number with this book's."""
    out = tmp_path_factory.mktemp("book")
    trained = os.environ.get("LOSSPLATEAU_TEST_RUNS")
    if trained and Path(trained).is_dir(): shutil.copytree(trained, out / "runs")
    res = _cli("book", "--profile", "smoke", "--out", str(out), "--scheduler", cluster[0], timeout=1500)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert f"running on the Dask cluster at {cluster[0]} (2 workers)" in res.stdout
    workers = set(re.findall(r": done in \d+ s on (worker \S+) ", res.stdout))
    assert len(workers) == 2, f"the notebooks should have run on both workers: {workers}"
    return out, res.stdout


def _chapters():
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_smoke_book_has_every_chapter_executed_without_errors(book):
    from lossplateau.book import declared_parameters
    out, stdout = book
    html = out / "_build" / "html"
    assert (html / "index.html").exists()
    from lossplateau.runs import get_profile, run_specs
    runs = [f"run_{r}" for r in run_specs(get_profile("smoke"))]   # sweeps and replicates: a page each
    for name in ["index"] + _chapters() + runs:
        assert (html / f"{name}.html").exists(), f"{name}.html missing"
        nb = nbformat.read(out / "src" / f"{name}.ipynb", as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        source = nbformat.read(ROOT / "nbs" / f"{'20_run' if name.startswith('run_') else name}.ipynb", as_version=4)
        if declared_parameters(source):                   # papermill injects only the parameters a notebook declares
            assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells), f"{name}: none injected"
        assert f"{name}: done in" in stdout
    for best, s in run_specs(get_profile("smoke")).items():         # a best-of run ends after the sweep it chose from
        for swept in (s.get("best_of") or {}).get("runs", {}):
            assert stdout.index(f"run_{swept}: done in") < stdout.index(f"run_{best}: done in"), (swept, best)
    assert "chosen from the sweep" in (html / "run_sgd_best.html").read_text()  # its page says how its rate was chosen


def test_answer_is_glued_prose_with_the_verdict_table(book):
    out, _ = book
    page = (out / "_build" / "html" / "14_answer.html").read_text()
    assert "{glue" not in page and "glue:md" not in page, "a glue directive was not rendered"
    assert "Did this build see what the asker saw?" in page and "Every hypothesis, in one table" in page
    assert re.search(r"<strong>(Yes|No|Half of it|The first half|The second half only)\.</strong>", page), \
        "the answer does not open by saying whether the phenomenon was reproduced"
    assert "validation starts below the reported training loss" in page and "[95% interval]" in page   # the table


def test_front_page_links_every_chapter():
    "nbs/index.ipynb is the book's root, and its chapter list names every chapter of the table of contents."
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    assert toc["root"] == "index"
    nb = nbformat.read(ROOT / "nbs" / "index.ipynb", as_version=4)
    linked = re.findall(r"\]\(([\w.-]+)\.ipynb\)", "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
    assert linked == _chapters(), "the front page's chapter list differs from book/_toc.yml (order included)"


def _page(out, name):
    from bs4 import BeautifulSoup
    return BeautifulSoup((out / "_build" / "html" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def test_front_page_of_the_built_book(book):
    out, _ = book
    page = _page(out, "index")
    assert page.find("h1").get_text().strip("#¶ ") == "lossplateau"
    main = page.find("main") or page
    hrefs = {a["href"].split("#")[0] for a in main.find_all("a", href=True)}
    missing = [c for c in _chapters() if f"{c}.html" not in hrefs]
    assert not missing, f"the front page does not link {missing}"
    assert "Quarto" not in main.get_text()                       # no build notes on the front page
    repo = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())["repository"]["url"]
    for name in ("index", "10_reproduce"):                       # every page links back to the repository
        assert any(a["href"].rstrip("/") == repo for a in _page(out, name).find_all("a", href=True)), name


@pytest.mark.parametrize("chapter,module,example", [
    ("00_core", "core", ("fingerprint", "hex digits to keep")), ("06_runs", "runs", ("get_run", "a run of the profile")),
    ("08_book", "book", ("build_book", "smoke, quick or full")), ("09_cli", "cli", ("main", "default: sys.argv[1:]"))])
def test_library_chapters_show_docs_not_source(book, chapter, module, example):
    """Every exported function and class of the chapter's module has a heading, its signature and a table with a row
    per parameter (described by its docments comment); every exported `def` is folded behind the "show code" toggle."""
    out, _ = book
    page = _page(out, chapter)
    mod = importlib.import_module(f"lossplateau.{module}")
    documented = [n for n in mod.__all__ if inspect.isfunction(getattr(mod, n)) or inspect.isclass(getattr(mod, n))]
    assert len(documented) >= 2
    rubrics = {r.get_text().strip("#¶ \n"): r for r in page.select(".rubric")}
    for name in documented:
        assert name in rubrics, f"{chapter}: no documentation heading for {name}"
        obj = getattr(mod, name)
        try: params = [p for p in inspect.signature(obj).parameters if p not in ("self", "cls")]
        except (TypeError, ValueError): continue                  # exception classes: heading and docstring only
        if not params: continue
        table = rubrics[name].find_next("table")
        cells = [td.get_text().strip() for td in table.select("tbody tr td:first-child")]
        assert [c.lstrip("*") for c in cells[:len(params)]] == params, f"{chapter}: {name}'s parameter table: {cells}"
    name, comment = example
    assert comment in rubrics[name].find_next("table").get_text()     # a parameter's docments comment, as its details
    inputs = page.select("div.cell_input")
    for name in documented:
        source = [i for i in inputs if re.search(rf"^(def|class) {name}\b", i.get_text(), re.M)]
        assert source, f"{chapter}: the source of {name} is missing (it should be there, folded)"
        for i in source:
            folded = i.find_parent("details") is not None and "tag_hide-input" in i.find_parent("div", class_="cell")["class"]
            assert folded, f"{chapter}: the source of {name} is shown unfolded"
    inserted = [i for i in inputs if re.search(rf"^import lossplateau\.{module}$", i.get_text(), re.M)]
    assert not inserted, "the cells that call show_doc should show no input"
    assert not [i for i in inputs if i.get_text().lstrip().startswith("# Parameters")], "parameters shown"


ANALYSIS_CHAPTERS = ["10_reproduce", "10a_own_schedule", "11_gap", "12_hypotheses", "13_classes_documents", "14_answer"]


def _opening_and_figures(page, name):
    """Problems of an analysis page: code shown unfolded before its first section (the title's section holds it
    directly), parameters other than the injected ones, and images outside a figure with a numbered caption."""
    title = page.select_one("article section > h1").parent
    inputs = page.select("div.cell_input")
    problems = [f"{name}: code shown before the first section: {i.get_text().strip()[:70]!r}" for i in inputs
                if i.find_parent("section") is title and i.find_parent("details") is None]
    problems += [f"{name}: the parameters' defaults are shown" for i in inputs
                 if i.get_text().lstrip().startswith("# Parameters (")]     # papermill's cell says just `# Parameters`
    for img in page.select("article img"):
        number = img.find_parent("figure") and img.find_parent("figure").select_one("figcaption .caption-number")
        if not (number and re.fullmatch(r"Fig\. \d+", number.get_text().strip())
                and number.find_next_sibling(class_="caption-text").get_text().strip()):
            problems.append(f"{name}: an image without a numbered caption ({img.get('src', '')[-20:]})")
    return problems


def test_analysis_pages_open_with_prose_and_caption_their_figures(book):
    """Readers meet an analysis chapter's title and question first: its parameters (the values this build injected,
    not the defaults) and its imports are folded; and every plot is a figure with a number and a caption."""
    out, _ = book
    pages = {name: _page(out, name) for name in ANALYSIS_CHAPTERS}
    assert sum(len(p.select("article img")) for p in pages.values()) >= 4        # the chapters do plot
    assert all(p.select("details div.cell_input") for p in pages.values())       # and do have folded setup code
    problems = [p for name, page in pages.items() for p in _opening_and_figures(page, name)]
    assert not problems, "\n".join(problems)


def test_analysis_tables_read_as_words_and_chapters_end_with_a_summary(book):
    "Tables show no raw None/NaN/<NA>/True/False cells and no snake_case headers; each analysis chapter has a Summary."
    out, _ = book
    raw = {"None", "NaN", "nan", "<NA>", "True", "False"}
    for name in ANALYSIS_CHAPTERS:
        page = _page(out, name)
        cells = [td.get_text(strip=True) for td in page.select("article table td")]
        assert cells, f"{name}: no table"
        assert not raw & set(cells), f"{name}: table cells {sorted(raw & set(cells))}"
        heads = [th.get_text(strip=True) for th in page.select("article table th")]
        assert not [h for h in heads if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", h)], f"{name}: headers {heads}"
        assert "Summary" in [h.get_text(strip=True).strip("#¶ ") for h in page.select("article h2")], name


def test_second_build_reuses_everything(book):
    out, _ = book
    res = _cli("book", "--profile", "smoke", "--out", str(out), timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = [l for l in res.stdout.splitlines() if l.startswith("[")]
    assert lines and all(l.endswith("unchanged, reused") for l in lines), lines


def _records(history_json):
    return [{k: v for k, v in r.items() if not k.endswith("seconds")} for r in json.loads(history_json.read_text())["epochs"]]


def test_book_killed_mid_chapter_resumes_to_the_same_results(book, tmp_path):
    """SIGKILL a `lossplateau book` while a chapter trains its run, run it again: finished work is reused, and the
    interrupted run ends as in the uninterrupted build. (A copy of the finished book with its last run removed keeps
    this to one run's training; `test_train_resume.py` kills training itself at every stage.)"""
    ref, _ = book
    out, src = tmp_path / "book", tmp_path / "book" / "src"
    shutil.copytree(ref, out, symlinks=True)
    victim = f"run_{list(yaml.safe_load((ROOT / 'book' / 'profiles.yml').read_text())['smoke']['runs'])[-1]}"
    for p in [src / f"{victim}.ipynb", src / ".done" / f"{victim}.json", *(out / "runs").glob(f"{victim[4:]}-*")]:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    finished = {p.stem for p in (src / ".done").glob("*.json")}
    kept = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*/history.*")}
    with open(tmp_path / "killed.log", "w") as log:
        job = subprocess.Popen(CLI + ["book", "--profile", "smoke", "--out", str(out)], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.time() + 600
    while not (src / f"{victim}.ipynb").exists():      # the chapter is executing (papermill writes it as it goes)
        assert job.poll() is None, "the build ended before it could be interrupted: " + (tmp_path / "killed.log").read_text()[-3000:]
        assert time.time() < deadline
        time.sleep(0.1)
    time.sleep(3)
    os.killpg(job.pid, signal.SIGKILL); job.wait()
    assert not (src / ".done" / f"{victim}.json").exists(), "the kill came too late"
    assert (src / f".{victim}.input.ipynb").exists()   # left by the killed build: it stopped mid-chapter

    res = _cli("book", "--profile", "smoke", "--out", str(out), timeout=1200)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    for name in finished: assert f"{name}: unchanged, reused" in res.stdout, name
    assert f"{victim}: done in" in res.stdout
    assert all(p.stat().st_mtime_ns == m for p, m in kept.items()), "a finished run was trained again"
    _same_runs(ref, out, victim)                               # every run equals the uninterrupted build's
    nb = nbformat.read(src / f"{victim}.ipynb", as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert (out / "_build" / "html" / f"{victim}.html").exists()


def _same_runs(ref, out, victim):
    """The victim's run was trained again in `out`, and every run there has the same history (every number, every
    epoch) as the reference book's run of that name and key. (A folder the victim's glob removed that the book does
    not read, such as a run nbdev_test's chapters trained with other parameters, is not made again.)"""
    mine = sorted((out / "runs").glob("*/history.json"))
    assert [h for h in mine if h.parent.name.startswith(f"{victim[4:]}-")], f"{victim}'s run was not trained again"
    for h in mine:
        theirs = ref / "runs" / h.parent.name
        assert _records(h) == _records(theirs / "history.json"), h.parent.name
        with np.load(theirs / "history.npz") as a, np.load(h.with_suffix(".npz")) as b:
            assert sorted(a.files) == sorted(b.files) and all(np.array_equal(a[k], b[k]) for k in a.files), h.parent.name


def test_worker_killed_mid_run_is_retried_and_resumes(book, cluster, tmp_path):
    """SIGKILL the Dask worker process that is training a run: its nanny starts a new worker, Dask retries the task,
    the run resumes from its checkpoint, the build succeeds, and every history equals the uninterrupted build's."""
    import psutil
    ref, _ = book
    address, worker_cli = cluster
    out, src = tmp_path / "book", tmp_path / "book" / "src"
    shutil.copytree(ref, out, symlinks=True)
    victim = "run_question"                                # the longest run of the smoke profile
    for p in [src / f"{victim}.ipynb", src / ".done" / f"{victim}.json", *(out / "runs").glob(f"{victim[4:]}-*")]:
        shutil.rmtree(p) if p.is_dir() else p.unlink()
    with open(tmp_path / "build.log", "w") as log:
        job = subprocess.Popen(CLI + ["book", "--profile", "smoke", "--out", str(out), "--scheduler", address],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline, kernel = time.time() + 600, None
    while kernel is None:                 # the victim's papermill kernel, a child of one of our cluster's workers
        assert job.poll() is None, "the build ended before a worker could be killed: " + (tmp_path / "build.log").read_text()[-3000:]
        assert time.time() < deadline
        ckpts = list((out / "runs").glob(f"{victim[4:]}-*/ckpt-*.keras"))
        kernels = [p for p in psutil.Process(worker_cli.pid).children(recursive=True)
                   if "ipykernel" in " ".join(p.cmdline())]
        if ckpts and kernels: kernel = kernels[0]        # it has trained at least one epoch
        time.sleep(0.05)
    worker = kernel.parent()
    os.kill(worker.pid, signal.SIGKILL)
    psutil.wait_procs([kernel], timeout=15)
    assert not kernel.is_running(), "the kernel of a dead worker kept running"
    assert job.wait(timeout=900) == 0, (tmp_path / "build.log").read_text()[-3000:]
    assert (src / ".done" / f"{victim}.json").exists()
    assert f"{victim}: done in" in (tmp_path / "build.log").read_text()
    _same_runs(ref, out, victim)
    assert (out / "_build" / "html" / f"{victim}.html").exists()


def test_ctrl_c_stops_the_local_cluster(tmp_path):
    "Ctrl-C during a build on the default local cluster: exit status 130, and no process it started keeps running."
    import psutil
    job = subprocess.Popen(CLI + ["book", "--profile", "smoke", "--out", str(tmp_path / "b"), "--workers", "2"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                           env={**os.environ, "PYTHONFAULTHANDLER": "1"},   # SIGABRT dumps every thread's stack
                           # Ctrl-C as at a terminal: a test run started in the background by a shell (`make test &`)
                           # inherits SIGINT ignored, and Python then never turns SIGINT into KeyboardInterrupt
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 300
    while len([p for p in psutil.Process(job.pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]) < 2:
        assert job.poll() is None and time.time() < deadline, job.communicate()
        time.sleep(0.2)
    started = psutil.Process(job.pid).children(recursive=True)
    job.send_signal(signal.SIGINT)
    try: _, err = job.communicate(timeout=120)
    except subprocess.TimeoutExpired:     # a hang: where is each thread of the CLI stuck?
        job.send_signal(signal.SIGABRT)   # faulthandler writes every thread's traceback to stderr, then the process dies
        try: _, err = job.communicate(timeout=30)
        except subprocess.TimeoutExpired: err = "(no traceback dump within 30 s of SIGABRT)"
        for p in started:
            try: p.kill()
            except psutil.Error: pass
        try: os.killpg(job.pid, signal.SIGKILL)
        except OSError: pass
        job.wait()
        pytest.fail(f"the CLI did not exit within 120 s of Ctrl-C; its stderr, with faulthandler's dump of every "
                    f"thread:\n{(err or '')[-6000:]}")
    assert job.returncode == 130, err[-2000:]
    assert "interrupted; run the same command again to resume" in err
    gone, alive = psutil.wait_procs(started, timeout=30)
    assert not alive, [" ".join(p.cmdline())[:120] for p in alive]


def test_book_in_headless_chromium(book, tmp_path):
    "Every page: figures decoded by the browser, internal links resolve, math typeset offline."
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    out, _ = book
    html = out / "_build" / "html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        n_images = 0
        for name in ["index"] + _chapters():
            page.goto((html / f"{name}.html").as_uri(), wait_until="load")
            broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
            assert not broken, f"{name}: images that did not load: {broken}"
            n_images += page.evaluate("document.images.length")
            links = page.evaluate("[...document.querySelectorAll('a.reference.internal, nav a')].map(a => a.href)")
            for href in links:
                if href.startswith("file://"):
                    target = Path(href[len("file://"):].split("#")[0])
                    assert target.exists(), f"{name}: link to missing {target}"
            if name == "02_losses":
                page.wait_for_function("document.querySelectorAll('mjx-container').length > 0", timeout=20000)
        assert n_images >= 5, "the chapters should show figures"
        page.goto((html / "05_train.html").as_uri(), wait_until="load")
        page.screenshot(path=str(tmp_path / "05_train.png"), full_page=False)
        browser.close()
    external = [u for u in requests if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert not external, f"the book fetched from the network: {external[:5]}"
    assert (tmp_path / "05_train.png").stat().st_size > 10000


# Keras' per-epoch shuffle warning, TensorFlow's C++ start-up lines (a kernel's go to its .kernel.log) and tqdm's
# widget warning; the terminal also shows no Python warning format
NOISE = ("shuffle=True", "absl::InitializeLog", "oneDNN custom operations", "cuInit", "Could not find cuda",
         "cpu_feature_guard", "IProgress")


def test_report_on_a_small_csv(tmp_path):
    "A report on a user's CSV with a bad row: the analysis chapters, and a terminal with one-line warnings only."
    from lossplateau.data import make_synthetic
    c = make_synthetic(240, 3, seed=2, noise=0.0)
    df = c.to_frame().rename(columns={"text": "body", "label": "topic"})
    df.loc[0, "body"] = "<script>alert('x')</script> <img src=x onerror=alert(1)> " + df.loc[0, "body"]
    df.loc[5, "body"] = ""                                  # an empty row, dropped with --drop-invalid
    df[["id", "body", "topic"]].to_csv(tmp_path / "mine.csv", index=False)
    res = _cli("report", str(tmp_path / "mine.csv"), "--text", "body", "--label", "topic", "--profile", "smoke",
               "--out", str(tmp_path / "report"), "--drop-invalid", timeout=900)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    terminal = res.stdout + res.stderr      # what the user sees: progress lines and one-line warnings, nothing else
    dropped = [l for l in terminal.splitlines() if "dropped 1 of 240 rows" in l]
    assert dropped == [f"lossplateau report: warning: {tmp_path / 'mine.csv'}: dropped 1 of 240 rows: empty or missing "
                       "text in row(s) 6."], terminal[-3000:]
    for noise in NOISE + ("UserWarning", "warnings.warn("):
        assert noise not in terminal, f"{noise!r} on the terminal:\n{terminal[-3000:]}"
    # no traceback, except one Dask itself logs (a worker's missed heartbeat on a loaded machine is not ours to hide)
    ours = [m.start() for m in re.finditer("Traceback", terminal) if " - distributed." not in terminal[max(0, m.start() - 400):m.start()]]
    assert not ours, f"a traceback on the terminal:\n{terminal[ours[0] - 200:][:3000]}"
    for f in (tmp_path / "report" / "src").glob("*.ipynb"):        # every executed notebook, runs included
        shown = "".join(o.get("text", "") for c in nbformat.read(f, as_version=4).cells if c.cell_type == "code"
                        for o in c.get("outputs", []) if o.output_type == "stream")
        for noise in NOISE:
            assert noise not in shown, f"{f.name} shows {noise!r}"
    html = tmp_path / "report" / "_build" / "html"
    assert (html / "index.html").exists()
    assert "mine.csv" in (html / "intro.html").read_text()
    for chapter in ("10_reproduce", "11_gap", "13_classes_documents"):           # the analysis chapters, executed on the user's corpus
        nb = nbformat.read(tmp_path / "report" / "src" / f"{chapter}.ipynb", as_version=4)
        assert not [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"], chapter
        assert (html / f"{chapter}.html").exists()
    for page in html.glob("*.html"):       # the user's text is shown as text, never run as markup
        assert "<script>alert('x')</script>" not in page.read_text() and "<img src=x onerror" not in page.read_text(), page.name
    assert (tmp_path / "report" / "src" / "run_question.ipynb").exists()
    assert (tmp_path / "report" / "src" / "run_question_aum.ipynb").exists()   # threshold samples: the AUM's cut-off
    page = (html / "13_classes_documents.html").read_text()
    assert "TF-IDF + logistic regression" in (html / "10_reproduce.html").read_text()   # the baseline beside the model
    assert "moved" in page and "fake class" in page and "Its cut-off is an AUM of" in page, "no AUM cut-off in the report"


def test_report_bad_input_fails_in_one_line_before_training(tmp_path):
    (tmp_path / "d.csv").write_text("body,topic\nhello,a\nworld,b\n")
    res = _cli("report", str(tmp_path / "d.csv"), "--text", "txt", "--out", str(tmp_path / "r"), timeout=120)
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "no text column 'txt'" in res.stderr
    assert not (tmp_path / "r" / "runs").exists()
