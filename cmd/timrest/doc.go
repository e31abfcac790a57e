// Command timrest is a tool for the Tencent Cloud IM (Chat) server REST
// API.
//
// Usage:
//
//	timrest usersig gen --sdkappid N --user U [--key K] [--ttl 24h]
//	timrest usersig verify --sdkappid N --user U --sig S [--key K] [--now T]
//	timrest emulator --sdkappid N [--key K] [--addr 127.0.0.1:8080] [--admin A]... [--seed FILE] [--groups N] [--rate-limits on|off] [--faults SPEC]
//	timrest demo
//
// # usersig gen
//
// Prints a UserSig (TLS sig v2) for the user U of the app N, signed with
// the app's secret key and valid for --ttl from now: a Go duration ("24h",
// "90m") or whole days ("180d"); the default is 24h. Only the UserSig and
// a newline are written to stdout.
//
// # usersig verify
//
// Checks the UserSig S (or, with --sig -, the UserSig read from stdin) for
// the user U of the app N at the current time or at --now, an RFC 3339
// time. A valid UserSig prints "valid; expires <RFC 3339 UTC time>". An
// invalid one exits 1 and prints why: expired, wrong SDKAppID, wrong user,
// bad signature or malformed.
//
// # emulator
//
// Serves a local, in-memory stand-in of the REST API (package emulator)
// until interrupted. It prints its base URL on stdout and logs one line
// per call on stderr (operation, identifier, code, duration; never the
// UserSig). Without --seed it serves the demo's sample data.
//
// # demo
//
// Starts the emulator in-process on a free loopback port with sample data
// and a random throwaway key, and calls all four endpoints with the
// generated client and auth's Signer.
//
// # Secret key
//
// The key is taken from --key or, when that flag is absent, from the
// environment variable TIM_SECRET_KEY. Prefer the variable: command lines
// are visible to other users. The key is never printed, and no error
// message repeats a UserSig.
//
// # Exit status
//
//   - 0: success (and --help);
//   - 1: the command ran and failed, for example an invalid UserSig;
//   - 2: bad command line: unknown command or flag, or a missing or
//     invalid flag value; the error line names the flag.
//
// Errors are printed as one line on stderr, prefixed with the command,
// for example "timrest usersig gen: missing --user".
package main
