# Thin wrappers around the `course` command. `make book` and `make test` need only python3 (>= 3.11,
# with venv) and make; `make pdf` also needs TeX (it tells you the exact apt-get line if missing).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: reading the book needs only the runtime dependencies; the tests add the [test] extra
# (pytest, Playwright, ...), so `make book` never downloads the test tools.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: book test pdf epub reader all clean doctor preview

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "Installing the course package and its dependencies into $(VENV) ..."
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e .
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	@echo "Installing the test tools into $(VENV) ..."
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(TEST_STAMP)

book: $(STAMP)      ## build the student edition as HTML and print (and try to open) its path
	@$(BIN)/course build html --open

test: $(TEST_STAMP) ## run the whole test suite (builds both editions in every format)
	@$(BIN)/python -m pytest

pdf: $(STAMP)
	@$(BIN)/course build pdf

epub: $(STAMP)
	@$(BIN)/course build epub

reader: $(STAMP)
	@$(BIN)/course build reader

all: $(STAMP)
	@$(BIN)/course build all

doctor: $(STAMP)
	@$(BIN)/course doctor

preview: $(STAMP)
	@$(BIN)/course preview

clean:
	rm -rf _build
