package timrest

// Regenerate gen/ from openapi/ with the oapi-codegen version pinned in
// go.mod (tools.go): `go generate ./...` or `make generate`. Paths are
// relative to the module root, where this file is.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/oapi-codegen.yaml openapi/timrest.yaml
