# exmc: `make demo` sets everything up and samples a model; `make test` runs
# every test. Both work on a fresh machine with Go, gcc and Python >= 3.12.
SHELL := /bin/bash
GO ?= go
VENV := .venv
PY := $(VENV)/bin/python
OUT := build/out
LIB := $(OUT)/libexmc.so
CHECKED_LIB := $(OUT)/cgocheck2/libexmc.so
# the packages with AVX2 assembly and a portable form beside it
AVX_PACKAGES := ./core/fastmath ./core/matvec ./core/dist
GO_SOURCES := $(shell find core capi \( -name '*.go' -o -name '*.s' -o -name '*.c' -o -name '*.h' \) -not -name '*_test.go' 2>/dev/null) go.mod go.sum include/exmc.h

.PHONY: all lib install demo test test-go test-c test-python lint go-lint python-lint fuzz bench bench-quick bench-go clean

all: install

# The shared library for C and C++ users.
lib: $(LIB)
$(LIB): $(GO_SOURCES)
	$(GO) build -buildmode=c-shared -o $@ ./capi
	rm -f $(OUT)/libexmc.h

# The same library with cgo's strict pointer checks, for the tests of the
# boundary: a pointer mistake crashes a test, not a user.
$(CHECKED_LIB): $(GO_SOURCES)
	GOEXPERIMENT=cgocheck2 $(GO) build -buildmode=c-shared -o $@ ./capi
	rm -f $(OUT)/cgocheck2/libexmc.h

$(VENV)/.created:
	py=$$(build/find-python) && "$$py" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip hatchling cffi
	touch $@

# Installs the package (its build hook compiles the Go core into it).
install: $(VENV)/.installed
$(VENV)/.installed: $(VENV)/.created $(GO_SOURCES) pyproject.toml build/hatch_build.py $(shell find python/exmc -name '*.py')
	$(PY) -m pip install -q --no-build-isolation ".[test]"
	touch $@

demo: install
	$(PY) examples/demo.py

test: test-go test-c test-python

lint: go-lint python-lint

go-lint:
	@out=$$(gofmt -l core capi bench); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags purego $(AVX_PACKAGES)

# The Python package's import contracts (pyproject.toml's
# [tool.importlinter]: exmc.sampling's layers, no import cycle), checked by
# import-linter on the source in python/. It needs only import-linter from
# the test extra, read from pyproject.toml, not the package built.
$(VENV)/.lint: $(VENV)/.created pyproject.toml
	$(PY) -c 'import subprocess, sys, tomllib; deps = [d for d in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"] if d.startswith("import-linter")]; subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *deps])'
	touch $@

python-lint: $(VENV)/.lint
	PYTHONPATH=python $(VENV)/bin/lint-imports --no-cache --no-logo

# The AVX2 kernels' portable forms are tested beside them: built without
# the assembly (purego), and switched to at run time (core/avx).
test-go: go-lint
	$(GO) test -race ./...
	$(GO) test -run 'Alloc' ./core/... ./capi/...
	$(GO) test -tags purego $(AVX_PACKAGES)
	EXMC_NO_AVX=1 $(GO) test $(AVX_PACKAGES)

test-c: $(CHECKED_LIB)
	tests/c/run.sh $(CHECKED_LIB)

test-python: python-lint install $(CHECKED_LIB)
	EXMC_LIBRARY=$(abspath $(CHECKED_LIB)) $(PY) -m pytest -q

# Go's native fuzzing of the model document, each target for FUZZTIME:
# parsing and validation (core/model), then compilation and the
# log-density with its gradient, from raw bytes and from models generated
# from the bytes (core/compile). An input that fails is written to
# testdata/fuzz/<target>/ beside the test, which plain go test then
# replays: commit it with the fix.
FUZZTIME ?= 60s
FUZZ_TARGETS := ./core/model:FuzzParse ./core/compile:FuzzDocument ./core/compile:FuzzGenerated
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} ($${t%%:*}) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) $${t%%:*}; \
	done

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./bench/models ./core/compile

# The head-to-head benchmark of bench/MODELS.md against PyMC and nutpie:
# bench/results/{results.md,results.json,ratios.png}. bench-quick is a
# development run of a minute or two (bench/results/quick/). The bench extra
# of pyproject.toml (PyMC, nutpie, matplotlib) is installed into the venv,
# read from pyproject.toml so that exmc itself is not built twice.
$(VENV)/.bench: $(VENV)/.created pyproject.toml
	$(PY) -c 'import subprocess, sys, tomllib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"]; subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *deps])'
	touch $@

bench: install $(VENV)/.bench
	GO=$(GO) $(PY) bench/run.py

bench-quick: install $(VENV)/.bench
	GO=$(GO) $(PY) bench/run.py --quick --out bench/results/quick

# The scale suite of bench/README.md: models of a hundred to ten thousand
# parameters and up to ten million data values, and the seven above, by
# exmc, nutpie and PyMC with BLAS and OpenMP on one thread:
# bench/results/scale/{results.md,results.json}, about an hour.
# bench-scale-quick is a development run of a few minutes (.../scale/quick).
.PHONY: bench-scale bench-scale-quick
bench-scale: install $(VENV)/.bench
	GO=$(GO) $(PY) bench/scale.py

bench-scale-quick: install $(VENV)/.bench
	GO=$(GO) $(PY) bench/scale.py --quick

# nutpie's posterior moments for the gallery models of
# python/tests/gallery_models.py that have none yet (ONLY=name for one,
# again), which python/tests/test_gallery.py checks exmc against.
.PHONY: gallery-refs
gallery-refs: install $(VENV)/.bench
	$(PY) bench/gallery_refs.py $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf $(OUT) $(VENV) python/exmc/_lib dist *.egg-info
	$(GO) clean -testcache
