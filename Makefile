# timrest: the targets a developer and CI use. `make help` lists them.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s
FUZZTIME  ?= 3s

.PHONY: help generate check-generated check-fmt vet test test-go test-crash test-processes redis-server usersig-live fuzz demo bench

help: ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## /{printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## regenerate the Go compiled from openapi/ (gen/ and every *.gen.go), after the document changes
	$(GO) generate ./...

# What go generate writes: gen/ (oapi-codegen) and the *.gen.go files of
# internal/codegen.
GENERATED = gen ':(glob)**/*.gen.go'

check-generated: generate ## fail when the generated code is not what openapi/ generates
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- $(GENERATED))" || { git status --short -- $(GENERATED); echo "generated files are not committed" >&2; exit 1; }

check-fmt: ## fail when gofmt would change a file
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; test -z "$$out" || { echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; }

vet: ## go vet
	$(GO) vet $(PKGS)

# The Redis tests (redislimit, the CLI's --limiter, the four-process proof)
# start their own redis-server from PATH on a free loopback port, with no
# persistence, and stop it after; without it they fail (never skip).
# Debian's package starts and enables a system redis-server on port 6379:
# the tests do not use it, so it is stopped and disabled after the install
# (systemd, else the init script; either may be missing, as in a container).
redis-server: ## install redis-server (Debian's package, with apt-get, as root) unless it is in PATH; stop the service it starts
	@command -v redis-server >/dev/null 2>&1 || { \
		command -v apt-get >/dev/null 2>&1 || { echo "redis-server is not installed and there is no apt-get: install redis-server (7.x) so that it is in PATH" >&2; exit 1; }; \
		test "$$(id -u)" -eq 0 || { echo "redis-server is not installed: run 'sudo make redis-server' (or 'sudo apt-get install redis-server'); the Redis tests need it" >&2; exit 1; }; \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server || exit 1; \
		systemctl disable --now redis-server >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true; \
	}
	@redis-server --version

test-go: redis-server ## the Go tests, race detector on
	$(GO) test -race -count=1 $(PKGS)

# The crash tests kill "timrest friends import" with SIGKILL and resume it;
# they build without the race detector (see cmd/timrest/crash_test.go).
test-crash: ## the kill -9 / resume tests of the import, without the race detector
	$(GO) test -count=1 -run 'Crash' -v ./cmd/timrest

# Four "timrest friends import" processes share one Redis budget
# (--limiter) against an emulator that enforces the documented rates, then
# the same without it, then with Redis killed and restarted midway
# (cmd/timrest/limiter_proof_test.go); without the race detector, for the
# timing, as test-crash.
test-processes: redis-server ## the limiter shared through Redis, proven with four import processes and a real redis-server
	$(GO) test -count=1 -run 'SharedLimiter' -v ./cmd/timrest

usersig-live: ## sign fresh UserSigs with the official npm package and verify them with auth and the CLI
	bash scripts/npm-usersig/live-check.sh

# Every func FuzzX(f *testing.F) of a git-listed _test.go, found anew on
# each run, as "./dir FuzzX" lines; one go test per target, since -fuzz
# takes one.
fuzz: ## run each fuzz target for FUZZTIME (default 3s)
	@targets="$$(git ls-files -- '*_test.go' | xargs grep -H -o -E '^func Fuzz[[:alnum:]_]*\([[:alnum:]_]+ \*testing\.F\)' | \
		sed -e 's|(.*||' -e 's|^\(.*\)/[^/]*:func |./\1 |' -e 's|^[^/]*:func |. |')"; \
	test -n "$$targets" || { echo "fuzz: no fuzz targets found" >&2; exit 1; }; \
	echo "$$targets" | while read -r dir name; do \
		echo "$(GO) test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) $$dir"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$dir" || exit 1; \
	done

test: redis-server check-fmt vet test-go test-crash test-processes usersig-live fuzz ## everything CI proves: format, vet, Go tests (against a real redis-server), the crash tests, the shared-limiter proof, the npm UserSig check, fuzzing

demo: ## the main job: a small migration (accounts, profiles, friends, a block, paging) into the embedded emulator
	$(GO) run ./cmd/timrest demo

bench: ## run the benchmarks (compare runs with benchstat)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)
