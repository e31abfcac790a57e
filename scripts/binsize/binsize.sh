#!/usr/bin/env bash
# Builds two small programs that make one call to the IM REST API, one
# with timrest (a client and c.Friends.Lists) and one with net/http and
# encoding/json, and prints their dependencies and binary sizes (plain and
# stripped) and the ratio. BENCHMARKS.md section 5 has the figures.
# Usage: scripts/binsize/binsize.sh   (from anywhere; needs go)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/timrest" "$work/nethttp"
cp "$here/timrest.go.txt" "$work/timrest/main.go"
cp "$here/nethttp.go.txt" "$work/nethttp/main.go"
cat > "$work/go.mod" <<MOD
module binsize

go 1.26.0

require github.com/timrest/timrest v0.0.0

replace github.com/timrest/timrest => $root
MOD
cp "$root/go.sum" "$work/go.sum"
cd "$work"
export GOFLAGS=-mod=mod
for p in nethttp timrest; do
	go build -o "$p.bin" "./$p"
	go build -ldflags="-s -w" -o "$p.stripped" "./$p"
	deps=$(go list -deps "./$p" | wc -l)
	printf '%-8s %4d packages  %10d bytes  %10d bytes stripped\n' "$p" "$deps" "$(stat -c %s "$p.bin")" "$(stat -c %s "$p.stripped")"
done
awk -v a="$(stat -c %s timrest.bin)" -v b="$(stat -c %s nethttp.bin)" -v c="$(stat -c %s timrest.stripped)" -v d="$(stat -c %s nethttp.stripped)" \
	'BEGIN { printf "ratio    %.2f (stripped %.2f)\n", a/b, c/d }'
