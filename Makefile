# timrest: the targets a developer and CI use. `make help` lists them.
GO        ?= go
PKGS      ?= ./...
BENCHTIME ?= 1s

.PHONY: help generate check-generated check-fmt vet test test-go usersig-live demo bench

help: ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## /{printf "  %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

generate: ## regenerate gen/ from openapi/ (after the vendor's docs change)
	$(GO) generate ./...

check-generated: generate ## fail when gen/ is not what openapi/ generates
	@git diff --exit-code --stat -- gen || { echo "gen/ is stale: run 'make generate' and commit the result" >&2; exit 1; }
	@test -z "$$(git status --porcelain --untracked-files=all -- gen)" || { git status --short -- gen; echo "gen/ has uncommitted generated files" >&2; exit 1; }

check-fmt: ## fail when gofmt would change a file
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; test -z "$$out" || { echo "gofmt would change:" >&2; echo "$$out" >&2; exit 1; }

vet: ## go vet
	$(GO) vet $(PKGS)

test-go: ## the Go tests, race detector on
	$(GO) test -race -count=1 $(PKGS)

usersig-live: ## sign fresh UserSigs with the official npm package and verify them with auth and the CLI
	bash scripts/npm-usersig/live-check.sh

test: check-fmt vet test-go usersig-live ## everything CI proves: format, vet, Go tests, the npm UserSig check

demo: ## the main job: walk through the four endpoints against the embedded emulator
	$(GO) run ./cmd/timrest demo

bench: ## run the benchmarks (compare runs with benchstat)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)
