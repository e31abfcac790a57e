//go:build tools

// This file pins the code generator in go.mod so that every `go generate`
// uses the same version of oapi-codegen. It is never built.
package timrest

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
