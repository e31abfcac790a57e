// Package emulator is a local, in-memory stand-in for the Tencent Cloud IM
// (Chat) server REST API, built on the server side of the code generated
// from openapi/: it implements gen.StrictServerInterface for every
// operation of the document, so the contract is proven from both sides.
// Tests, demos and users' CI run against it, since nothing here may call
// the live service.
//
//	emu, err := emulator.New(emulator.Config{
//		SDKAppID: 1400000000,
//		Key:      key, // the app's secret key; UserSigs are verified with it
//		Seed:     emulator.SampleSeed(),
//	})
//	...
//	srv := httptest.NewServer(emu) // or emulator.Serve(ctx, ln, emu, emulator.ServerConfig{})
//	client, err := gen.NewClientWithResponses(srv.URL, gen.WithRequestEditorFn(signer.Edit))
//
// The package emulatortest starts one for a test and checks every request
// and answer against openapi/; `timrest emulator` serves one from the
// command line and `timrest demo` walks through it.
//
// # What it serves
//
// Every operation of openapi/ is served. internal/codegen (go generate)
// writes operations.gen.go from the document: one method of
// gen.StrictServerInterface per operation, which runs the operation's
// hand-written behaviour or, when it has none, a generic fallback. The
// behaviours are organised by family of the API, each owning its part of
// the state and registering its behaviours: accounts.go (the accounts),
// profiles.go (their profile tags), sns.go with sns_friends.go,
// sns_lists.go and sns_blocklist.go (the relationship chain: friends,
// friend lists and blocklists) and groups.go (groups). Every operation
// of the document has a behaviour; the accounts and profiles families
// document theirs in their files.
//
// The fallback answers a request that has passed authentication, the
// call rate and validation against the document with the document's
// first example answer of the operation (HTTP 200, the example's JSON),
// whatever the state; it changes nothing. Such a call is not stateful:
// [Stats].NotStateful counts it and its log line says stateful=false. So
// an operation added to the document is contract-emulated at once, and
// the emulator still builds; a test fails until the operation has a
// behaviour or is listed as knowingly served by the fallback.
//
// The operations with a behaviour:
//
//   - v4/sns/group_get (GetFriendLists): the friend lists of From_Account,
//     in the order they were created, with FriendNumber and
//     CurrentSequence; members (To_Account) with
//     NeedFriend=Need_Friend_Type_Yes. With GroupName, only the named
//     lists that exist, in the order named, always with members.
//   - v4/sns/friend_get_list (GetFriends): for each To_Account the
//     requested tags the friend has, with their real value types
//     (strings, integers, the list names as an array): Tag_SNS_IM_* and
//     Tag_SNS_Custom_* from the relation, Tag_Profile_IM_* and
//     Tag_Profile_Custom_* from the friend's profile. Accounts that are
//     not friends get ResultCode 30001 and are listed in Fail_Account.
//   - v4/group_open_http_svc/get_appid_group_list (ListGroupIDs): Limit
//     (default and maximum 10000) and Next paging with cursors above 2^32,
//     the GroupType filter (which also makes TotalCount count that type
//     only), and 10018 when the answer would exceed 1 MB. Next is 0 or
//     the Next of an earlier answer of the same emulator: a cursor the
//     emulator never issued gets 10004, whether it is at most 2^32, past
//     the last group or within the groups. An issued cursor stays valid
//     (groups are never removed); a walk resumed with it also sees the
//     groups added since.
//   - v4/sns/friend_import (ImportFriends): up to 1000 items, each with its
//     own ResultCode; re-importing an existing friend updates it.
//
// The relationship chain (the sns family) is one state that every sns
// operation reads and changes: each account's one-way friends (with
// their standard and custom friend tags), its friend lists and its
// blocklist. A two-way friendship is two one-way relations. Every call
// that names an account that does not exist as From_Account fails as a
// whole with 30003; an item naming a To_Account that does not exist
// fails with 30003 (friend_get_list: 30001, as before). In the order
// each checks them:
//
//   - v4/sns/friend_add (AddFriends): per item 30001 for an item that
//     breaks its schema or a byte limit, the account itself or an
//     existing friend; 30003; 30515 (To_Account is on From_Account's
//     blocklist) or 30525 (the reverse), even for a force-add. Then,
//     unless ForceAddFlags is 1: 30009 when From_Account's
//     Tag_Profile_IM_AdminForbidType is AdminForbid_Type_SendOut, and
//     To_Account's Tag_Profile_IM_AllowType decides: AllowAny adds,
//     DenyAny gives 30516, NeedConfirm (the default when the tag is not
//     set) gives 30539, the request pending and no relation made (the
//     emulator keeps no pending requests). Then 30010 (From_Account has
//     3000 friends), 30014 (Add_Type_Both: so has To_Account) and 30011
//     (GroupName would make a 33rd list). Add_Type_Both (the default)
//     also makes To_Account's relation to From_Account, with the same
//     AddSource and AddWording, unless it exists; AddTime is the
//     emulator's clock.
//   - v4/sns/friend_update (UpdateFriends): Tag_SNS_IM_Remark (a string
//     of at most 96 bytes; RemarkTime becomes now), Tag_SNS_IM_Group (an
//     array of list names that replaces the friend's lists, creating new
//     ones) and custom friend tags (strings or integers); all of an item
//     or nothing. Per item 30001 for a value of the wrong type or over a
//     byte limit and for an account that is not a friend, 30011 beyond
//     32 lists.
//   - v4/sns/friend_delete (DeleteFriends): Delete_Type_Single (the
//     default) removes From_Account's relation, Delete_Type_Both both;
//     an account that is not From_Account's friend gets 31704 (the
//     operation's own code for exactly that case). Success answers
//     ErrorInfo "0", as the vendor's sample does.
//   - v4/sns/friend_delete_all (DeleteAllFriends): removes every friend
//     (Delete_Type_Both: and their relations to From_Account); the lists
//     stay, empty.
//   - v4/sns/friend_check (CheckFriends): CheckResult_Type_BothWay,
//     AWithB, BWithA or NoRelation (CheckResult_Type_Single: AWithB or
//     NoRelation).
//   - v4/sns/friend_get (ListFriends): pages of at most 500 friends (the
//     newest vendor page's page size), in the order they became friends,
//     each with all its standard friend tags (AddSource, AddWording,
//     Remark, RemarkTime, Group, AddTime) and custom ones (by name);
//     NextStartIndex, and CompleteFlag 1 with NextStartIndex 0 on the
//     last page. StandardSequence and CustomSequence move with every call
//     that changes that data (adding or removing friends moves both); a
//     request that sends back the current, non-zero value gets the
//     friends without that data.
//   - v4/sns/black_list_add (BlockAccounts): per item 30001 for the
//     account itself or one blocked already, 30003, 30013 beyond 1000
//     blocked; blocking removes the friendship both ways. A blocked pair
//     is never friends: friend_add refuses it, friend_import fails the
//     item with 30001 (the document gives import no blocklist code).
//   - v4/sns/black_list_delete (UnblockAccounts): 30001 for an account
//     that is not blocked.
//   - v4/sns/black_list_get (ListBlocked): MaxLimited accounts from
//     StartIndex on, in the order blocked, with AddBlackTimeStamp; the
//     answer's StartIndex is the next page's, 0 after the last.
//     CurrentSequence (the newer spelling only) moves with every change
//     of the blocklist; LastSequence is not used.
//   - v4/sns/black_list_check (CheckBlocked): BlackCheckResult_Type_BothWay,
//     AWithB, BWithA or NO (BlackCheckResult_Type_Single: AWithB or NO).
//   - v4/sns/group_add (AddFriendLists): creates the lists and puts the
//     friends of To_Account in each (32216 for one that is not a friend;
//     ResultItem only with To_Account). A name that is a list already or
//     given twice fails the call with 30001, a 33rd list with 30011,
//     changing nothing.
//   - v4/sns/group_delete (DeleteFriendLists): deletes the lists and
//     takes them out of every friend's Tag_SNS_IM_Group; a list that does
//     not exist fails the call with 30001, changing nothing. Success
//     answers ErrorInfo "0", as the vendor's sample does.
//
// Every call that changes the friend lists or their members moves
// CurrentSequence (group_get, group_add, group_delete) once. friend_add,
// friend_update and friend_import for an account whose friend_import is
// still running fail as a whole with 30008. Deleting an account
// (account_delete) removes everything of it from the relationship chain:
// its friends, lists and blocklist, and every other account's relations
// to it and blocks of it.
//
// # Authentication
//
// Every call carries sdkappid, identifier, usersig, random and
// contenttype in its query. The emulator checks them in that order (the
// format of each against its x-tim-schema, then the app, then the
// UserSig, then the admin) and answers the first problem with its code,
// HTTP 200 and ActionStatus FAIL:
//
//	sdkappid absent or empty                        60012
//	sdkappid, identifier, random or contenttype     60025
//	  missing, repeated or malformed (usersig
//	  repeated too)
//	usersig absent or empty                         70002
//	sdkappid is not the emulator's app              60006
//	UserSig not a TLS sig v2 ticket                 70003
//	UserSig issued for another SDKAppID             70014
//	UserSig issued for another identifier           70013
//	UserSig expired (whatever key signed it)        70001
//	UserSig signed with another key (or altered)    70009
//	identifier not one of Config.Admins             30004 (sns), 10007 (group)
//
// The UserSig is verified with auth.VerifyUserSig at Config.Now; a
// verified UserSig is remembered until it expires. It is never logged or
// answered.
//
// # Errors
//
// Every answer the emulator gives as the "service" is HTTP 200 with
// ActionStatus and ErrorCode in the body; never a bare 400. After
// authentication, the operation's call rate (60007), then the body: an
// empty or unparsable body, or one over 8 MiB, gets 60003; a body that
// breaks the request schema in openapi/ gets the operation's
// bad-parameter code, 30001 for sns and 10004 for group, with the schema
// problems in ErrorInfo. An item of friend_import, friend_add or
// friend_update that breaks its schema (a malformed AddSource, an
// unknown field, a tag friend_update cannot set) or a byte limit the
// schema counts in characters (a To_Account over 32 bytes, a Remark over
// 96, an AddWording over 256, a list name over 30) fails alone with
// 30001, as long as the body still decodes and the item's To_Account
// passes its schema (at most 32 characters). A request for no known path gets
// 60009, a known path with another method 60002. FAIL answers carry only
// ActionStatus, ErrorCode and ErrorInfo, as the service's may.
//
// friend_import's item codes: 30003 unknown To_Account; 30001 the
// account itself, a To_Account seen earlier in the same request, or a
// malformed item; 30010 a new friend beyond 3000; 30011 lists that would
// take From_Account beyond 32 friend lists; 30001 a pair that a
// blocklist separates. An unknown From_Account fails the whole call with
// 30003 (every sns operation), and a second import for a From_Account
// whose import is still running fails with 30008.
//
// The codes, their classes, the call rates, the limits, the standard tags
// and the group type renames come from internal/spec, which go generate
// compiles from the document (x-tim-error-sets, x-tim-public-errors,
// x-tim-rate-limit, x-tim-limits, x-tim-tags, x-tim-renamed); the
// bad-parameter, permission and transient codes of an operation are
// picked by class from its codes (the lowest of a class; the public
// 70402, 60010 and 70500 for an operation whose codes lack the class).
// Byte lengths are checked with spec's check functions (the schemas'
// maxLength counts characters, the service bytes).
//
// # Rate limits
//
// With Config.RateLimits, each operation is limited to its x-tim-rate-limit
// (200/s for sns, 1/s for get_appid_group_list) for the app, with
// golang.org/x/time/rate on Config.Now: a burst of the rate, rounded up,
// then one call per 1/rate. Config.Rates overrides single operations (0
// turns the limit off). A call over the rate gets 60007, the REST API's
// per-API code; only authenticated calls count.
//
// # Faults
//
// Config.Faults injects, per call and deterministically for Faults.Seed
// (the same seed and order of calls give the same faults): one of the
// operation's transient codes (class transient among its codes: 30006
// or 30007 for sns, 10002 for group), HTTP 502 with an HTML body as the
// vendor's proxy sends it, or a dropped connection (hijacked and closed);
// and Faults.Latency before every call. Faults happen before
// authentication, as network and proxy faults would. [ParseFaults] reads
// the form "seed=1,transient=0.2,502=0.05,drop=0.01,latency=20ms".
//
// # Seed
//
// The state (accounts with profile tags, groups with their type, one-way
// friends, blocklists) comes from a [Seed], in Go or in JSON
// ([LoadSeed]), in the API's own shapes:
//
//	{
//	  "Accounts": [
//	    {"UserID": "alice", "Profile": [
//	      {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"},
//	      {"Tag": "Tag_Profile_IM_Level", "Value": 3},
//	      {"Tag": "Tag_Profile_Custom_Hobby", "Value": "chess"}]},
//	    {"UserID": "bob"},
//	    {"UserID": "mallory"}
//	  ],
//	  "Groups": [{"GroupId": "@TGS#1", "Type": "Public"}],
//	  "Friends": {
//	    "alice": [{"To_Account": "bob", "AddSource": "AddSource_Type_Web",
//	               "GroupName": ["work"], "Remark": "Bobby",
//	               "CustomItem": [{"Tag": "Tag_SNS_Custom_Rank", "Value": 1}]}]
//	  },
//	  "Blocklists": {"alice": ["mallory"]}
//	}
//
// Accounts: UserID (at most 32 bytes, unique) and Profile, a list of
// Tag/Value items: standard tags Tag_Profile_IM_Nick, _Gender
// (Gender_Type_Unknown|Female|Male), _BirthDay, _Location,
// _SelfSignature, _AllowType (AllowType_Type_NeedConfirm|AllowAny|DenyAny),
// _Language, _Image, _AdminForbidType (AdminForbid_Type_None|SendOut),
// _Level, _Role, with strings or 32-bit unsigned integers as the vendor
// types them (spec.Tags, from x-tim-tags); custom tags
// Tag_Profile_Custom_ and a name as a custom friend tag's (up to 8
// letters), string or integer. Groups: GroupId (unique; any length, so
// that long IDs can reach the 1 MB cap) and Type, one of Public,
// Private, Work, ChatRoom, Meeting, AVChatRoom, BChatRoom, Community;
// they page in seed order. Friends: From_Account → a list of
// friend_import's AddFriendItem, checked against its schema
// (spec.CheckAddFriendItem, byte lengths included), naming seed
// accounts; a two-way friendship is an item on each side; AddTime
// defaults to the time of loading. Blocklists: From_Account → the
// accounts it blocks (black_list_add's To_Account), in the order
// blocked, at most 1000, each once, never itself, stamped with the time
// of loading; they are applied before the friends, and a friend item
// whose pair a blocklist separates (either way) is an error. Lists:
// From_Account → its friend lists in creation order, lists that may
// have no members (group_add makes them), at most 32 per account with
// the friends' lists, created after the blocklists and before the
// friends; a list the account already has is an error. Loading is
// strict: unknown fields, trailing data, values of the wrong type and
// references to unknown accounts are errors that name the item.
// [GenerateGroups] makes thousands of realistic groups for paging;
// [SampleSeed] is the demo's data.
//
// # Serving
//
// [Serve] serves an Emulator on a listener with the limits of a
// [ServerConfig] (zero fields take the defaults): a read timeout that
// cuts off slow bodies, a write timeout, an idle timeout for keep-alive
// connections, a header size limit (HTTP 431 beyond it) and a limit on
// the connections served at once, beyond which clients wait in the
// listener's backlog. Faults.Latency is added to the read and write
// timeouts. [NewServer] and [LimitListener] are its parts.
//
// # Hostile input
//
// Request lists may be as long as the 8 MiB body allows: every handler
// works in time proportional to the request, its answer and the
// relations it changes (names are de-duplicated with sets, each distinct
// friend of a friend_get_list costs the smaller of its TagList and the
// friend's own tags, and the relationship chain keeps indexes both ways,
// so that the other side of a relation, and every relation to a deleted
// account, is found without a search through all accounts). Blocking a
// friend, deleting both ways and deleting an account also walk the
// account's own friend or block list, which the service's limits bound
// (3000 friends, 1000 blocked). When an
// answer cannot be written because the client has gone, the call still
// counts with the code it had (its changes were made) and as undelivered
// in [Stats].
//
// # Inspection
//
// [Emulator.Friends], [Emulator.Blocked] and [Emulator.Stats] return
// consistent copies for tests; [Emulator.Snapshot] returns the whole
// state as a [Seed] (accounts with profiles, groups, friend lists,
// friends with every field, blocklists), such that applying it to a new
// emulator gives an equal snapshot: the migration tests compare a whole
// app field by field with it. [Emulator.Apply] and [Emulator.AddAccounts]
// add data while it runs.
package emulator
