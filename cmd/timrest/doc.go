// Command timrest is a tool for the Tencent Cloud IM (Chat) server REST
// API: it reads what an app holds and imports friend relations, through
// the timrest client (so with its batching, retries and rate limits),
// and it signs UserSigs and serves a local emulator.
//
// Usage:
//
//	timrest friends lists --from U [--list NAME]... [--with-friends]
//	timrest friends get --from U --to A,B,... [--to-file F] [--tag TAG]...
//	timrest friends import --file F [--from U] [--format auto|csv|jsonl] [--failures FILE] [--dry-run] [--concurrency N] [--buffer N]
//	timrest groups ids [--type TYPE] [--page-size N]
//	timrest usersig gen --sdkappid N --user U [--key K] [--ttl 24h]
//	timrest usersig verify --sdkappid N --user U --sig S [--key K] [--now T]
//	timrest emulator --sdkappid N [--key K] [--addr 127.0.0.1:8080] [--admin A]... [--seed FILE] [--groups N] [--rate-limits on|off] [--faults SPEC]
//	timrest demo
//
// # Global flags
//
// The API commands (friends, groups) take these persistent flags, each
// with an environment variable; a flag given on the command line wins
// over its variable:
//
//	--sdkappid N         TIM_SDKAPPID    the app's SDKAppID (required)
//	--key K              TIM_SECRET_KEY  the app's secret key (required; prefer the variable)
//	--admin A            TIM_ADMIN       the admin account the calls are made as (default administrator)
//	--region R           TIM_REGION      the app's data center: cn, sgp, kr, jpn, ger, ind, usa, idn, or a name
//	--base-url URL       TIM_BASE_URL    a base URL instead of the region's host (an emulator, a proxy);
//	                                     https, or plain http on a loopback host only
//	-o, --output FORMAT  TIM_OUTPUT      json or table; default table when stdout is a terminal, json otherwise
//
// --region or --base-url is required; --base-url wins when both are set.
// A missing or invalid setting is one line on stderr naming the flag and
// the variable, and exit status 2; no message repeats the value, which
// could be a key typed in the wrong place. usersig and emulator keep their
// own --sdkappid and --key (the same meaning; they read TIM_SDKAPPID and
// TIM_SECRET_KEY too), and emulator its own --admin, a list (TIM_ADMIN
// replaces its default): a command's own flag shadows the global one.
//
// # friends lists
//
// Shows the friend lists of U (v4/sns/group_get): name and size, and with
// --with-friends the members; --list (repeatable) picks lists, which the
// service then returns with their members. json: {"From_Account",
// "CurrentSequence", "Lists": [{"GroupName", "FriendNumber",
// "To_Account"}]}; table: one row per list.
//
// # friends get
//
// Shows the data of U's friends A, B, ... (v4/sns/friend_get_list): any
// number of accounts, from --to (comma-separated, repeatable) and
// --to-file (one a line, "-" for stdin), sent 100 a request and merged in
// order. --tag picks the tags (standard, profile or custom); the default
// is the standard friend fields Tag_SNS_IM_Group, _Remark, _AddSource,
// _AddWording, _AddTime and _RemarkTime. json: {"From_Account",
// "Friends": [{"To_Account", "Tags": {tag: value}} or {"To_Account",
// "ResultCode", "ResultInfo", "Error"}], "Fail_Account"}, values with
// their types; table: one row per account, one column per tag, times in
// RFC 3339 UTC. Exit status 1 when some account was not returned (30001:
// not a friend); every account is still printed.
//
// # friends import
//
// Imports friend relations (v4/sns/friend_import) from a file or stdin
// ("-"), read as a stream:
//
//   - CSV with a header row; columns From_Account, To_Account, AddSource,
//     Remark, GroupName (list names separated by ";"), AddWording, AddTime
//     (Unix seconds), in any order and case. To_Account and AddSource are
//     required, From_Account unless --from is given; empty cells are
//     absent fields.
//   - JSON Lines: one AddFriendItem object a line with From_Account, as
//     the API takes it (RemarkTime and CustomItem too); blank lines are
//     skipped; unknown fields are errors.
//
// --format auto (the default) goes by the extension (.csv; .jsonl, .ndjson,
// .json), else by the content ('{' first: JSON Lines; else CSV). With
// --from, records may omit From_Account; one naming another account is
// invalid. The columns or fields Line, ResultCode and Error are ignored on
// input: --failures writes them.
//
// Every record is checked locally with the client's own rules (timrest
// validates each item against the OpenAPI document before sending; the
// import uses the client for this, not a copy of the rules); an invalid
// record is reported with its line and never sent. Records are grouped
// by From_Account into requests of up to 1000; one account's requests go
// one after another (the service refuses concurrent imports for one
// account with 30008), up to --concurrency accounts (default 8) at once,
// under the client's rate limit and retries. A To_Account repeated for
// one From_Account in one request follows the client's rule (an identical
// repeat gets the first one's outcome, a different one is invalid); in
// different requests, the later record updates the relation.
//
// Memory: records wait in per-account batches until an account has 1000,
// the input ends, or --buffer records (default 50,000) are waiting; then
// the largest waiting batches are sent until half the buffer is free.
// Reading pauses while --buffer records are in batches queued or in
// flight. So at most about twice --buffer records are held whatever the
// size of the input. Records of one account need not be contiguous, but
// the closer together they are, the fuller the requests (a file sorted or
// grouped by From_Account gives requests of 1000).
//
// Output: a summary on stdout. json: file, format, records, imported,
// invalid, failed, not_sent, failed_by_code (ResultCode or ErrorCode →
// count; http_NNN for an HTTP status, error for a network failure),
// batches, complete (the whole input was read), last_line (when not),
// interrupted, stopped (why the rest was not sent), failures_file,
// invalid_records (every one, by line), failed_records (the first 20 by
// line), failed_records_omitted, seconds. table: the same for people. When
// stderr is a terminal, a progress bar shows records done, the rate, and
// for a regular file (counted first) the percentage and the time left.
//
// --failures FILE writes every record that was not imported (invalid,
// failed, not sent) in the input's format, with Line, ResultCode and
// Error after the record's own columns or fields, in the order the
// outcomes came; records that could not be parsed are copied as they
// were (a CSV record with quoting errors cannot be, and is only listed in
// the summary). Fixed, the file can be imported again.
//
// --dry-run reads and checks every record as the import would and sends
// nothing; it needs no configuration. json: records, valid, invalid,
// invalid_records; --failures gets the invalid records.
//
// Ctrl-C (and a UserSig, permission or configuration error of a request,
// which every request would get) stops sending: requests in flight are
// cut off, the rest is counted as not sent and written to --failures; a
// regular file is read to the end for that, a pipe is not (complete is
// false and last_line says where reading stopped). Importing is
// idempotent, so a record cut off in flight can be imported again.
//
// Exit status: 0 when every record was imported (with --dry-run: is
// valid); 1 when some failed or were not sent (service errors,
// interruption); 2 on a bad command line, configuration or input: a bad
// or missing header, an unreadable file, or any invalid record (the valid
// ones are still imported).
//
// # groups ids
//
// Prints every group ID of the app, or of --type (Public, Private,
// ChatRoom, AVChatRoom, BChatRoom, Community; also Work and Meeting; any
// case), with get_appid_group_list, --page-size (1 to 10000, default
// 10000) IDs per call. Each page is written before the next is asked for
// (the service allows one call a second), so the output streams. table:
// the bare IDs, one a line; json: JSON Lines, one JSON string a line
// ("jq -r ." gives the bare IDs). If a page fails, the IDs printed so far
// stay, and the command exits 1.
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
//   - 1: the command ran and failed, for example an invalid UserSig, an
//     error from the service (a wrong key reported by the service
//     included), accounts not returned, records not imported;
//   - 2: bad command line or configuration: unknown command or flag, a
//     missing or invalid flag value or variable, a bad input file or
//     invalid records; the error line names the flag.
//
// Errors are printed as one line on stderr, prefixed with the command,
// for example "timrest usersig gen: missing --user".
package main
