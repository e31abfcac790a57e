package emulator

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The relationship chain family (the document's tag sns): each account's
// one-way friends and friend lists (later its blocklist), and the
// behaviours of group_get (GetFriendLists), friend_get_list (GetFriends)
// and friend_import (ImportFriends).

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

// chain is one account's relationship chain.
type chain struct {
	friends []*Friend          // in the order they were added
	byTo    map[string]*Friend // ToAccount → friend
	lists   []string           // friend list names, in the order they were created
	seq     int64              // CurrentSequence of the friend lists

	// importing is held for the whole of a friend_import for this
	// account; a second import that finds it held answers 30008.
	importing sync.Mutex
}

// cloneForProbe copies what importItems reads and writes, so that a dry
// run leaves ch alone.
func (ch *chain) cloneForProbe() *chain {
	c := &chain{byTo: map[string]*Friend{}, lists: slices.Clone(ch.lists), seq: ch.seq}
	for _, f := range ch.friends {
		fc := f.clone()
		c.friends = append(c.friends, &fc)
		c.byTo[fc.ToAccount] = &fc
	}
	return c
}

// snsFamily holds the relationship chains; Emulator.mu guards chains.
type snsFamily struct {
	e      *Emulator
	chains map[string]*chain // by account, made on its first write

	// importHook, when set (by tests), runs after a friend_import has
	// taken its account's write lock and before it changes anything,
	// with the call's context.
	importHook atomic.Pointer[func(ctx context.Context, from string)]
}

func newSNSFamily(e *Emulator) *snsFamily {
	return &snsFamily{e: e, chains: map[string]*chain{}}
}

// register implements family.
func (s *snsFamily) register(b *behaviours) {
	b.GetFriendLists = s.getFriendLists
	b.GetFriends = s.getFriends
	b.ImportFriends = s.importFriends
}

// noChain is the chain of an account that has never had a friend.
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
		ch = &chain{byTo: map[string]*Friend{}}
		s.chains[id] = ch
	}
	return ch
}

// getFriendLists serves v4/sns/group_get.
//
// Without GroupName it answers every list of From_Account, in the order
// the lists were created, with members when NeedFriend is
// Need_Friend_Type_Yes. With GroupName it answers the named lists that
// exist, in the order named, with their members: NeedFriend only acts
// when GroupName is empty, and the vendor's sample answers a GroupName
// request with members. A list without members has no To_Account.
func (s *snsFamily) getFriendLists(_ context.Context, req gen.GetFriendListsRequestObject) (gen.GetFriendListsResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.GetFriendLists200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_GroupGet_Account_Not_Exist")}, nil
	}
	ch := s.chainOf(b.FromAccount)
	names := ch.lists
	members := b.NeedFriend != nil && *b.NeedFriend == gen.NeedFriendYes
	if len(b.GroupName) > 0 {
		// The request may name any number of lists, each any number of
		// times: one pass with a set, never a search per name.
		exists := make(map[string]bool, len(ch.lists))
		for _, l := range ch.lists {
			exists[l] = true
		}
		names = nil
		for _, n := range uniq(b.GroupName) {
			if exists[n] {
				names = append(names, n)
			}
		}
		members = true
	}
	// Each list's members, in the order they became friends: one pass
	// over the friends (a friend's GroupName has no repeats).
	tos := make(map[string][]string, len(names))
	for _, n := range names {
		tos[n] = nil
	}
	for _, f := range ch.friends {
		for _, g := range f.GroupName {
			if list, ok := tos[g]; ok {
				tos[g] = append(list, f.ToAccount)
			}
		}
	}
	items := make([]gen.FriendList, 0, len(names))
	for _, name := range names {
		fl := gen.FriendList{GroupName: name, FriendNumber: ptr(int64(len(tos[name])))}
		if members && len(tos[name]) > 0 {
			fl.ToAccount = tos[name]
		}
		items = append(items, fl)
	}
	return gen.GetFriendLists200JSONResponse{
		ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
		ResultItem: items, CurrentSequence: ptr(ch.seq),
	}, nil
}

