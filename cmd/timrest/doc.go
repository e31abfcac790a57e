// Command timrest is a tool for the Tencent Cloud IM (Chat) server REST
// API: it migrates a social graph into an app (accounts, profiles,
// friends, friend lists, blocklists: resumable, verifiable, exportable),
// reads what an app holds, through the timrest client (so with its
// batching, retries and rate limits), and it signs UserSigs and serves a
// local emulator.
//
// Usage (every write command also takes [--format auto|csv|jsonl]
// [--failures FILE] [--journal FILE] [--dry-run] [--concurrency auto|N]
// [--buffer N] [--max-line-bytes N] [--multiline]; every export
// [--file OUT] [--format csv|jsonl] [--failures FILE]):
//
//	timrest accounts import --file F
//	timrest accounts check --file F | --accounts F
//	timrest accounts delete --file F --yes
//	timrest profiles set --file F
//	timrest profiles get --accounts F | --from U [--tags T,...]
//	timrest friends lists --from U [--list NAME]... [--with-friends]
//	timrest friends get --from U --to A,B,... [--to-file F] [--tag TAG]...
//	timrest friends import --file F [--from U]
//	timrest friends add --file F [--from U] [--add-type both|single] [--force]
//	timrest friends update --file F [--from U]
//	timrest friends delete --file F [--from U] [--both]
//	timrest friends check --file F [--both]
//	timrest friends export --from U | --accounts F
//	timrest friends verify --file F [--failures FILE]
//	timrest blocklist import --file F [--from U]
//	timrest blocklist export --from U | --accounts F
//	timrest blocklist check --file F
//	timrest lists add --file F
//	timrest lists delete --file F
//	timrest lists export --from U | --accounts F [--empty-only]
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
// The API commands (accounts, profiles, friends, blocklist, lists, groups,
// call) take these persistent flags, each
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
//	--limiter URL        TIM_LIMITER     redis://[:password@]host:port/db or rediss://...: one call budget
//	                                     shared by every process that names the same Redis (package redislimit)
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
// The CSV friends format also takes a RemarkTime column (Unix seconds)
// and one column per custom friend tag, named by the tag
// (Tag_SNS_Custom_Xxx): a cell that is an integer as Go's strconv writes
// it ("3", "-7", not "007" or "+3") is sent as an integer, any other cell
// as a string, an empty cell sets no tag (a string tag whose value looks
// like an integer needs JSON Lines). --failures repeats the optional
// columns the input has, after the seven others.
//
// # The write commands
//
// friends import, accounts import and friends add share one engine
// (importrun.go; a command is a writeKind, write_kind.go) and so every
// behaviour above: streaming with --buffer, one request per account in
// flight, --concurrency, --dry-run, --failures FILE in the input format,
// --journal FILE (its header binds the command and the command's options:
// a journal of friends import is refused by accounts import), progress on
// stderr, the JSON summary (the records done are "imported" whatever the
// command) and the exit status.
//
//	timrest accounts import --file F [--format auto|csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the accounts format (CSV UserID, Nick, FaceUrl; JSON Lines
// {"UserID","Nick","FaceUrl"}) and sends every account through
// multiaccount_import with AccountList, 100 a request: the service sets
// the Nick and FaceUrl given on new and existing accounts alike, so
// neither account_import (one account a request) nor a portrait_set after
// is needed. Accounts have no From_Account: records are spread over as
// many lanes as --concurrency by UserID, so that one UserID's records go
// in input order (the last one wins). Accounts the answer lists in
// FailAccounts (no reason given) fail with failed_by_code "fail_list".
//
//	timrest accounts delete --file F --yes [--format auto|csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the accounts format (only UserID is used; Nick and FaceUrl go to
// --failures as they were) and sends account_delete, 100 a request.
// Deleting is irreversible (an account goes with its friends, profile,
// groups and conversations) and, by the document, a deleted UserID cannot
// be imported again for 3 months except on the trial editions: without
// --yes the command is a usage error (exit 2) before reading anything; it
// never asks on stdin, which may be the input. --dry-run needs no --yes.
// Not idempotent: like friends add, with 70107 (no such account: never
// imported, or deleted already) as the answer that makes a record in
// doubt done and ambiguous on resume. A UserID given twice in one request
// is deleted once (both records done); in a later request it fails 70107.
//
//	timrest profiles set --file F [--format auto|csv|jsonl] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the profiles format, as profiles get writes it (CSV UserID and
// one column per profile tag, named by the tag; JSON Lines {"UserID",
// "Tags": {tag: value}}), and sends portrait_set, one account a request.
// Values are typed by the document's profile tags (x-tim-tags): a CSV cell
// of an integer tag must be an integer, of a string tag is a string, of a
// custom tag (Tag_Profile_Custom_*) an integer when it is one as strconv
// writes it, else a string; JSON Lines values keep their JSON types, which
// must be the tag's. Enums, byte limits and the 32-bit range are checked
// before sending; a bad value is refused by line and field, a column that
// is not a profile tag by the header. An empty cell sets nothing, and a
// record with nothing to set (profiles get writes one for an account
// without the tags asked for) is skipped like a blank line. Records are
// keyed by UserID and the tags they set, and laned by UserID
// (writeKind.lane): one account's records go in input order, the later
// value of a tag wins, and a failed record is superseded only by a later
// one that set the same tags. Idempotent: a resumed run sends again what
// was in flight.
//
//	timrest friends add --file F [--from U] [--add-type both|single] [--force] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the friends format and sends friend_add (AddType from --add-type,
// ForceAddFlags 1 with --force). friend_add takes one list and no custom
// tags: a record with more is refused by line; AddTime and RemarkTime are
// ignored (the service stamps the add). friend_add is not idempotent
// (adding a friend again fails the item with 30001), so the client does
// not resend after an ambiguous failure, and with --journal the lines of
// each request are journaled and synced before it is sent. A resumed run
// sends again the records of such requests that have no outcome; if the
// service answers 30001 for one, the earlier send most likely added it:
// it counts as imported and as ambiguous (the summary's "ambiguous" and
// "ambiguous_records", a line on stderr), is not a failure and is not
// written to --failures; the journal records it so, and later runs report
// it the same way. A record that was not in doubt and gets 30001 is a
// failure (the relation existed before).
//
//	timrest friends update --file F [--from U] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the friends format (AddSource not required) and sends
// friend_update, 1000 a request, idempotent: Remark (Tag_SNS_IM_Remark),
// GroupName (Tag_SNS_IM_Group, replacing the friend's lists) and custom
// tags, the only fields friend_update can set; AddSource, AddWording,
// AddTime and RemarkTime are ignored, and a record that sets none of the
// three is refused by line. An empty CSV cell sets nothing; a JSON field
// that is present is set ("Remark":"" clears). A non-friend fails 30001.
//
//	timrest friends delete --file F [--from U] [--both] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the friends format (only From_Account and To_Account are used)
// and sends friend_delete, 1000 a request, Delete_Type_Both with --both
// (bound to the journal). Not idempotent: like friends add, with 31704 or
// 30001 (not a friend) as the answer that makes a record in doubt done
// and ambiguous on resume.
//
//	timrest blocklist import --file F [--from U] [--failures FILE] [--journal FILE] [--dry-run]
//
// Reads the blocklist format (what blocklist export writes) and sends
// black_list_add, 1000 a request. Not idempotent: like friends add, with
// 30001 (blocked already) as the answer that makes a record in doubt done
// and ambiguous on resume. A record blocking its own account is refused
// by line, so that 30001 means only "blocked already".
//
//	timrest lists add --file F [--failures FILE] [--journal FILE] [--dry-run]
//	timrest lists delete --file F [--failures FILE] [--journal FILE] [--dry-run]
//
// Read the lists format (a row per member of a list, or a row without
// To_Account) and send group_add or group_delete. A record is a row, but
// the rows of one list go in one call (the kind's together keeps them in
// one batch: they must be together in the input; at most 1000 rows of one
// list in a row, the To_Account limit), as one list entry with its
// members. group_add puts its To_Account in every list it creates, so
// only lists with the same members share a call (up to 32 names a call);
// group_delete takes up to 32 names a call. A call of several lists that
// fails as a whole with 30001 (a list exists; for delete, does not) is
// sent again one list a call, so that 30001 names the list. Not
// idempotent: 30001 for a row in doubt counts it done and ambiguous on
// resume. lists delete ignores To_Account.
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
//
// # The read commands of a migration
//
// These commands only read from the service (cmds_read.go, read_*.go).
// The export commands write the format the matching import command
// reads, so export → import round-trips; the check commands and friends
// verify read the files the import commands read.
//
//	timrest friends export --from U | --accounts F [--file OUT] [--format auto|csv|jsonl] [--failures FILE]
//	timrest blocklist export --from U | --accounts F [--file OUT] [--format auto|csv|jsonl] [--failures FILE]
//	timrest profiles get --from U | --accounts F [--tags T,...] [--file OUT] [--format auto|csv|jsonl] [--failures FILE]
//	timrest friends verify --file F [--from U] [--format auto|csv|jsonl] [--failures FILE] [--buffer N] [--show N] [--multiline] [--max-line-bytes N]
//	timrest friends check --file F [--from U] [--both] [--format auto|csv|jsonl]
//	timrest blocklist check --file F [--from U] [--both] [--format auto|csv|jsonl]
//	timrest accounts check --file F | --accounts F [--format auto|csv|jsonl]
//
// An --accounts file holds one UserID a line ("-": stdin), read as a
// stream: blank lines are skipped and spaces around an ID removed; a line
// longer than 4 KiB or not UTF-8 stops the command with exit status 2.
//
// Exports (friends export, blocklist export, profiles get) go through the
// accounts of --from or --accounts in order and write each record as it
// arrives. The format is --format, else the --file extension (.csv;
// .jsonl, .ndjson, .json), else CSV. Without --file (or with --file -) the
// records go to stdout and nothing else does; with --file they go to a
// temporary file beside it, synced and renamed into place at the end (an
// interrupted export leaves FILE as it was), and a summary goes to stdout.
// json: file, format, accounts, accounts_failed, written, incomplete (written
// without some of their data), not_written (the format cannot hold them),
// custom_tags, complete, interrupted, stopped, failures_file,
// failed_accounts ({account, line, code, error}, the first 20),
// failed_accounts_omitted, problems ({From_Account, To_Account, error},
// the first 20), problems_omitted, seconds; table: the same for people.
// An account whose read fails (it does not exist, say) is counted and the
// export goes on; --failures FILE lists those accounts one a line, an
// --accounts file for the next run (written atomically too; "--failures -"
// is refused). A UserSig, permission or configuration error stops the
// export (stopped), since every later request would get it; the records
// read until then are still written. An output file that is the
// --accounts file, or two outputs that are one file, are refused. A
// progress bar goes to stderr when it is a terminal. Exit status: 0 when
// every account was exported whole; 1 when an account failed, a record
// was not written or written without some data, or the export was
// stopped or interrupted; 2 on a bad command line or --accounts file.
//
//   - friends export reads each account's friends with friend_get, page
//     by page, with every standard and custom friend tag, in the friends
//     format: JSON Lines AddFriendItem objects with From_Account (values
//     keep their types); CSV From_Account, To_Account, AddSource, Remark,
//     GroupName (";"-separated), AddWording, AddTime, RemarkTime and one
//     column per custom friend tag found, named by the tag. The header
//     can only be written once every tag is known, so CSV rows are
//     spooled to a temporary file (JSON Lines, removed at the end) and
//     copied after the header: memory holds a page and the tag names,
//     whatever the number of friends. A friend whose list name holds ";"
//     or starts or ends with a space cannot be written in CSV (CSV import
//     would read another name) and is left out (not_written; use JSON
//     Lines); a tag the format has no field for, or a value of another
//     type than its field's, is left out of the record (incomplete).
//     Friend lists without members and profiles are not exported.
//   - blocklist export reads each account's blocklist with black_list_get
//     (pages of 1000) in the blocklist format: CSV
//     From_Account,To_Account or JSON Lines {"From_Account","To_Account"},
//     in the order the service lists them.
//   - profiles get reads profiles with portrait_get, 1000 accounts a call
//     that the client sends in requests of 100 (the service fails a whole
//     request when one of its accounts does not exist: each of its
//     accounts is then failed), for the tags of --tags (comma-separated,
//     repeatable; by default every standard profile tag of the document:
//     custom profile tags must be named), in the profiles format: CSV
//     UserID plus one column per tag asked for (an empty cell: no such
//     tag; a value that is neither a string nor an integer is left out,
//     incomplete), or JSON Lines {"UserID","Tags":{tag: value}}, values
//     with their types.
//
// friends verify reads a friends file exactly as friends import does (the
// same formats, flags and rules: see friends import above) and checks
// each record against the service, --buffer records (default 5000, at most
// 1,000,000) at a time: friend_check (CheckResult_Type_Single, 1000 To
// accounts a request) says whether From_Account has To_Account; for those
// it has, friend_get_list (100 a request) reads the standard friend tags
// and the custom tags the records name, and each field the record gives is
// compared: AddSource, Remark, RemarkTime, GroupName (as a set), AddWording,
// AddTime and each custom tag (value and type). An absent field is not
// compared; an empty string or a zero time equals an absent value, which
// the service does not keep. A record is ok, missing, differ, error (not
// answered, or not checked after a stop), invalid (unreadable, or refused
// by the client's rules) or superseded (a later record of the same
// relation within the --buffer records is compared instead, as the
// import's last record wins). Output: a summary on stdout. json: file,
// format, lines, skipped_lines, records, ok, missing, differ, errors,
// invalid, superseded, complete (every record ok or superseded),
// interrupted, stopped, failures_file, differences (the first --show,
// default 20: line, From_Account, To_Account, status, fields [{field,
// want, got}] for differ, ResultCode, error), differences_omitted,
// seconds; table: the same for people. --failures FILE writes every record
// that is not ok in the input format, with Line, ResultCode and Error (an
// unreadable JSON line as it was; an unreadable CSV line in Input): fixed,
// it can be imported again. It is written atomically, and not at all when
// interrupted. Memory is bounded by --buffer, not by the file. Exit
// status: 0 when every record is in the service as the file says; 1 when
// some is missing, differs or could not be checked, or when interrupted;
// 2 on a bad command line, a bad header, or any invalid record.
//
// friends check, blocklist check and accounts check answer one question
// per record, 1000 records at a time, and write one line per record to
// stdout in input order as they go: json output one object a line
// {"line", "From_Account", "To_Account", "Relation", "ok", "ResultCode",
// "error"} ({"line", "UserID", "AccountStatus", ...} for accounts); table
// output a row. They read only the ID fields of their files: From_Account
// and To_Account of a friends file (friend_check; the other columns of the
// friends format are ignored) or of a blocklist file (black_list_check),
// UserID of an accounts file (account_check, requests of 100; Nick and
// FaceUrl are ignored) or the accounts of --accounts. CSV headers name
// the columns in any order and case; JSON Lines names are exact, and
// unknown columns and names are refused. --from fills a missing
// From_Account (one that differs is invalid). A pair is ok when
// From_Account has (friends) or blocks (blocklist) To_Account: AWithB or
// BothWay; --both asks the two-way check type, which also tells BWithA.
// An account is ok when its AccountStatus is Imported. A line that cannot
// be read is listed as invalid and the others are still checked; after a
// UserSig, permission or configuration error the rest is listed as not
// checked. Exit status: 0 when every record is ok; 1 when some is not or
// could not be checked, or when interrupted; 2 on a bad command line, a
// bad header or any invalid line.
package main
