package emulator

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The relationship chain family (the document's tag sns): each account's
// one-way friends, friend lists and blocklist, and the behaviours of the
// family's operations, in three files besides this one:
// sns_friends.go (friend_add, friend_import, friend_update,
// friend_delete, friend_delete_all, friend_check, friend_get,
// friend_get_list), sns_lists.go (group_add, group_delete, group_get)
// and sns_blocklist.go (black_list_add, black_list_delete,
// black_list_get, black_list_check). This file holds the state and the
// moves every operation shares.

// Operation error codes of the family's operations (spec.Operation.Errors)
// that the emulator answers with, beside those of codes.go. A test checks
// each against the document, class included.
const (
	codeSNSAddForbidden     = 30009 // friend_add: From_Account's Tag_Profile_IM_AdminForbidType is AdminForbid_Type_SendOut
	codeSNSBlocklistFull    = 30013 // black_list_add: the blocklist holds spec.LimitBlocklistPerAccount accounts
	codeSNSPeerFriendLimit  = 30014 // friend_add Add_Type_Both: To_Account has spec.LimitFriendsPerAccount friends
	codeSNSInMyBlocklist    = 30515 // friend_add: To_Account is on From_Account's blocklist
	codeSNSDeniesAll        = 30516 // friend_add: To_Account's AllowType is AllowType_Type_DenyAny
	codeSNSInTheirBlocklist = 30525 // friend_add: From_Account is on To_Account's blocklist
	codeSNSPending          = 30539 // friend_add: To_Account's AllowType is AllowType_Type_NeedConfirm
	codeSNSDeleteNotFriend  = 31704 // friend_delete: To_Account is not a friend of From_Account
	codeSNSListNotFriend    = 32216 // group_add: To_Account is not a friend of From_Account
)

// Friend is one one-way friend relation of an account, with every field
// friend_import sets and friend_get_list returns.
type Friend struct {
	// ToAccount is the friend's UserID (To_Account).
	ToAccount string
	// GroupName are the friend lists the friend is in (Tag_SNS_IM_Group),
	// in the order they were given.
	GroupName []string
	// Remark is the remark for the friend (Tag_SNS_IM_Remark).
	Remark string
	// RemarkTime is when the remark was set, Unix seconds
	// (Tag_SNS_IM_RemarkTime); 0 when never set.
	RemarkTime int64
	// AddSource is where the friend was added from (Tag_SNS_IM_AddSource).
	AddSource string
	// AddWording is the wording of the friend request
	// (Tag_SNS_IM_AddWording).
	AddWording string
	// AddTime is when the friendship was made, Unix seconds
	// (Tag_SNS_IM_AddTime).
	AddTime int64
	// Custom holds the custom friend tags (Tag_SNS_Custom_*) by name.
	Custom map[string]tag.Value
}

func (f *Friend) clone() Friend {
	c := *f
	c.GroupName = slices.Clone(f.GroupName)
	c.Custom = maps.Clone(f.Custom)
	return c
}

// Block is one account on an account's blocklist.
type Block struct {
	// ToAccount is the blocked account's UserID (To_Account).
	ToAccount string
	// Time is when it was blocked, Unix seconds (AddBlackTimeStamp).
	Time int64
}

// friendFields read each standard friend tag from a Friend, by the tag's
// Go name in spec.Tags (x-tim-tags go). Empty strings, empty lists and
// zero times count as absent, as in the vendor's sample answers.
var friendFields = map[string]func(*Friend) (tag.Value, bool){
	"FriendLists": func(f *Friend) (tag.Value, bool) { return tag.Strings(f.GroupName...), len(f.GroupName) > 0 },
	"Remark":      func(f *Friend) (tag.Value, bool) { return tag.String(f.Remark), f.Remark != "" },
	"AddSource":   func(f *Friend) (tag.Value, bool) { return tag.String(f.AddSource), f.AddSource != "" },
	"AddWording":  func(f *Friend) (tag.Value, bool) { return tag.String(f.AddWording), f.AddWording != "" },
	"AddTime":     func(f *Friend) (tag.Value, bool) { return tag.Int(f.AddTime), f.AddTime != 0 },
	"RemarkTime":  func(f *Friend) (tag.Value, bool) { return tag.Int(f.RemarkTime), f.RemarkTime != 0 },
}

// friendTags are the standard friend tags of spec.Tags that a Friend has
// a field for, by name, with the field's reader. (A test checks that
// every standard friend tag has one.)
var friendTags = func() map[string]func(*Friend) (tag.Value, bool) {
	m := map[string]func(*Friend) (tag.Value, bool){}
	for _, t := range spec.Tags {
		if read, ok := friendFields[t.GoName]; ok && t.Family == "friend" {
			m[t.Name] = read
		}
	}
	return m
}()

// friendTagNamed returns the name of the standard friend tag whose Go
// name (x-tim-tags go) is goName; the emulator cannot start without it.
func friendTagNamed(goName string) string {
	for _, t := range spec.Tags {
		if t.Family == "friend" && t.GoName == goName {
			return t.Name
		}
	}
	panic("emulator: the document has no standard friend tag " + goName)
}

// The standard friend tags friend_update can set.
var (
	tagRemark      = friendTagNamed("Remark")
	tagFriendLists = friendTagNamed("FriendLists")
)

// chain is one account's relationship chain: its side of every relation
// (its friends, its lists, its blocklist) and the reverse indexes that
// let the other side be found without a search (who has it as a friend,
// who has blocked it).
type chain struct {
	friends []*Friend          // in the order they were added
	byTo    map[string]*Friend // ToAccount → friend
	lists   []string           // friend list names, in the order they were created
	seq     int64              // CurrentSequence of the friend lists (group_get)
	stdSeq  int64              // StandardSequence of the standard friend data (friend_get)
	custSeq int64              // CustomSequence of the custom friend data (friend_get)

	blocked  []*Block          // the blocklist, in the order blocked
	blockOf  map[string]*Block // ToAccount → its entry in blocked
	blockSeq int64             // CurrentSequence of the blocklist (black_list_get)

	fans     map[string]struct{} // the accounts that have this one as a friend
	blockers map[string]struct{} // the accounts that have blocked this one
}

// cloneForProbe copies what importItems reads and writes, so that a dry
// run leaves ch alone.
func (ch *chain) cloneForProbe() *chain {
	c := &chain{byTo: map[string]*Friend{}, lists: slices.Clone(ch.lists), seq: ch.seq, stdSeq: ch.stdSeq, custSeq: ch.custSeq}
	for _, f := range ch.friends {
		fc := f.clone()
		c.friends = append(c.friends, &fc)
		c.byTo[fc.ToAccount] = &fc
	}
	return c
}

// snsFamily holds the relationship chains; Emulator.mu guards chains and
// busy.
type snsFamily struct {
	e      *Emulator
	chains map[string]*chain // by account, made on its first write
	// busy holds the accounts whose friend_import is running (between
	// its start and its end, the hook included): friend_import,
	// friend_add and friend_update for such an account answer 30008.
	busy map[string]bool

	// importHook, when set (by tests), runs after a friend_import has
	// marked its account busy and before it changes anything, with the
	// call's context.
	importHook atomic.Pointer[func(ctx context.Context, from string)]
}

func newSNSFamily(e *Emulator) *snsFamily {
	return &snsFamily{e: e, chains: map[string]*chain{}, busy: map[string]bool{}}
}

// register implements family.
func (s *snsFamily) register(b *behaviours) {
	b.GetFriendLists = s.getFriendLists
	b.GetFriends = s.getFriends
	b.ImportFriends = s.importFriends
	b.AddFriends = s.addFriends
	b.UpdateFriends = s.updateFriends
	b.DeleteFriends = s.deleteFriends
	b.DeleteAllFriends = s.deleteAllFriends
	b.CheckFriends = s.checkFriends
	b.ListFriends = s.listFriends
	b.BlockAccounts = s.blockAccounts
	b.UnblockAccounts = s.unblockAccounts
	b.ListBlocked = s.listBlocked
	b.CheckBlocked = s.checkBlocked
	b.AddFriendLists = s.addFriendLists
	b.DeleteFriendLists = s.deleteFriendLists
}

// noChain is the chain of an account that has never had a relation.
var noChain = &chain{}

// chainOf returns the chain of the account id (noChain when it has none
// yet), for reading. The caller holds Emulator.mu.
func (s *snsFamily) chainOf(id string) *chain {
	if ch := s.chains[id]; ch != nil {
		return ch
	}
	return noChain
}

// chainLocked returns the chain of the account id, making it when it has
// none. The caller holds Emulator.mu for writing.
func (s *snsFamily) chainLocked(id string) *chain {
	ch := s.chains[id]
	if ch == nil {
		ch = &chain{byTo: map[string]*Friend{}, blockOf: map[string]*Block{}, fans: map[string]struct{}{}, blockers: map[string]struct{}{}}
		s.chains[id] = ch
	}
	return ch
}

// isFriend reports whether to is a friend of from (a one-way relation).
// The caller holds Emulator.mu.
func (s *snsFamily) isFriend(from, to string) bool { return s.chainOf(from).byTo[to] != nil }

// isBlocked reports whether from has to on its blocklist. The caller
// holds Emulator.mu.
func (s *snsFamily) isBlocked(from, to string) bool { return s.chainOf(from).blockOf[to] != nil }

// eitherBlocked reports whether a has blocked b or b has blocked a. The
// caller holds Emulator.mu.
func (s *snsFamily) eitherBlocked(a, b string) bool { return s.isBlocked(a, b) || s.isBlocked(b, a) }

// change is what a call changed in one chain, for its sequences.
type change uint8

const (
	changeLists  change = 1 << iota // the friend lists or their members: seq
	changeStd                       // standard friend data (friends added or removed included): stdSeq
	changeCustom                    // custom friend data: custSeq
	changeBlock                     // the blocklist: blockSeq
)

// changes collects what one call changed, so that each sequence moves
// once per call and chain.
type changes map[*chain]change

func (cs changes) mark(ch *chain, c change) { cs[ch] |= c }

// apply moves the sequences of the changed chains.
func (cs changes) apply() {
	for ch, c := range cs {
		if c&changeLists != 0 {
			ch.seq++
		}
		if c&changeStd != 0 {
			ch.stdSeq++
		}
		if c&changeCustom != 0 {
			ch.custSeq++
		}
		if c&changeBlock != 0 {
			ch.blockSeq++
		}
	}
}

// linkLocked adds f as a new friend of the account from, whose chain is
// ch, and notes from among the fans of f.ToAccount. The caller holds
// Emulator.mu for writing.
func (s *snsFamily) linkLocked(from string, ch *chain, f *Friend, cs changes) {
	ch.friends = append(ch.friends, f)
	ch.byTo[f.ToAccount] = f
	s.chainLocked(f.ToAccount).fans[from] = struct{}{}
	c := changeStd
	if len(f.GroupName) > 0 {
		c |= changeLists
	}
	if len(f.Custom) > 0 {
		c |= changeCustom
	}
	cs.mark(ch, c)
}

// unlinkLocked removes the friends tos of the account from, whose chain
// is ch, with their friend data, in one pass over ch's friends; names
// that are not friends are skipped. It returns how many it removed. The
// caller holds Emulator.mu for writing.
func (s *snsFamily) unlinkLocked(from string, ch *chain, tos []string, cs changes) int {
	n := 0
	c := changeStd
	for _, to := range tos {
		f := ch.byTo[to]
		if f == nil {
			continue
		}
		delete(ch.byTo, to)
		if other := s.chains[to]; other != nil {
			delete(other.fans, from)
		}
		if len(f.GroupName) > 0 {
			c |= changeLists
		}
		if len(f.Custom) > 0 {
			c |= changeCustom
		}
		n++
	}
	if n == 0 {
		return 0
	}
	ch.friends = slices.DeleteFunc(ch.friends, func(f *Friend) bool { return ch.byTo[f.ToAccount] != f })
	cs.mark(ch, c)
	return n
}

// unfriendBothLocked removes the friendship of a and b in both
// directions, as blocking does. The caller holds Emulator.mu for writing.
func (s *snsFamily) unfriendBothLocked(a, b string, cs changes) {
	if ch := s.chains[a]; ch != nil {
		s.unlinkLocked(a, ch, []string{b}, cs)
	}
	if ch := s.chains[b]; ch != nil {
		s.unlinkLocked(b, ch, []string{a}, cs)
	}
}

// blockLocked puts to on the blocklist of from at the time now and
// removes their friendship both ways. The caller has checked that to is
// not blocked yet and holds Emulator.mu for writing.
func (s *snsFamily) blockLocked(from, to string, now int64, cs changes) {
	ch := s.chainLocked(from)
	b := &Block{ToAccount: to, Time: now}
	ch.blocked = append(ch.blocked, b)
	ch.blockOf[to] = b
	s.chainLocked(to).blockers[from] = struct{}{}
	cs.mark(ch, changeBlock)
	s.unfriendBothLocked(from, to, cs)
}

// unblockLocked removes tos from the blocklist of from, whose chain is
// ch, in one pass over it; names not on it are skipped. The caller holds
// Emulator.mu for writing.
func (s *snsFamily) unblockLocked(from string, ch *chain, tos []string, cs changes) {
	n := 0
	for _, to := range tos {
		if ch.blockOf[to] == nil {
			continue
		}
		delete(ch.blockOf, to)
		if other := s.chains[to]; other != nil {
			delete(other.blockers, from)
		}
		n++
	}
	if n > 0 {
		ch.blocked = slices.DeleteFunc(ch.blocked, func(b *Block) bool { return ch.blockOf[b.ToAccount] != b })
		cs.mark(ch, changeBlock)
	}
}

// forgetLocked removes everything of the account id from the
// relationship chain: its friends, the other accounts' friend relations
// to it, its friend lists, its blocklist and the other accounts' blocks
// of it; the sequences of the other accounts it touches move. The
// accounts family calls it when it deletes id (account_delete). The
// caller holds Emulator.mu for writing.
func (s *snsFamily) forgetLocked(id string) {
	ch := s.chains[id]
	if ch == nil {
		return
	}
	cs := changes{}
	for _, f := range ch.friends {
		if other := s.chains[f.ToAccount]; other != nil {
			delete(other.fans, id)
		}
	}
	for _, fan := range slices.Collect(maps.Keys(ch.fans)) {
		if other := s.chains[fan]; other != nil {
			s.unlinkLocked(fan, other, []string{id}, cs)
		}
	}
	for _, b := range ch.blocked {
		if other := s.chains[b.ToAccount]; other != nil {
			delete(other.blockers, id)
		}
	}
	for _, blocker := range slices.Collect(maps.Keys(ch.blockers)) {
		if other := s.chains[blocker]; other != nil {
			s.unblockLocked(blocker, other, []string{id}, cs)
		}
	}
	delete(cs, ch)
	cs.apply()
	delete(s.chains, id)
}

// Friends returns the friends of the account from, sorted by ToAccount:
// copies, from one consistent snapshot. It returns nil for an unknown
// account.
func (e *Emulator) Friends(from string) []Friend {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(from) {
		return nil
	}
	ch := e.sns.chainOf(from)
	out := make([]Friend, 0, len(ch.friends))
	for _, f := range ch.friends {
		out = append(out, f.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ToAccount < out[j].ToAccount })
	return out
}

// Blocked returns the blocklist of the account from, in the order the
// accounts were blocked: copies, from one consistent snapshot. It
// returns nil for an unknown account.
func (e *Emulator) Blocked(from string) []Block {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(from) {
		return nil
	}
	ch := e.sns.chainOf(from)
	out := make([]Block, 0, len(ch.blocked))
	for _, b := range ch.blocked {
		out = append(out, *b)
	}
	return out
}

// itemResult is the outcome of one item of a batch.
type itemResult struct {
	to   string
	code int32
	info string
}

// friendResults turns item results into the answer's ResultItem and
// Fail_Account (nil when no item failed).
func friendResults(results []itemResult) (items []gen.FriendResult, fail []string) {
	items = make([]gen.FriendResult, len(results))
	for i, r := range results {
		items[i] = gen.FriendResult{ToAccount: r.to, ResultCode: r.code, ResultInfo: ptr(r.info)}
		if r.code != 0 {
			fail = append(fail, r.to)
		}
	}
	return items, fail
}

// noAccount is the ErrorInfo of a whole call for an unknown From_Account:
// the vendor's style, Err_SNS_<Operation>_Account_Not_Exist.
func noAccount(op string) *string { return ptr("Err_SNS_" + op + "_Account_Not_Exist") }

// uniq returns ss without repeats, in first-seen order, in linear time:
// requests may carry hundreds of thousands of names.
func uniq(ss []string) []string {
	out := make([]string, 0, len(ss))
	seen := make(map[string]struct{}, len(ss))
	for _, s := range ss {
		if _, dup := seen[s]; !dup {
			seen[s] = struct{}{}
			out = append(out, s)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// relation is the check result of friend_check and black_list_check for a
// relation from A to B (ab) and from B to A (ba): bothWay, aWithB, bWithA
// or none.
func relation[R ~string](ab, ba bool, bothWay, aWithB, bWithA, none R) R {
	switch {
	case ab && ba:
		return bothWay
	case ab:
		return aWithB
	case ba:
		return bWithA
	}
	return none
}
