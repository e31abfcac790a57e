// Package conformance holds the contract tests of timrest: the OpenAPI
// document in openapi/ lints clean with kin-openapi and internal/spec was
// generated from it; the facts the client depends on (paths, rates, batch
// and paging shapes, limits, retry advice) are as the vendor's pages
// state them; every sample request and answer of the vendor's pages (the
// document's examples) and every recorded answer in testdata/ validates
// against it, decodes through the generated client and re-encodes with
// no field lost; answers that break the contract are refused; and
// requests the generated client builds with auth's Signer validate,
// query parameters included.
//
// Golden files in testdata/golden hold the generated client's encoding of
// each sample; refresh them with
//
//	go test ./conformance_test -update
package conformance
