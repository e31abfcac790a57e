#!/usr/bin/env bash
# Live check of package auth against the official tls-sig-api-v2 npm package.
#
# Installs the version pinned in package.json / package-lock.json into a
# temporary folder, has it sign fresh UserSigs with the real clock (random,
# fake keys and app IDs), and runs
#
#	go test ./auth -run '^TestNPMLive$' -npm-sigs=<file>
#
# which verifies each with auth.VerifyUserSig and checks that
# auth.GenUserSigAt makes the same document. Exits non-zero on any failure.
# Needs go, node and npm; run it from anywhere (make test runs it from the
# repository root).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

for tool in go node npm; do
	command -v "$tool" >/dev/null || { echo "live-check: $tool not found" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/live.js" "$tmp/"
(cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error)
installed=$(cd "$tmp" && node -p "require('tls-sig-api-v2/package.json').version")
pinned=$(cd "$here" && node -p "require('./package.json').dependencies['tls-sig-api-v2']")
if [[ "$installed" != "$pinned" ]]; then
	echo "live-check: installed tls-sig-api-v2@$installed, but package.json pins $pinned" >&2
	exit 1
fi
echo "live-check: installed tls-sig-api-v2@$installed (node $(node --version)) in $tmp"

(cd "$tmp" && node live.js >sigs.json)
count=$(node -p "require(process.argv[1]).vectors.length" "$tmp/sigs.json")
echo "live-check: the npm package signed $count UserSigs with the real clock; verifying them with package auth"

cd "$root"
go test ./auth -run '^TestNPMLive$' -count=1 -v -npm-sigs="$tmp/sigs.json" 2>&1 | tee "$tmp/go-test.log"
if ! grep -q -- '^--- PASS: TestNPMLive' "$tmp/go-test.log"; then
	echo "live-check: TestNPMLive did not pass (skipped or not run)" >&2
	exit 1
fi

# The same UserSigs through the command-line tool, key from the environment.
go build -o "$tmp/timrest" ./cmd/timrest
node -e '
  for (const v of require(process.argv[1]).vectors)
    console.log([v.sdkappid, v.identifier, v.key, v.usersig].join("\t"));
' "$tmp/sigs.json" >"$tmp/cli-cases.tsv"
cli_ok=0
while IFS=$'\t' read -r appid user key sig; do
	if ! out=$(TIM_SECRET_KEY="$key" "$tmp/timrest" usersig verify --sdkappid "$appid" --user "$user" --sig "$sig" 2>&1); then
		echo "live-check: timrest usersig verify refused an npm UserSig for user $user: $out" >&2
		exit 1
	fi
	cli_ok=$((cli_ok + 1))
done <"$tmp/cli-cases.tsv"
if [[ "$cli_ok" -ne "$count" ]]; then
	echo "live-check: the CLI checked $cli_ok of $count UserSigs" >&2
	exit 1
fi
echo "live-check: OK: $count fresh UserSigs from tls-sig-api-v2@$installed verified by auth.VerifyUserSig and by 'timrest usersig verify', and auth.GenUserSigAt made identical documents"
