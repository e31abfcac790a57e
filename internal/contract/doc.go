// Package contract reads what the OpenAPI document in openapi/ says beyond
// Go types: each operation's vendor extensions (call rate, batch limit,
// error codes with their class and retry advice, the vendor's page), the
// public error codes, the regional servers, and the schemas of the five
// query parameters every call carries. It also validates HTTP requests and
// answers against the document with kin-openapi.
//
// It is the one place that turns the document's x-tim-* extensions into Go
// values, so the client, the emulator and the tests derive these facts from
// openapi/ instead of repeating them. The document comes from gen (the
// generated package embeds it), so it is always the one the code was
// generated from.
package contract
