# lossplateau: `make test` and `make book` set everything up by themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FOLDOC_DEB := dict-foldoc=20230119-1
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup test book full-reference export check-export check-clean nbtest pytest foldoc-data clean help

help:
	@echo "make test         set up .venv, check the export, run nbdev_test and pytest"
	@echo "make book         set up .venv, build the book (quick profile) into book/_build/_build/html"
	@echo "make full-reference  train the full profile's question run (300 epochs: hours on a CPU; resumes) and record it"
	@echo "make export       nbdev_export + nbdev_clean after editing notebooks"
	@echo "make foldoc-data  rebuild lossplateau/corpora/foldoc.jsonl.gz from Debian's dict-foldoc"

$(STAMP): settings.ini setup.py pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

export: setup
	$(BIN)/nbdev_export
	$(BIN)/nbdev_clean

# The package must be exactly what the notebooks export, and the notebooks must be clean.
check-export: setup
	@if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then echo "check-export: not a git checkout, skipped"; exit 0; fi; \
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean && \
	if [ -n "$$(git status --porcelain --untracked-files=all -- lossplateau nbs)" ]; then \
	  echo "lossplateau/ or nbs/ differ from what nbdev_export/nbdev_clean write: run 'make export' and commit:"; \
	  git status --short --untracked-files=all -- lossplateau nbs; git --no-pager diff --stat -- lossplateau nbs; exit 1; \
	else echo "check-export: lossplateau/ matches the notebooks"; fi

# The chapters share their runs through a runs folder of their own ($LOSSPLATEAU_RUNS, new each time: a run is
# found by its parameters and data, not by the library's code), instead of each training them in memory again.
# `make test` hands the same folder to pytest (RUNS=...), whose smoke book starts from those runs instead of training
# them a second time: a run trained here is the run a worker would train (tests/test_book.py trains two again on
# workers and compares every number).
nbtest: setup
	@runs="$(RUNS)"; if [ -z "$$runs" ]; then runs=$$(mktemp -d); trap 'rm -rf "$$runs"' EXIT; fi; \
	echo "nbdev_test: runs shared in $$runs"; \
	LOSSPLATEAU_RUNS=$$runs $(BIN)/nbdev_test --n_workers 2 --flags slow --timing

# Two pytest workers, each taking whole modules (a module's fixtures are built once): the smoke book's module on one,
# the rest beside it. LOSSPLATEAU_TEST_RUNS: runs the smoke book may start from (`make test`: nbdev_test's).
pytest: setup
	LOSSPLATEAU_TEST_RUNS="$(RUNS)" $(BIN)/python -m pytest -q --durations=8 -n 2 --dist loadfile tests

test: check-export
	@runs=$$(mktemp -d); trap 'rm -rf "$$runs"' EXIT; \
	$(MAKE) --no-print-directory nbtest pytest RUNS=$$runs

# The book on the embedded corpus with the quick profile; rerunning resumes (finished runs and chapters are reused).
book: setup
	$(BIN)/lossplateau book --profile quick --out book/_build

# The question's own schedule (the `full` profile's question run: 300 epochs, several hours on 2 CPU cores), trained
# once and recorded where the book reads it (book/reference/full-question). Rerunning resumes from the last checkpoint.
full-reference: setup
	$(BIN)/lossplateau reference --profile full --run question --runs .full-runs --out book/reference/full-question

# Rebuild the packaged FOLDOC corpus from Debian's package and fail if it is not byte-identical.
foldoc-data: setup
	rm -rf .foldoc && mkdir -p .foldoc
	cd .foldoc && apt-get download $(FOLDOC_DEB)
	dpkg-deb -x .foldoc/dict-foldoc_*_all.deb .foldoc/x
	$(BIN)/python -c "from lossplateau.foldoc import build_foldoc; print(build_foldoc('.foldoc/x/usr/share/dictd/foldoc.index', '.foldoc/x/usr/share/dictd/foldoc.dict.dz', 'lossplateau/corpora/foldoc.jsonl.gz'), 'documents')"
	@git diff --quiet -- lossplateau/corpora/foldoc.jsonl.gz && echo "foldoc-data: identical to the committed file" || echo "foldoc-data: the rebuilt file differs from the committed one (git diff)"

clean:
	rm -rf $(VENV) _docs _proc book/_build .foldoc .pytest_cache *.egg-info
