// Package spec holds what openapi/timrest.yaml says about the Tencent IM
// REST API, compiled into Go by internal/codegen (go generate): every
// operation with its path, service and method name, call rate, batch and
// paging shape, idempotency and error codes; the public error codes; the
// limits stated in prose; the standard tags; and a check function per
// request schema that applies the schema's rules (lengths in bytes,
// patterns, enums, ranges, item counts, valid UTF-8) to a value of the
// generated type.
//
// The client, the emulator and the command-line tool take these facts from
// here, so nothing parses the document at run time in a program that only
// calls the API, and no fact is written twice. spec.go is written by hand
// (the types); spec.gen.go is generated: never edit it.
package spec
