VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
MODULE  := github.com/dbplane/dbplane
GO      ?= go

.PHONY: build run test test-short lint fuzz bench check ferretdb dist

build: ## static binary in bin/
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X $(MODULE)/internal/cli.version=$(VERSION)" -o bin/dbplane ./cmd/dbplane

# dist: the release archives, as goreleaser lays them out. Each holds the
# static binary, the systemd unit, the example config and the docs to run
# them; the tar files are reproducible (sorted, owner 0, the commit's time).
DIST_PLATFORMS := linux/amd64 linux/arm64
SOURCE_DATE    := $(shell git log -1 --format=%cI 2>/dev/null || echo 1970-01-01T00:00:00Z)

dist: ## release archives for linux/amd64 and linux/arm64 in dist/, with SHA256SUMS
	rm -rf dist && mkdir -p dist
	@set -e; for p in $(DIST_PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; name=dbplane_$(VERSION)_$${os}_$${arch}; \
	  echo "== $$name"; mkdir -p dist/$$name; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath \
	    -ldflags "-s -w -X $(MODULE)/internal/cli.version=$(VERSION)" -o dist/$$name/dbplane ./cmd/dbplane; \
	  cp README.md docs/operations.md packaging/dbplane.service packaging/dbplane.env dist/$$name/; \
	  tar -C dist --sort=name --owner=0 --group=0 --numeric-owner --mtime='$(SOURCE_DATE)' -cf - $$name \
	    | gzip -n -9 > dist/$$name.tar.gz; \
	done
	cd dist && sha256sum *.tar.gz */dbplane > SHA256SUMS && cat SHA256SUMS

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
