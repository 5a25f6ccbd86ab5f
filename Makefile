# The two commands a newcomer needs (see README.md):
#   make example   set up everything and build the example documents into output/
#   make test      set up everything and run the linters and the tests
PY := .venv/bin/python

.PHONY: setup example pages test lint golden benchmark clients clean

setup:
	@bash scripts/setup.sh

example: setup
	$(PY) -m generator build data --output output

# Page 1 of each edition of the examples as PNG, in output/pages/, to look at.
pages: example
	bash scripts/pages.sh output

lint: setup
	$(PY) -m ruff check generator tests benchmarks
	$(PY) -m mypy

test: lint
	$(PY) -m pytest -q

# The outputs as real clients read them (a few minutes; installs what it needs, see the script):
# the Nu validator, axe-core in Chromium, qpdf, poppler and a PDF/UA checker.
clients: setup
	bash tests/clients/run

# Regenerate the golden HTML kept beside the test fixtures (review the diff before committing).
golden: setup
	$(PY) -m tests.golden

# The build benchmark (a few minutes): figures and ratios side by side, see benchmarks/run.py.
benchmark: setup
	$(PY) -m benchmarks.run

clean:
	rm -rf output .pytest_cache .mypy_cache .ruff_cache
