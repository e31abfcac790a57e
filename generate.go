package timrest

// Regenerate everything generated from openapi/: `go generate ./...` (or
// `make generate`). The directive that runs oapi-codegen lives in
// gen/generate.go, next to its configuration.
//go:generate go generate ./gen
