# Two entry points: `make demo` (set up, then run the seed scenario) and `make test` (set up, then test).
PYTHON ?= $(shell command -v python3.12 || pyenv which python3.12 2>/dev/null || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
SEED_SCENARIO := scenarios/syria_turkey_2023.yaml

.PHONY: setup browser demo test clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed (see .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) -m simulator validate $(SEED_SCENARIO)
	$(PY) -m simulator run $(SEED_SCENARIO) --runs 1000 --seed 2023 --out results/demo --overwrite

# Browser tests drive Debian's chromium (never a downloaded browser); install it when we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and not root: browser tests will be skipped"; fi; }

test: setup browser
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis
