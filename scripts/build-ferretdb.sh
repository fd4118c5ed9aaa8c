#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (the last v1: SQLite backend, --test-enable-new-auth,
# --setup-username/--setup-password) into .cache/ferretdb/ferretdb at the repo
# root, for the mongo engine's tests (internal/dbtest/mongo.go finds it there).
#
# FerretDB is a Go module, but its module download lacks
# build/version/version.txt (generated from git by `task gen-version`), which
# the binary embeds and refuses to start without. So: copy the module out of
# the read-only module cache, write that file, and build ./cmd/ferretdb.
# Only the Go module proxy is needed.
#
# Idempotent: does nothing if the binary exists and reports the right version.
# FERRETDB_OUT overrides the output directory.
set -euo pipefail

version=v1.24.2
module=github.com/FerretDB/FerretDB
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${FERRETDB_OUT:-$root/.cache/ferretdb}"
bin="$out/ferretdb"

if ! command -v go >/dev/null; then export PATH="$PATH:/usr/local/go/bin"; fi

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "version: $version\$"; then
  echo "ferretdb $version: already built at $bin"
  exit 0
fi

start=$(date +%s)
echo "ferretdb $version: downloading module"
# The module's go.mod names its own toolchain; build with the local one.
# Run outside the repo, so that dbplane's go.mod and go.sum stay untouched.
dir="$(cd / && GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$module@$version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "ferretdb $version: go mod download gave no directory" >&2
  exit 1
fi

mkdir -p "$out"
src="$(mktemp -d "$out/src.XXXXXX")"
trap 'chmod -R u+w "$src" 2>/dev/null; rm -rf "$src"' EXIT
echo "ferretdb $version: copying $dir"
cp -R "$dir/." "$src/"
chmod -R u+w "$src"
printf '%s\n' "$version" >"$src/build/version/version.txt"
printf 'dbplane-cache\n' >"$src/build/version/package.txt"

echo "ferretdb $version: building ./cmd/ferretdb (this takes a few minutes on a cold build cache)"
# No build tags: the release build (SQLite and PostgreSQL backends, no debug
# build, no Hana). -mod=mod lets go fill in go.sum entries the module omits.
(cd "$src" && GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"

"$bin" --version
echo "ferretdb $version: built $bin in $(($(date +%s) - start))s"
