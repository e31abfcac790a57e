# timrest: the targets a developer and CI use. `make help` lists them.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s
FUZZTIME  ?= 3s

.PHONY: help generate check-generated check-fmt vet test test-go test-crash usersig-live fuzz demo bench

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

test-go: ## the Go tests, race detector on
	$(GO) test -race -count=1 $(PKGS)

# The crash tests kill "timrest friends import" with SIGKILL and resume it;
# they build without the race detector (see cmd/timrest/crash_test.go).
test-crash: ## the kill -9 / resume tests of the import, without the race detector
	$(GO) test -count=1 -run 'Crash' -v ./cmd/timrest

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

test: check-fmt vet test-go test-crash usersig-live fuzz ## everything CI proves: format, vet, Go tests, the crash tests, the npm UserSig check, fuzzing

demo: ## the main job: a small migration (accounts, profiles, friends, a block, paging) into the embedded emulator
	$(GO) run ./cmd/timrest demo

bench: ## run the benchmarks (compare runs with benchstat)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)
