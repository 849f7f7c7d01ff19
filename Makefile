# Two commands matter: `make run` (dashboard on the demo portfolio) and `make test` (every test).
# Both build what they need: the virtual environment, the demo database, the headless browser.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= $(or $(MONITOR_DB),data/monitor.duckdb)
LOANS  ?= 50000
SEED   ?= 42

.PHONY: run test demo venv browser bench bench-growth lint clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(DB): | $(VENV)/.installed
	$(BIN)/python -m monitor generate --db $(DB) --loans $(LOANS) --seed $(SEED)
	$(BIN)/python -m monitor train --db $(DB)
	$(BIN)/python -m monitor train-application --db $(DB)
	$(BIN)/python -m monitor score --db $(DB) --month-ends 6

demo: $(DB)

run: $(VENV)/.installed $(DB)
	$(BIN)/python -m monitor migrate --db $(DB)
	MALLOC_ARENA_MAX=2 MONITOR_DB=$(DB) $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

# Debian's Chromium for the browser tests, and a CJK font so Chinese renders in screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

test: $(VENV)/.installed browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Apache Spark for the derive's second engine (monitor.engines.spark_engine): pyspark from PyPI, Java 17 from Debian.
spark: $(VENV)/.installed
	@command -v java >/dev/null || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)
	$(BIN)/python -m pip install --quiet -r requirements-spark.txt

# The engines' parity test (tests/test_spark_parity.py) and the other tests marked spark; `make test` leaves them out.
test-spark: spark
	$(BIN)/python -m pytest -m spark

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/early_warning.py
	$(BIN)/python bench/what_if.py
	$(BIN)/python bench/live.py
	$(BIN)/python bench/contact_check.py
	$(BIN)/python bench/policy_whatif.py
	$(BIN)/python bench/policy_page.py

# The growth curve of issue 19 (50,000 to 10,000,000 loans, hours), not part of bench; options in GROWTH_ARGS,
# e.g. GROWTH_ARGS="--book 10000000=PATH" to use a book already generated for a scale.
bench-growth: $(VENV)/.installed
	$(BIN)/python bench/growth.py $(GROWTH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
