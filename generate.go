package timrest

// Regenerate the Go compiled from openapi/ (`go generate ./...` or `make
// generate`), in two steps: oapi-codegen, at the version pinned in go.mod
// (tools.go), writes the types, the raw client and the server interface
// (gen/); then internal/codegen reads the document's extensions and those
// types and writes the facts (internal/spec/spec.gen.go), the client's
// services (operations.gen.go) and the emulator's dispatch
// (emulator/operations.gen.go). Paths are relative to the module root,
// where this file is.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/oapi-codegen.yaml openapi/timrest.yaml
//go:generate go run ./internal/codegen -doc openapi/timrest.yaml -gen gen/timrest.gen.go -root .
