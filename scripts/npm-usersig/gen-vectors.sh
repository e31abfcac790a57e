#!/usr/bin/env bash
# Regenerates auth/testdata/npm_vectors.json with the tls-sig-api-v2 version
# pinned in package.json / package-lock.json. Run from anywhere:
#
#	scripts/npm-usersig/gen-vectors.sh
#
# Needs node and npm. The vectors use a pinned clock and fake keys, so the
# output only changes when the package (or this script's inputs) changes.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/../../auth/testdata/npm_vectors.json"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error >&2
mkdir -p "$(dirname "$out")"
node gen-vectors.js >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $(cd "$(dirname "$out")" && pwd)/$(basename "$out")" >&2
