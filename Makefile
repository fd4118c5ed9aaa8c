VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
MODULE  := github.com/dbplane/dbplane
GO      ?= go

.PHONY: build run test test-short lint fuzz bench check ferretdb

build: ## static binary in bin/
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X $(MODULE)/internal/cli.version=$(VERSION)" -o bin/dbplane ./cmd/dbplane

run: build ## init a data dir (once) and serve on 127.0.0.1:8080
	@test -f data/dbplane.db || ./bin/dbplane init --data-dir ./data
	./bin/dbplane serve --data-dir ./data

test: ferretdb ## everything; starts throwaway MariaDB, PostgreSQL, FerretDB and headless Chromium (CI=true makes them mandatory)
	$(GO) test -race -count=1 -timeout 40m $(TESTFLAGS) ./...

ferretdb: ## build FerretDB v1.24.2 into .cache/ferretdb for the mongo tests (once; a no-op after)
	scripts/build-ferretdb.sh

test-short: ## no database servers
	$(GO) test -short -count=1 ./...

lint: ## formatting, vet, import rules
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...
	$(GO) test -count=1 ./internal/lint/

fuzz: ## each fuzz target for 20s
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime 20s $$pkg || exit 1; \
	  done; \
	done

bench: ## the end-to-end benchmark against real MariaDB and PostgreSQL (prints ratios), then memory with 100,000 databases
	$(GO) run ./bench
	$(GO) run ./bench/memory

check: lint test