// getFriends serves v4/sns/friend_get_list: for each To_Account, the
// requested tags it has, with their real value types; an account that is
// not a friend of From_Account fails with 30001 and is listed in
// Fail_Account.
func (s *snsFamily) getFriends(_ context.Context, req gen.GetFriendsRequestObject) (gen.GetFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.GetFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_FriendGetList_Account_Not_Exist")}, nil
	}
	ch := s.chainOf(b.FromAccount)
	tags := uniq(b.TagList)
	sort.SliceStable(tags, func(i, j int) bool { return tagFamily(tags[i]) < tagFamily(tags[j]) })
	pos := make(map[string]int, len(tags)) // tag → its place in the answer
	for i, t := range tags {
		pos[t] = i
	}
	resp := gen.GetFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.InfoItem = make([]gen.FriendInfo, 0, len(b.ToAccount))
	// A To_Account named again gets the tags found the first time: the
	// cost is per distinct friend, not per name.
	found := map[string][]gen.TagItem{}
	for _, to := range b.ToAccount {
		f := ch.byTo[to]
		if f == nil {
			resp.InfoItem = append(resp.InfoItem, gen.FriendInfo{
				ToAccount: to, ResultCode: codeSNSNotFriend, ResultInfo: ptr("Err_SNS_FriendGetList_Friend_Not_Exist"),
			})
			resp.FailAccount = append(resp.FailAccount, to)
			continue
		}
		items, ok := found[to]
		if !ok {
			items = friendTagItems(f, e.profiles.of(to), tags, pos)
			found[to] = items
		}
		resp.InfoItem = append(resp.InfoItem, gen.FriendInfo{ToAccount: to, SNSProfileItem: items, ResultCode: 0, ResultInfo: ptr("")})
	}
	return resp, nil
}

// friendTagItems returns the tags of tags that the friend f (whose
// account has the profile tags profile) has, with their values, in the
// order of tags. tags has no repeats and pos maps each to its index.
//
// TagList may name any number of tags and To_Account up to 3000 friends,
// so the cost per friend must not be the length of TagList: it looks up
// whichever is smaller, the requested tags or the tags the friend can
// have (the standard friend tags, the friend's profile and the custom
// friend tags of f).
func friendTagItems(f *Friend, profile map[string]tag.Value, tags []string, pos map[string]int) []gen.TagItem {
	if owned := len(friendTags) + len(f.Custom) + len(profile); len(tags) <= owned {
		items := make([]gen.TagItem, 0, len(tags))
		for _, t := range tags {
			if v, ok := friendTag(f, profile, t); ok {
				items = append(items, gen.TagItem{Tag: t, Value: v})
			}
		}
		return items
	}
	var hits []int // indexes into tags
	requested := func(t string) {
		if i, ok := pos[t]; ok {
			hits = append(hits, i)
		}
	}
	for t := range friendTags {
		requested(t)
	}
	for t := range profile {
		if fam := tagFamily(t); fam == famProfileIM || fam == famProfileCustom { // as friendTag reads them
			requested(t)
		}
	}
	for t := range f.Custom {
		if tagFamily(t) == famSNSCustom {
			requested(t)
		}
	}
	slices.Sort(hits)
	items := make([]gen.TagItem, 0, len(hits))
	for _, i := range hits {
		if v, ok := friendTag(f, profile, tags[i]); ok {
			items = append(items, gen.TagItem{Tag: tags[i], Value: v})
		}
	}
	return items
}

// friendTag returns the value of tag t for the friend f whose account
// has the profile tags profile, and whether it has one.
func friendTag(f *Friend, profile map[string]tag.Value, t string) (tag.Value, bool) {
	if read, ok := friendTags[t]; ok {
		return read(f)
	}
	switch tagFamily(t) {
	case famProfileIM, famProfileCustom:
		v, ok := profile[t]
		return v, ok
	case famSNSCustom:
		v, ok := f.Custom[t]
		return v, ok
	}
	return tag.Value{}, false
}

