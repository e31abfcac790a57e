// Package openapi embeds the OpenAPI document of the Tencent IM REST API
// (timrest.yaml), the contract everything else is generated from. Only
// the emulator and the tests read it at run time, through
// internal/contract; the client uses the facts internal/codegen compiled
// from it.
package openapi

import _ "embed"

// Document is timrest.yaml.
//
//go:embed timrest.yaml
var Document []byte
