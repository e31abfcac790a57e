// Package auth generates and verifies the UserSig that authenticates calls
// to the Tencent Cloud IM (Chat) server REST API, and signs requests with
// it.
//
// Every REST call carries, in its URL query, the app's SDKAppID, an app
// admin account (identifier), a UserSig for that account, a fresh random
// 32-bit number and contenttype=json. A UserSig is a ticket the app makes
// itself from its secret key; the key never leaves the app.
//
// # UserSig
//
// A UserSig is a "TLS sig v2" ticket. For an identifier, an SDKAppID, a
// signing time (Unix seconds) and a validity (expire, seconds), the signed
// content is the text
//
//	TLS.identifier:<identifier>\n
//	TLS.sdkappid:<sdkappid>\n
//	TLS.time:<time>\n
//	TLS.expire:<expire>\n
//
// TLS.sig is the standard base64 of HMAC-SHA256(key, content). The ticket
// is the JSON document
//
//	{"TLS.ver":"2.0","TLS.identifier":"...","TLS.sdkappid":1400000000,
//	 "TLS.time":1767225600,"TLS.expire":86400,"TLS.sig":"..."}
//
// compressed with zlib and written in base64 with '+', '/' and '=' replaced
// by '*', '-' and '_'. A variant, used by TRTC's PrivateMapKey and not by
// the IM REST API, adds the line "TLS.userbuf:<base64>\n" to the content
// and the field "TLS.userbuf" to the document.
//
// [GenUserSig] makes a UserSig with the current time and [GenUserSigAt]
// with a given one. The document is written field for field as the
// vendor's Node package (tls-sig-api-v2 on npm) writes it, so for the
// same inputs the two make byte-identical documents, and so the same
// TLS.sig. The UserSig strings still differ, because Go's compress/flate
// and the C zlib compress the same bytes differently; verifiers inflate,
// so either is accepted. The tests prove this against
// vectors made by the npm package (testdata/npm_vectors.json, regenerated
// by scripts/npm-usersig/gen-vectors.sh) and against fresh ones
// (scripts/npm-usersig/live-check.sh).
//
// [VerifyUserSig] checks a UserSig the way the service does and returns
// its [Claims]. Its failures wrap one of the sentinel errors
// [ErrMalformed], [ErrSDKAppIDMismatch], [ErrIdentifierMismatch],
// [ErrExpired] and [ErrBadSignature]; test for them with [errors.Is]. The
// service reports the same conditions as 70003/70005 (invalid), 70014
// (SDKAppID mismatch), 70013 (identifier mismatch), 70001 (expired) and
// 70009 (check failed).
//
// # Signer
//
// A [Signer] holds an admin's credentials and caches the admin's UserSig.
// [Signer.UserSig] returns the cached UserSig and renews it well before it
// expires: by default a UserSig is valid for 24 hours ([DefaultTTL]) and is
// replaced once less than half of that remains (see [WithTTL] and
// [WithRenewBefore]). Reading the cached UserSig takes no lock; when a
// renewal is due, one goroutine generates the new UserSig and the others
// wait for it. [Signer.Renew] forces a new UserSig, for a client that was
// told 70001 (expired). The clock is injectable ([WithClock]), so tests
// exercise renewal without waiting.
//
// # Request editor
//
// [Signer.Edit] has the signature of oapi-codegen's RequestEditorFn,
//
//	func(ctx context.Context, req *http.Request) error
//
// so a generated client uses it directly:
//
//	signer, err := auth.NewSigner(sdkAppID, key, "administrator")
//	...
//	client, err := gen.NewClientWithResponses(regions.Singapore.BaseURL(),
//		gen.WithRequestEditorFn(signer.Edit))
//
// It sets sdkappid, identifier, usersig, random and contenttype=json,
// replacing earlier values and keeping other query parameters. random is a
// fresh value from crypto/rand on every call, over the full range 0 to
// 4294967295, so each retry of a request is signed anew.
//
// # Security
//
// The secret key signs UserSigs for any account of the app, and a UserSig
// lets its bearer act as that account until it expires; treat both as
// secrets. This package never puts either in an error string, and a
// Signer prints (fmt's %v, %+v, %s and %#v) and logs (log/slog) as its
// SDKAppID and identifier only. The UserSig does travel in the request
// URL, as the API requires: anything that logs request URLs (a proxy, a
// *url.Error from net/http) must redact the usersig parameter.
//
// Verification compares the signature in constant time ([crypto/hmac.Equal]),
// caps the UserSig at 64 KiB and the inflated document at 64 KiB (no zip
// bombs), and parses the document strictly: exact field names, no
// duplicates, integers as JSON numbers. Keep the key out of source code
// and client apps: generate UserSigs on a server.
package auth