// importFriends serves v4/sns/friend_import: each item gets its own
// ResultCode, failed ones are listed in Fail_Account. A second import for
// the same From_Account while one is running fails as a whole with 30008.
func (s *snsFamily) importFriends(ctx context.Context, req gen.ImportFriendsRequestObject) (gen.ImportFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	exists := e.accounts.exists(b.FromAccount)
	ch := s.chains[b.FromAccount]
	e.mu.RUnlock()
	if !exists {
		return gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_FriendImport_From_Account_Not_Exist")}, nil
	}
	if ch == nil {
		e.mu.Lock()
		ch = s.chainLocked(b.FromAccount)
		e.mu.Unlock()
	}
	if !ch.importing.TryLock() {
		return gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSConflict, ErrorInfo: ptr("Err_SNS_FriendImport_Write_Conflict: another import for this From_Account is running")}, nil
	}
	defer ch.importing.Unlock()
	if hook := s.importHook.Load(); hook != nil {
		(*hook)(ctx, b.FromAccount)
	}
	e.mu.Lock()
	results := s.importItems(b.FromAccount, ch, b.AddFriendItem, callFrom(ctx).itemErrs, e.accounts.exists)
	e.mu.Unlock()

	resp := gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem = make([]gen.ImportResult, len(results))
	for i, r := range results {
		resp.ResultItem[i] = gen.ImportResult{ToAccount: r.to, ResultCode: r.code, ResultInfo: ptr(r.info)}
		if r.code != 0 {
			resp.FailAccount = append(resp.FailAccount, r.to)
		}
	}
	return resp, nil
}

// itemResult is the outcome of one AddFriendItem.
type itemResult struct {
	to   string
	code int32
	info string
}

// importItems imports items as friends of the account from, whose chain
// is ch, in order, and returns one result per item. badItems holds the
// items that broke the request schema (their index → reason); they fail
// with 30001 and change nothing. exists reports whether a UserID is an
// account. The caller holds Emulator.mu for writing (or passes a probe
// copy of the chain).
//
// Per item: a string over its byte limit (the schema's maxLength counts
// characters, the service bytes: spec.CheckAddFriendItem) fails with
// 30001; a To_Account seen earlier in the same request with 30001; the
// account itself with 30001; an unknown account with 30003; a new friend
// beyond spec.LimitFriendsPerAccount with 30010; lists that would take
// the account beyond spec.LimitFriendListsPerAccount with 30011. An
// existing friend is updated: the fields the item gives replace the
// stored ones, custom tags are merged by name.
func (s *snsFamily) importItems(from string, ch *chain, items []gen.AddFriendItem, badItems map[int]string, exists func(string) bool) []itemResult {
	badRequest := int32(s.e.env.codes[spec.ImportFriends.ID].badRequest)
	out := make([]itemResult, len(items))
	seen := make(map[string]bool, len(items))
	changedLists := false
	now := s.e.now().Unix()
	for i := range items {
		it := &items[i]
		r := &out[i]
		r.to = it.ToAccount
		first := !seen[it.ToAccount]
		seen[it.ToAccount] = true
		if reason, bad := badItems[i]; bad {
			r.code, r.info = badRequest, "Err_SNS_FriendImport_Invalid_Param: "+reason
			continue
		}
		if p := spec.CheckAddFriendItem(it); p != nil {
			r.code, r.info = badRequest, "Err_SNS_FriendImport_Invalid_Param: "+p.Error()
			continue
		}
		switch {
		case !first:
			r.code, r.info = badRequest, "Err_SNS_FriendImport_Duplicate_To_Account"
			continue
		case it.ToAccount == from:
			r.code, r.info = badRequest, "Err_SNS_FriendImport_Add_Self"
			continue
		case !exists(it.ToAccount):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendImport_Account_Not_Exist"
			continue
		}
		existing := ch.byTo[it.ToAccount]
		if existing == nil && len(ch.friends) >= spec.LimitFriendsPerAccount {
			r.code, r.info = codeSNSFriendLimit, "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"
			continue
		}
		var newLists []string
		for _, l := range it.GroupName {
			if !slices.Contains(ch.lists, l) && !slices.Contains(newLists, l) {
				newLists = append(newLists, l)
			}
		}
		if len(ch.lists)+len(newLists) > spec.LimitFriendListsPerAccount {
			r.code, r.info = codeSNSListLimit, "Err_SNS_FriendImport_Group_Num_Exceed_Threshold"
			continue
		}
		ch.lists = append(ch.lists, newLists...)
		if len(newLists) > 0 {
			changedLists = true
		}
		f := existing
		if f == nil {
			f = &Friend{ToAccount: it.ToAccount, AddTime: now}
			ch.friends = append(ch.friends, f)
			ch.byTo[it.ToAccount] = f
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
		ch.seq++
	}
	return out
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
