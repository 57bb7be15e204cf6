# Two entry points: `make demo` (set up, then run the seed scenario) and `make test` (set up, then test).
PYTHON ?= $(shell command -v python3.12 || pyenv which python3.12 2>/dev/null || echo python3)
VENV   := .venv
PY     := $(VENV)/bin/python
SEED_SCENARIO := scenarios/syria_turkey_2023.yaml

.PHONY: setup browser demo test clean plotlyjs

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed (see .python-version)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The dashboard runs plotly.js's cartesian bundle (1.5 MB, every trace it draws) instead of the full 4.8 MB one
# when it is installed here (from the npm registry, the version of the installed plotly's plotly.js); without
# npm the dashboard uses the full plotly.js that comes with plotly, as before.
PLOTLYJS_DIR := $(VENV)/share/diplosim
plotlyjs: $(VENV)/.installed
	@v=$$($(PY) -c 'from plotly.offline import get_plotlyjs_version as v; print(v())') && d=$(PLOTLYJS_DIR) && \
	if [ -f $$d/plotly-cartesian-$$v.min.js ]; then exit 0; fi; \
	if command -v npm >/dev/null 2>&1 && mkdir -p $$d/tmp && (cd $$d/tmp && npm pack --silent \
	     plotly.js-cartesian-dist-min@$$v >/dev/null 2>&1) && tar -xzf $$d/tmp/plotly.js-cartesian-dist-min-$$v.tgz \
	     -C $$d/tmp package/plotly-cartesian.min.js; then \
	  mv $$d/tmp/package/plotly-cartesian.min.js $$d/plotly-cartesian-$$v.min.js; rm -rf $$d/tmp; \
	else rm -rf $$d/tmp; echo "note: plotly.js cartesian bundle not installed (needs npm); the dashboard uses the full plotly.js"; fi

setup: $(VENV)/.installed plotlyjs

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
