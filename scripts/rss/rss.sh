#!/usr/bin/env bash
# Measures the peak resident memory (RSS high-water mark) of
# "timrest friends import" for friends CSV files of growing size, against
# a "timrest emulator" running in its own process (whose memory is not
# the CLI's and is reported apart), and of the same import with
# --dry-run. The inputs come from the Go program beside this script
# (go run ./scripts/rss). The peak is "Maximum resident set size" of
# /usr/bin/time -v when it is installed, else VmHWM of /proc/PID/status,
# read every 50 ms until the process ends.
#
# Usage: scripts/rss/rss.sh [N ...]            (default: 1000000 10000000)
# Environment:
#   TIMREST_BIN   a timrest binary to measure (default: built from this tree)
#   RSS_DIR       where inputs and logs go (default: a temporary directory, removed)
#   RSS_ORDER     interleaved (default) or grouped: see scripts/rss/main.go
#   RSS_COLUMNS   full (default) or basic: the columns of the friends CSV
#   RSS_PER       records per From_Account (default 1000)
#   RSS_FLAGS     extra flags for "friends import" (e.g. "--concurrency 8")
#   RSS_MODES     the runs, "import dry-run" by default (dry-run alone needs no emulator)
# Output: one line per run: records, mode, peak RSS of the CLI (MiB),
# wall time, the emulator's peak RSS, and the import's summary counts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
work="${RSS_DIR:-}"
if [ -z "$work" ]; then
	work="$(mktemp -d)"
	trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
bin="${TIMREST_BIN:-}"
if [ -z "$bin" ]; then
	bin="$work/timrest"
	(cd "$root" && go build -o "$bin" ./cmd/timrest)
fi
appid=1400000001
key="rss-measurement-key-$(date +%s%N)"
use_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then use_time=1; fi

# peak PID: VmHWM of PID in KiB, read until PID ends; prints the last value.
peak() {
	local pid=$1 hwm=0 v
	while kill -0 "$pid" 2>/dev/null; do
		v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
		[ -n "$v" ] && hwm=$v
		sleep 0.05
	done
	echo "$hwm"
}

# measure LABEL CMD...: runs CMD, prints "peak_kib wall_seconds exit_code";
# CMD's stdout goes to $work/LABEL.out, its stderr to $work/LABEL.err.
measure() {
	local label=$1
	shift
	local start end code kib
	start=$(date +%s.%N)
	if [ $use_time = 1 ]; then
		set +e
		/usr/bin/time -v -o "$work/$label.time" "$@" >"$work/$label.out" 2>"$work/$label.err"
		code=$?
		set -e
		kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
	else
		"$@" >"$work/$label.out" 2>"$work/$label.err" &
		local pid=$!
		kib=$(peak $pid)
		set +e
		wait $pid
		code=$?
		set -e
	fi
	end=$(date +%s.%N)
	echo "$kib $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b-a}') $code"
}

# mib KIB: KIB in MiB.
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }

# counts FILE: the summary's counts, from the JSON on stdout.
counts() {
	tr -d ' \n' <"$1" | grep -o '"\(records\|imported\|invalid\|failed\|not_sent\|batches\)":[0-9]*' | tr '\n' ' ' || true
}

echo "timrest: $bin"
echo "peak RSS from: $([ $use_time = 1 ] && echo '/usr/bin/time -v' || echo 'VmHWM, /proc/PID/status')"
printf '%-10s %-8s %10s %8s %10s  %s\n' records mode "CLI MiB" "wall s" "emu MiB" summary
for n in "${sizes[@]}"; do
	(cd "$root" && go run ./scripts/rss -n "$n" -dir "$work" -per "${RSS_PER:-1000}" \
		-order "${RSS_ORDER:-interleaved}" -columns "${RSS_COLUMNS:-full}") >/dev/null
	in="$work/friends-$n.csv"
	if [[ " ${RSS_MODES:-import dry-run} " == *" import "* ]]; then
		# The emulator, in its own process, on a free port it prints.
		"$bin" emulator --sdkappid "$appid" --key "$key" --addr 127.0.0.1:0 --seed "$work/seed-$n.json" \
			--rate-limits off >"$work/emulator-$n.out" 2>/dev/null &
		emu=$!
		url=""
		for _ in $(seq 1 200); do
			url=$(grep -so 'http://[0-9.:]*' "$work/emulator-$n.out" | head -1 || true)
			[ -n "$url" ] && break
			sleep 0.05
		done
		if [ -z "$url" ]; then
			kill "$emu" 2>/dev/null || true
			echo "the emulator did not start" >&2
			exit 1
	fi

	read -r kib secs code < <(export TIM_SDKAPPID=$appid TIM_SECRET_KEY=$key TIM_BASE_URL=$url
		measure "import-$n" "$bin" friends import --file "$in" -o json ${RSS_FLAGS:-})
	emu_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$emu/status")
	kill "$emu"
	wait "$emu" 2>/dev/null || true
	printf '%-10s %-8s %10s %8s %10s  exit %s %s\n' "$n" import "$(mib "$kib")" "$secs" \
		"$(mib "$emu_kib")" "$code" "$(counts "$work/import-$n.out")"
	fi

	if [[ " ${RSS_MODES:-import dry-run} " == *" dry-run "* ]]; then
		read -r kib secs code < <(measure "dryrun-$n" "$bin" friends import --file "$in" --dry-run -o json ${RSS_FLAGS:-})
		printf '%-10s %-8s %10s %8s %10s  exit %s %s\n' "$n" dry-run "$(mib "$kib")" "$secs" - \
			"$code" "$(counts "$work/dryrun-$n.out")"
	fi
	rm -f "$in"
done
