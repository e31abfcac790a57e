// Package contract loads the OpenAPI document of package openapi with
// kin-openapi, for the emulator, the tests and the command-line tool's
// check of raw request bodies, and does what needs the loaded document:
// it validates HTTP requests (body, path and the five common query
// parameters) and answers against it ([Validator]), reads the regional
// servers (x-tim-region) and the schemas of the query parameters
// (x-tim-schema), and gives the examples of each operation in document
// order.
//
// The facts of the operations (paths, call rates, error codes and their
// classes, batch and paging shapes, limits, standard tags, group type
// renames) are compiled from the document by internal/codegen into
// internal/spec, and are read there only; this package repeats none of
// them. The client (package timrest) links neither this package nor
// kin-openapi.
package contract
