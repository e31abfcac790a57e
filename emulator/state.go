package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
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

// account is an imported account and its relationship chain.
type account struct {
	id      string
	profile map[string]tag.Value

	friends []*Friend          // in the order they were added
	byTo    map[string]*Friend // ToAccount → friend
	lists   []string           // friend list names, in the order they were created
	seq     int64              // CurrentSequence of the friend lists

	// importing is held for the whole of a friend_import for this
	// account; a second import that finds it held answers 30008.
	importing sync.Mutex
}

// group is a group of the app. key orders the groups and makes the
// get_appid_group_list cursor.
type group struct {
	id      string
	typ     gen.GroupType
	key     uint64
	encSize int // bytes of {"GroupId":"..."} in the answer
}

// state is the emulator's data, guarded by Emulator.mu.
type state struct {
	accounts   map[string]*account
	groups     []*group // sorted by key
	typeCounts map[gen.GroupType]int64
	lastKey    uint64

	// cursors holds the group key of every cursor (Next) an answer has
	// carried. It has its own lock, since answers are made under
	// Emulator.mu's read lock; it holds at most one entry per group.
	cursorMu sync.Mutex
	cursors  map[uint64]struct{}
}

func newState() *state {
	return &state{accounts: map[string]*account{}, typeCounts: map[gen.GroupType]int64{}, cursors: map[uint64]struct{}{}}
}

// issueCursor records that an answer carries the cursor of key.
func (s *state) issueCursor(key uint64) {
	s.cursorMu.Lock()
	s.cursors[key] = struct{}{}
	s.cursorMu.Unlock()
}

// issuedCursor reports whether an answer has carried the cursor of key.
func (s *state) issuedCursor(key uint64) bool {
	s.cursorMu.Lock()
	defer s.cursorMu.Unlock()
	_, ok := s.cursors[key]
	return ok
}

// AddAccounts imports bare accounts (no profile tags). UserIDs that exist
// already, or appear twice in ids, are left as they are; checking and
// adding happen under one lock, so concurrent calls naming the same
// UserID both succeed.
func (e *Emulator) AddAccounts(ids ...string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := &Seed{}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if _, ok := e.st.accounts[id]; !ok && !seen[id] {
			seen[id] = true
			s.Accounts = append(s.Accounts, Account{UserID: id})
		}
	}
	return e.applyLocked(s)
}

// Apply adds the accounts, groups and friends of s to the emulator's
// state, checked as [LoadSeed] checks a seed file: an account or group
// that exists already is an error, friends may name accounts of s or of
// the state, and friends are imported as friend_import would import them
// (re-importing an existing friend updates it). On error the state is
// unchanged.
func (e *Emulator) Apply(s *Seed) error {
	if s == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.applyLocked(s)
}

// applyLocked is Apply with e.mu held for writing.
func (e *Emulator) applyLocked(s *Seed) error {
	inSeed := map[string]bool{}
	for _, a := range s.Accounts {
		inSeed[a.UserID] = true
	}
	for _, a := range s.Accounts {
		if _, ok := e.st.accounts[a.UserID]; ok {
			return fmt.Errorf("emulator: seed: account %q exists already", a.UserID)
		}
	}
	groupTaken := map[string]bool{}
	for _, g := range e.st.groups {
		groupTaken[g.id] = true
	}
	exists := func(id string) bool { return inSeed[id] || e.st.accounts[id] != nil }
	err := e.env.validateSeed(s, exists, func(id string) bool { return groupTaken[id] })
	if err != nil {
		return err
	}
	// Friends of existing accounts are checked against their current
	// state before anything changes.
	for _, from := range slices.Sorted(maps.Keys(s.Friends)) {
		acc := e.st.accounts[from]
		if acc == nil {
			continue
		}
		probe := acc.cloneForProbe()
		for i, res := range e.importItems(probe, s.Friends[from], nil, exists) {
			if res.code != 0 {
				return fmt.Errorf("emulator: seed: Friends[%q][%d] (To_Account %q): %d %s", from, i, res.to, res.code, res.info)
			}
		}
	}

	for _, a := range s.Accounts {
		acc := &account{id: a.UserID, profile: map[string]tag.Value{}, byTo: map[string]*Friend{}}
		for _, p := range a.Profile {
			acc.profile[p.Tag] = p.Value
		}
		e.st.accounts[a.UserID] = acc
	}
	for _, g := range s.Groups {
		e.st.lastKey++
		enc, _ := json.Marshal(gen.GroupIDItem{GroupID: g.GroupID})
		e.st.groups = append(e.st.groups, &group{id: g.GroupID, typ: g.Type, key: e.st.lastKey, encSize: len(enc)})
		e.st.typeCounts[e.env.canonicalType(g.Type)]++
	}
	for _, from := range slices.Sorted(maps.Keys(s.Friends)) {
		e.importItems(e.st.accounts[from], s.Friends[from], nil, exists)
	}
	return nil
}

// cloneForProbe copies what importItems reads and writes, so that a dry
// run leaves acc alone.
func (a *account) cloneForProbe() *account {
	c := &account{id: a.id, byTo: map[string]*Friend{}, lists: slices.Clone(a.lists), seq: a.seq}
	for _, f := range a.friends {
		fc := f.clone()
		c.friends = append(c.friends, &fc)
		c.byTo[fc.ToAccount] = &fc
	}
	return c
}

