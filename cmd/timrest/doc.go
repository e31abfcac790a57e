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
//	timrest call OPERATION [--body FILE|-] [--dry-run]
//	timrest call [--list]
//	timrest usersig gen --sdkappid N --user U [--key K] [--ttl 24h]
//	timrest usersig verify --sdkappid N --user U --sig S [--key K] [--now T]
//	timrest emulator --sdkappid N [--key K] [--addr 127.0.0.1:8080] [--admin A]... [--seed FILE] [--groups N] [--rate-limits on|off] [--faults SPEC]
//	timrest demo
//
// # Global flags
//
// The API commands (friends, groups, call) take these persistent flags, each
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
// ("-"), read as a stream of bounded lines (--max-line-bytes, 64 KiB by
// default: a longer line is refused by its number without being held):
//
//   - CSV with a header row; columns From_Account, To_Account, AddSource,
//     Remark, GroupName (list names separated by ";"), AddWording, AddTime
//     (Unix seconds), in any order and case. To_Account and AddSource are
//     required, From_Account unless --from is given; empty cells are
//     absent fields. A quoted field may not span lines unless --multiline
//     is given: a line whose quote does not close is refused by its number
//     and the next line is read as a record of its own, so a stray quote
//     never swallows the records after it. With --multiline, a quote that
//     does not close within --max-line-bytes or before the end is refused
//     the same way. A UTF-8 byte order mark and a first "#TYPE" line
//     (Windows PowerShell's Export-Csv) are skipped; UTF-16 is refused.
//   - JSON Lines: one AddFriendItem object a line with From_Account, as
//     the API takes it (RemarkTime and CustomItem too), read strictly:
//     names are case-sensitive and may appear once, unknown names are
//     refused; blank lines are skipped.
//
// Text that is not UTF-8 (raw bytes, or a lone surrogate escape such as
// "\ud800" in JSON) is refused naming the field and the line, never
// rewritten; so are AddTime and RemarkTime outside 0 to 4294967295 (Unix
// seconds up to 2106: milliseconds are a mistake).
//
// --format auto (the default) goes by the extension (.csv; .jsonl, .ndjson,
// .json), else by the content ('{' first: JSON Lines; else CSV). With
// --from, records may omit From_Account; one naming another account is
// invalid. The columns or fields Line, ResultCode, Error and Input are
// ignored on input: --failures writes them.
//
// Every record is checked locally with the client's own rules (timrest
// validates each item against the OpenAPI document before sending; the
// import uses the client for this, not a copy of the rules); an invalid
// record is reported with its line and never sent. Records are grouped
// by From_Account into requests of up to 1000; one account's requests go
// one after another (the service refuses concurrent imports for one
// account with 30008), up to --concurrency accounts (default 8, at most
// 256) at once, under the client's rate limit and retries.
//
// Duplicates, one rule wherever they are: records are applied in input
// order for each From_Account. When From_Account and To_Account repeat,
// every record is sent, the later in a later request (the client never
// puts one To_Account twice in a request), so the last one wins for the
// fields it sets.
//
// Memory: records wait in per-account batches until an account has 1000,
// the input ends, or --buffer records (default 50,000, at most 1,000,000)
// are waiting; then the largest waiting batches are sent until half the
// buffer is free. Reading pauses while --buffer records are in batches
// queued or in flight. So at most about twice --buffer records are held
// whatever the size of the input, and the summary lists at most 20
// invalid and 20 failed records. Records of one account need not be
// contiguous, but the closer together they are, the fuller the requests
// (a file sorted or grouped by From_Account gives requests of 1000).
//
// Output: a summary on stdout. json: file, format, lines (read),
// skipped_lines (the header, blank lines), records, imported, invalid,
// failed, not_sent, superseded, failed_by_code (ResultCode or ErrorCode → count;
// http_NNN for an HTTP status, error for a network failure), batches,
// complete (the whole input read and every record imported), input_read,
// last_line (when the input was not read to the end), interrupted,
// stopped (why the rest was not sent), failures_file, journal_file,
// invalid_records and failed_records (the first 20 by line each),
// invalid_records_omitted, failed_records_omitted, seconds. Without
// --multiline, records = lines - skipped_lines when the input was read to
// the end, and always records = imported + invalid + failed + not_sent.
// table: the same for people, with control characters escaped. When
// stderr is a terminal, a progress bar shows records done, the rate, and
// for a regular file (counted first) the percentage and the time left.
//
// --failures FILE writes every record that was not imported (invalid,
// failed, not sent), except those superseded (a later record of the same
// relation was imported: importing the earlier one again would undo it;
// the summary counts them in superseded), in the input's format and in
// input order, with Line,
// ResultCode and Error after the record's own columns or fields. A JSON
// line that could not be read as a record is copied as it was; a CSV line
// that could not be split into the header's fields gets a row with its
// text in the Input column. Fixed, the file can be imported again. It is
// written to FILE.tmp-* beside FILE and renamed when the import ends: FILE
// never holds a partial file (a killed run leaves only the temporary
// file). --failures may not be the input (by device and inode, whatever
// the name, stdin included) or the journal, and stdout may not be the
// input or an output file; "--failures -" is refused (stdout carries the
// summary).
//
// --journal FILE makes the import resumable after a crash: see journal.go
// for the format. Each request's settled outcome (imported, refused by the
// service for the item, refused by the client) is appended as the request
// completes and synced at least once a second. Run again with the same
// input and journal, the import sends only what is not settled (records
// of a From_Account after its first unsettled one are sent again, to keep
// the input order) and ends with the summary and failures file of an
// uninterrupted run (batches and seconds aside). A request that failed as
// a whole is not settled and is sent again. The journal holds the input's
// size and SHA-256 and the flags that decide how it is read, and is
// refused for any other, as it is for another app (SDKAppID) or service
// (base URL); it needs a regular file (stdin redirected from a file
// works, a pipe does not) and is refused with --dry-run. One import at a
// time may use a journal (it is locked).
//
// Memory beyond --buffer: about 50 bytes per record not imported (to put
// --failures in input order and find the superseded ones), and with
// --journal a bit per input line plus an entry per record not imported.
//
// --dry-run reads and checks every record as the import would and sends
// nothing; it needs no configuration. json: lines, records, valid,
// invalid, not_checked (records read after it stopped), invalid_records;
// --failures gets the invalid records.
//
// Ctrl-C (and a UserSig, permission or configuration error of a request,
// which every request would get) stops sending: requests in flight are
// cut off, the rest is counted as not sent and written to --failures; a
// regular file is read to the end for that, a pipe is not (input_read is
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
// # call
//
// Calls any operation of the OpenAPI document by its operationId
// (ImportFriends) or its path (v4/sns/friend_import, with or without the
// leading slash), so that an operation added to the document can be
// called without a command of its own. "call --list" (or "call" alone)
// lists them: operationId, path, family, call rate, batch, paging and
// idempotence, summary (json: one object each). The body is JSON from
// --body FILE ("-": stdin), {} by default; it is checked against the
// operation's request schema with kin-openapi (internal/contract) before
// anything is sent, and a body that breaks it is refused naming each field
// as a JSON path (exit status 2); --dry-run stops after the check. The
// call goes through the client's Call: signed, rate limited, retried (an
// operation that is not idempotent is not sent again after a failure that
// may have reached the service). json output is the answer exactly as the
// service sent it, one line; table output is the answer indented, control
// and format characters escaped. An answer with ActionStatus FAIL or a
// non-zero ErrorCode exits 1 with one line on stderr (code, meaning,
// ErrorInfo). An unknown operation exits 2 and says how to list them.
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