// Friends returns the friends of the account from, sorted by ToAccount:
// copies, from one consistent snapshot. It returns nil for an unknown
// account.
func (e *Emulator) Friends(from string) []Friend {
	e.mu.RLock()
	defer e.mu.RUnlock()
	acc := e.st.accounts[from]
	if acc == nil {
		return nil
	}
	out := make([]Friend, 0, len(acc.friends))
	for _, f := range acc.friends {
		out = append(out, f.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ToAccount < out[j].ToAccount })
	return out
}

// itemResult is the outcome of one AddFriendItem.
type itemResult struct {
	to   string
	code int32
	info string
}

// importItems imports items as friends of acc, in order, and returns one
// result per item. badItems holds the items that broke the request schema
// (their index → reason); they fail with 30001 and change nothing. exists
// reports whether a UserID is an account. The caller holds e.mu for
// writing (or passes a probe copy).
//
// Per item: a To_Account seen earlier in the same request fails with
// 30001; an unknown account with 30003; the account itself with 30001; a
// string over its byte limit with 30001; a new friend beyond limits.friends
// with 30010; lists that would take the account over its limit with 30011.
// An existing friend is updated: the fields the item gives replace the
// stored ones, custom tags are merged by name.
func (e *Emulator) importItems(acc *account, items []gen.AddFriendItem, badItems map[int]string, exists func(string) bool) []itemResult {
	out := make([]itemResult, len(items))
	seen := make(map[string]bool, len(items))
	changedLists := false
	now := e.now().Unix()
	for i, it := range items {
		r := &out[i]
		r.to = it.ToAccount
		first := !seen[it.ToAccount]
		seen[it.ToAccount] = true
		if reason, bad := badItems[i]; bad {
			r.code, r.info = int32(e.env.ops[opImportFriends].badRequest), "Err_SNS_FriendImport_Invalid_Param: "+reason
			continue
		}
		if reason := e.env.checkItemBytes(it); reason != "" {
			r.code, r.info = int32(e.env.ops[opImportFriends].badRequest), "Err_SNS_FriendImport_Invalid_Param: "+reason
			continue
		}
		switch {
		case !first:
			r.code, r.info = int32(e.env.ops[opImportFriends].badRequest), "Err_SNS_FriendImport_Duplicate_To_Account"
			continue
		case it.ToAccount == acc.id:
			r.code, r.info = int32(e.env.ops[opImportFriends].badRequest), "Err_SNS_FriendImport_Add_Self"
			continue
		case !exists(it.ToAccount):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendImport_Account_Not_Exist"
			continue
		}
		existing := acc.byTo[it.ToAccount]
		if existing == nil && len(acc.friends) >= e.env.limits.friends {
			r.code, r.info = codeSNSFriendLimit, "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"
			continue
		}
		var newLists []string
		for _, l := range it.GroupName {
			if !slices.Contains(acc.lists, l) && !slices.Contains(newLists, l) {
				newLists = append(newLists, l)
			}
		}
		if len(acc.lists)+len(newLists) > e.env.limits.lists {
			r.code, r.info = codeSNSListLimit, "Err_SNS_FriendImport_Group_Num_Exceed_Threshold"
			continue
		}
		acc.lists = append(acc.lists, newLists...)
		if len(newLists) > 0 {
			changedLists = true
		}
		f := existing
		if f == nil {
			f = &Friend{ToAccount: it.ToAccount, AddTime: now}
			acc.friends = append(acc.friends, f)
			acc.byTo[it.ToAccount] = f
			if len(it.GroupName) > 0 {
				changedLists = true
			}
		}
		if it.GroupName != nil {
			if !slices.Equal(f.GroupName, uniq(it.GroupName)) {
				changedLists = true
			}
			f.GroupName = uniq(it.GroupName)
		}
		f.AddSource = it.AddSource
		if it.AddWording != nil {
			f.AddWording = *it.AddWording
		}
		if it.AddTime != nil {
			f.AddTime = *it.AddTime
		}
		if it.Remark != nil {
			f.Remark = *it.Remark
			if it.RemarkTime == nil {
				f.RemarkTime = now
			}
		}
		if it.RemarkTime != nil {
			f.RemarkTime = *it.RemarkTime
		}
		for _, c := range it.CustomItem {
			if f.Custom == nil {
				f.Custom = map[string]tag.Value{}
			}
			f.Custom[c.Tag] = c.Value
		}
	}
	if changedLists {
		acc.seq++
	}
	return out
}

// checkItemBytes checks the byte lengths the schema's maxLength only
// checks in characters: To_Account, Remark, AddWording and list names.
// It returns "" or the reason.
func (env *env) checkItemBytes(it gen.AddFriendItem) string {
	l := env.limits
	switch {
	case len(it.ToAccount) > l.userID:
		return fmt.Sprintf("To_Account is %d bytes, want at most %d", len(it.ToAccount), l.userID)
	case it.Remark != nil && len(*it.Remark) > l.remark:
		return fmt.Sprintf("Remark is %d bytes, want at most %d", len(*it.Remark), l.remark)
	case it.AddWording != nil && len(*it.AddWording) > l.addWording:
		return fmt.Sprintf("AddWording is %d bytes, want at most %d", len(*it.AddWording), l.addWording)
	}
	for _, g := range it.GroupName {
		if len(g) > l.listName {
			return fmt.Sprintf("GroupName %q is %d bytes, want at most %d", g, len(g), l.listName)
		}
	}
	return ""
}

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
