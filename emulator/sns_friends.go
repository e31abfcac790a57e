package emulator

import (
	"context"
	"maps"
	"slices"
	"sort"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The friends of the relationship chain: friend_add, friend_import,
// friend_update, friend_delete, friend_delete_all, friend_check,
// friend_get and friend_get_list.

// friendPageSize is how many friends a friend_get answer holds at most:
// the service chooses the page size, and the newest vendor page says up
// to 500 friends per page (the document's ListFriends).
const friendPageSize = 500

// The profile tags and values friend_add reads: the friend-request
// setting of To_Account and the admin's ban on From_Account's requests.
// A test checks them against spec.Tags.
var (
	tagAllowType       = snsProfileTag("AllowType")
	tagAdminForbidType = snsProfileTag("AdminForbidType")
)

const (
	allowNeedConfirm   = "AllowType_Type_NeedConfirm"
	allowAny           = "AllowType_Type_AllowAny"
	allowDenyAny       = "AllowType_Type_DenyAny"
	adminForbidSendOut = "AdminForbid_Type_SendOut"
)

// snsProfileTag returns the name of the standard profile tag whose Go
// name (x-tim-tags go) is goName; the emulator cannot start without it.
func snsProfileTag(goName string) string {
	for _, t := range spec.Tags {
		if t.Family == "profile" && t.GoName == goName {
			return t.Name
		}
	}
	panic("emulator: the document has no standard profile tag " + goName)
}

// listFriendsOrder is the order of the standard friend tags in a
// friend_get ValueItem: that of the vendor's sample (AddSource, Remark,
// Group, AddTime), with AddWording and RemarkTime after the tag each
// belongs with. A test checks that it holds every standard friend tag.
var listFriendsOrder = []string{
	friendTagNamed("AddSource"), friendTagNamed("AddWording"),
	friendTagNamed("Remark"), friendTagNamed("RemarkTime"),
	friendTagNamed("FriendLists"), friendTagNamed("AddTime"),
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
		return gen.GetFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendGetList")}, nil
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
// the same From_Account while one is running fails as a whole with
// 30008, as do friend_add and friend_update for it.
func (s *snsFamily) importFriends(ctx context.Context, req gen.ImportFriendsRequestObject) (gen.ImportFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	from := b.FromAccount
	fail := func(code int32, info string) (gen.ImportFriendsResponseObject, error) {
		return gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: code, ErrorInfo: ptr(info)}, nil
	}
	e.mu.Lock()
	switch {
	case !e.accounts.exists(from):
		e.mu.Unlock()
		return fail(codeSNSNoAccount, "Err_SNS_FriendImport_From_Account_Not_Exist")
	case s.busy[from]:
		e.mu.Unlock()
		return fail(codeSNSConflict, "Err_SNS_FriendImport_Write_Conflict: another import for this From_Account is running")
	}
	s.busy[from] = true
	e.mu.Unlock()
	if hook := s.importHook.Load(); hook != nil {
		(*hook)(ctx, from)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(s.busy, from)
	if !e.accounts.exists(from) { // deleted meanwhile
		return fail(codeSNSNoAccount, "Err_SNS_FriendImport_From_Account_Not_Exist")
	}
	cs := changes{}
	results := s.importItems(from, s.chainLocked(from), b.AddFriendItem, callFrom(ctx).itemErrs, importWorld{
		exists:  e.accounts.exists,
		blocked: s.eitherBlocked,
		link:    func(ch *chain, f *Friend) { s.linkLocked(from, ch, f, cs) },
		changes: cs,
	})
	cs.apply()
	resp := gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// importWorld is what importItems asks about the rest of the state.
type importWorld struct {
	exists  func(id string) bool   // whether id is an account
	blocked func(a, b string) bool // whether a has blocked b or b has blocked a
	// link adds a new friend f to the chain ch (linkLocked); nil for a
	// dry run on a probe copy, which only appends it.
	link func(ch *chain, f *Friend)
	// changes collects what the import changed in ch; the caller
	// applies it.
	changes changes
}

// importItems imports items as friends of the account from, whose chain
// is ch, in order, and returns one result per item. badItems holds the
// items that broke the request schema (their index → reason); they fail
// with 30001 and change nothing. The caller holds Emulator.mu for
// writing (or passes a probe copy of the chain, which is all it
// changes).
//
// Per item: a string over its byte limit (the schema's maxLength counts
// characters, the service bytes: spec.CheckAddFriendItem) fails with
// 30001; a To_Account seen earlier in the same request with 30001; the
// account itself with 30001; an unknown account with 30003; an account
// on From_Account's blocklist, or that has From_Account on its own, with
// 30001 (the document gives friend_import no blocklist code, and a
// blocked pair is never friends); a new friend beyond
// spec.LimitFriendsPerAccount with 30010; lists that would take the
// account beyond spec.LimitFriendListsPerAccount with 30011. An existing
// friend is updated: the fields the item gives replace the stored ones,
// custom tags are merged by name. What changed is marked in w.changes.
func (s *snsFamily) importItems(from string, ch *chain, items []gen.AddFriendItem, badItems map[int]string, w importWorld) []itemResult {
	badRequest := int32(s.e.env.codes[spec.ImportFriends.ID].badRequest)
	out := make([]itemResult, len(items))
	seen := make(map[string]bool, len(items))
	cs := w.changes
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
		case !w.exists(it.ToAccount):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendImport_Account_Not_Exist"
			continue
		case w.blocked(from, it.ToAccount):
			r.code, r.info = badRequest, "Err_SNS_FriendImport_In_BlackList: one of the pair has blocked the other"
			continue
		}
		existing := ch.byTo[it.ToAccount]
		if existing == nil && len(ch.friends) >= spec.LimitFriendsPerAccount {
			r.code, r.info = codeSNSFriendLimit, "Err_SNS_FriendImport_My_Friend_Num_Exceed_Threshold"
			continue
		}
		newLists := newListsOf(ch, it.GroupName)
		if len(ch.lists)+len(newLists) > spec.LimitFriendListsPerAccount {
			r.code, r.info = codeSNSListLimit, "Err_SNS_FriendImport_Group_Num_Exceed_Threshold"
			continue
		}
		ch.lists = append(ch.lists, newLists...)
		if len(newLists) > 0 {
			cs.mark(ch, changeLists)
		}
		cs.mark(ch, changeStd)
		f := existing
		if f == nil {
			f = &Friend{ToAccount: it.ToAccount, AddTime: now}
			if w.link != nil {
				w.link(ch, f)
			} else {
				ch.friends = append(ch.friends, f)
				ch.byTo[it.ToAccount] = f
			}
		}
		if it.GroupName != nil {
			if g := uniq(it.GroupName); !slices.Equal(f.GroupName, g) {
				f.GroupName = g
				cs.mark(ch, changeLists)
			}
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
			cs.mark(ch, changeCustom)
		}
	}
	return out
}

// newListsOf returns the names of names that are not lists of ch yet,
// once each, in order.
func newListsOf(ch *chain, names []string) []string {
	var out []string
	for _, l := range names {
		if !slices.Contains(ch.lists, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// addFriends serves v4/sns/friend_add. Each item gets its own result,
// checked in this order:
//
//   - 30001: the item breaks its schema or a byte limit, or To_Account
//     is From_Account itself or already its friend (a repeated call does
//     not answer as the first did);
//   - 30003: To_Account does not exist;
//   - 30515: To_Account is on From_Account's blocklist; 30525:
//     From_Account is on To_Account's (even with ForceAddFlags 1: a
//     blocked pair is never friends);
//   - unless ForceAddFlags is 1 (an admin force-add): 30009 when
//     From_Account's Tag_Profile_IM_AdminForbidType is
//     AdminForbid_Type_SendOut; To_Account's Tag_Profile_IM_AllowType
//     then decides: AllowType_Type_AllowAny adds, AllowType_Type_DenyAny
//     refuses with 30516, and AllowType_Type_NeedConfirm (also when the
//     tag is not set, as the vendor's default) answers 30539, the request
//     pending, no relation made;
//   - 30010: From_Account has spec.LimitFriendsPerAccount friends; 30014
//     (Add_Type_Both): so has To_Account, which does not have
//     From_Account yet;
//   - 30011: GroupName would take From_Account beyond
//     spec.LimitFriendListsPerAccount lists.
//
// An added friend gets AddSource, Remark (and RemarkTime), AddWording,
// the list GroupName (created when new) and AddTime now. With
// Add_Type_Both (the default) To_Account also gets From_Account as a
// friend, with the same AddSource and AddWording and no remark or list,
// unless it has it already. The whole call fails with 30003 for an
// unknown From_Account and with 30008 while a friend_import for it runs.
func (s *snsFamily) addFriends(ctx context.Context, req gen.AddFriendsRequestObject) (gen.AddFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	from := b.FromAccount
	badRequest := int32(e.env.codes[spec.AddFriends.ID].badRequest)
	both := b.AddType == nil || *b.AddType == gen.AddTypeBoth
	force := b.ForceAddFlags != nil && *b.ForceAddFlags == 1
	itemErrs := callFrom(ctx).itemErrs
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case !e.accounts.exists(from):
		return gen.AddFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendAdd")}, nil
	case s.busy[from]:
		return gen.AddFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSConflict, ErrorInfo: ptr("Err_SNS_FriendAdd_Write_Conflict: a friend_import for this From_Account is running")}, nil
	}
	ch := s.chainLocked(from)
	forbidden := false
	if v, ok := e.profiles.of(from)[tagAdminForbidType].AsString(); ok && v == adminForbidSendOut {
		forbidden = true
	}
	now := e.now().Unix()
	cs := changes{}
	results := make([]itemResult, len(b.AddFriendItem))
	for i := range b.AddFriendItem {
		it := &b.AddFriendItem[i]
		r := &results[i]
		r.to = it.ToAccount
		to := it.ToAccount
		if reason, bad := itemErrs[i]; bad {
			r.code, r.info = badRequest, "Err_SNS_FriendAdd_Invalid_Param: "+reason
			continue
		}
		if p := spec.CheckFriendAddItem(it); p != nil {
			r.code, r.info = badRequest, "Err_SNS_FriendAdd_Invalid_Param: "+p.Error()
			continue
		}
		switch {
		case to == from:
			r.code, r.info = badRequest, "Err_SNS_FriendAdd_Add_Self"
			continue
		case !e.accounts.exists(to):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendAdd_Account_Not_Exist"
			continue
		case ch.byTo[to] != nil:
			r.code, r.info = badRequest, "Err_SNS_FriendAdd_Friend_Exist"
			continue
		case s.isBlocked(from, to):
			r.code, r.info = codeSNSInMyBlocklist, "Err_SNS_FriendAdd_Peer_In_My_BlackList"
			continue
		case s.isBlocked(to, from):
			r.code, r.info = codeSNSInTheirBlocklist, "Err_SNS_FriendAdd_I_In_Peer_BlackList"
			continue
		}
		if !force {
			allow, _ := e.profiles.of(to)[tagAllowType].AsString()
			switch {
			case forbidden:
				r.code, r.info = codeSNSAddForbidden, "Err_SNS_FriendAdd_Forbidden_By_Admin"
				continue
			case allow == allowDenyAny:
				r.code, r.info = codeSNSDeniesAll, "Err_SNS_FriendAdd_Peer_Deny_Any"
				continue
			case allow != allowAny:
				r.code, r.info = codeSNSPending, "Err_SNS_FriendAdd_Need_Confirm: the friend request is pending"
				continue
			}
		}
		other := s.chainOf(to)
		reverse := both && other.byTo[from] == nil
		switch {
		case len(ch.friends) >= spec.LimitFriendsPerAccount:
			r.code, r.info = codeSNSFriendLimit, "Err_SNS_FriendAdd_My_Friend_Num_Exceed_Threshold"
			continue
		case reverse && len(other.friends) >= spec.LimitFriendsPerAccount:
			r.code, r.info = codeSNSPeerFriendLimit, "Err_SNS_FriendAdd_Peer_Friend_Num_Exceed_Threshold"
			continue
		}
		var lists []string
		if it.GroupName != nil {
			lists = []string{*it.GroupName}
			if newLists := newListsOf(ch, lists); len(newLists) > 0 {
				if len(ch.lists)+len(newLists) > spec.LimitFriendListsPerAccount {
					r.code, r.info = codeSNSListLimit, "Err_SNS_FriendAdd_Group_Num_Exceed_Threshold"
					continue
				}
				ch.lists = append(ch.lists, newLists...)
				cs.mark(ch, changeLists)
			}
		}
		f := &Friend{ToAccount: to, GroupName: lists, AddSource: it.AddSource, AddTime: now}
		if it.Remark != nil {
			f.Remark, f.RemarkTime = *it.Remark, now
		}
		if it.AddWording != nil {
			f.AddWording = *it.AddWording
		}
		s.linkLocked(from, ch, f, cs)
		if reverse {
			s.linkLocked(to, s.chainLocked(to), &Friend{ToAccount: from, AddSource: f.AddSource, AddWording: f.AddWording, AddTime: now}, cs)
		}
	}
	cs.apply()
	resp := gen.AddFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// updateFriends serves v4/sns/friend_update: it sets the friend tags of
// each item's SnsItem, all of an item or none. Tag_SNS_IM_Remark takes
// a string of at most 96 bytes (RemarkTime becomes now);
// Tag_SNS_IM_Group an array of list names, which replaces the friend's
// lists (new lists are created; [] takes the friend out of every list);
// a custom friend tag a string or an integer. Per item: 30001 for a
// value of another type, a byte limit broken or an item that breaks its
// schema; 30003 when To_Account does not exist; 30001 when it is not a
// friend; 30011 when the lists would take From_Account beyond
// spec.LimitFriendListsPerAccount. A tag given twice in one item: the
// last wins. The whole call fails with 30003 for an unknown From_Account
// and with 30008 while a friend_import for it runs.
func (s *snsFamily) updateFriends(ctx context.Context, req gen.UpdateFriendsRequestObject) (gen.UpdateFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	from := b.FromAccount
	badRequest := int32(e.env.codes[spec.UpdateFriends.ID].badRequest)
	itemErrs := callFrom(ctx).itemErrs
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case !e.accounts.exists(from):
		return gen.UpdateFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendUpdate")}, nil
	case s.busy[from]:
		return gen.UpdateFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSConflict, ErrorInfo: ptr("Err_SNS_FriendUpdate_Write_Conflict: a friend_import for this From_Account is running")}, nil
	}
	ch := s.chainOf(from)
	now := e.now().Unix()
	cs := changes{}
	results := make([]itemResult, len(b.UpdateItem))
	for i := range b.UpdateItem {
		it := &b.UpdateItem[i]
		r := &results[i]
		r.to = it.ToAccount
		if reason, bad := itemErrs[i]; bad {
			r.code, r.info = badRequest, "Err_SNS_FriendUpdate_Invalid_Param: "+reason
			continue
		}
		u, reason := updateOf(it)
		if reason != "" {
			r.code, r.info = badRequest, "Err_SNS_FriendUpdate_Invalid_Param: "+reason
			continue
		}
		f := ch.byTo[it.ToAccount]
		switch {
		case f == nil && !e.accounts.exists(it.ToAccount):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendUpdate_Account_Not_Exist"
			continue
		case f == nil:
			r.code, r.info = badRequest, "Err_SNS_FriendUpdate_Friend_Not_Exist"
			continue
		}
		var newLists []string
		if u.GroupName != nil {
			newLists = newListsOf(ch, u.GroupName)
			if len(ch.lists)+len(newLists) > spec.LimitFriendListsPerAccount {
				r.code, r.info = codeSNSListLimit, "Err_SNS_FriendUpdate_Group_Num_Exceed_Threshold"
				continue
			}
		}
		if len(newLists) > 0 {
			ch.lists = append(ch.lists, newLists...)
			cs.mark(ch, changeLists)
		}
		if u.GroupName != nil {
			if g := uniq(u.GroupName); !slices.Equal(f.GroupName, g) {
				f.GroupName = g
				if len(g) == 0 {
					f.GroupName = nil
				}
				cs.mark(ch, changeLists|changeStd)
			}
		}
		if u.Remark != nil {
			f.Remark, f.RemarkTime = *u.Remark, now
			cs.mark(ch, changeStd)
		}
		for _, c := range u.CustomItem {
			if f.Custom == nil {
				f.Custom = map[string]tag.Value{}
			}
			f.Custom[c.Tag] = c.Value
			cs.mark(ch, changeCustom)
		}
	}
	cs.apply()
	resp := gen.UpdateFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// updateOf reads the SnsItem of a friend_update item as the fields of a
// friend_import item (Remark, GroupName, CustomItem; the last of a tag
// given twice wins) and checks them with the document's rules for those
// (spec.CheckAddFriendItem: byte limits, list names, custom tag names
// and values). It returns the reason of the first problem, or "".
func updateOf(it *gen.FriendUpdateItem) (gen.AddFriendItem, string) {
	u := gen.AddFriendItem{ToAccount: it.ToAccount, AddSource: "AddSource_Type_Update"}
	custom := map[string]int{} // tag → index in u.CustomItem
	for i, st := range it.SNSItem {
		where := spec.Index("SnsItem", i)
		switch st.Tag {
		case tagRemark:
			v, ok := st.Value.AsString()
			if !ok {
				return u, where + ": " + st.Tag + " takes a string, not " + st.Value.Kind().String()
			}
			u.Remark = &v
		case tagFriendLists:
			v, ok := st.Value.AsStrings()
			if !ok {
				return u, where + ": " + st.Tag + " takes an array of list names, not " + st.Value.Kind().String()
			}
			if v == nil {
				v = []string{}
			}
			u.GroupName = v
		default: // a custom friend tag (the schema's pattern)
			c := gen.CustomFriendItem{Tag: st.Tag, Value: st.Value}
			if j, ok := custom[st.Tag]; ok {
				u.CustomItem[j] = c
			} else {
				custom[st.Tag] = len(u.CustomItem)
				u.CustomItem = append(u.CustomItem, c)
			}
		}
	}
	if p := spec.CheckAddFriendItem(&u); p != nil {
		return u, p.Error()
	}
	return u, ""
}

// deleteFriends serves v4/sns/friend_delete. Delete_Type_Single (the
// default) removes To_Account from From_Account's friends;
// Delete_Type_Both also removes From_Account from To_Account's. Per
// item: 30003 when To_Account does not exist, 31704 when it is not a
// friend of From_Account (the operation's own code for exactly that; a
// repeated call does not answer as the first did). Success answers
// ErrorInfo "0", as the vendor's sample does.
func (s *snsFamily) deleteFriends(_ context.Context, req gen.DeleteFriendsRequestObject) (gen.DeleteFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	from := b.FromAccount
	both := b.DeleteType != nil && *b.DeleteType == gen.DeleteTypeBoth
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(from) {
		return gen.DeleteFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendDelete")}, nil
	}
	ch := s.chainOf(from)
	cs := changes{}
	results := make([]itemResult, len(b.ToAccount))
	// From_Account's friends go in one pass at the end; a repeat in the
	// request finds its friend gone already.
	var gone []string
	removed := map[string]bool{}
	for i, to := range b.ToAccount {
		r := &results[i]
		r.to = to
		switch {
		case ch.byTo[to] != nil && !removed[to]:
			removed[to] = true
			gone = append(gone, to)
			if both {
				if other := s.chains[to]; other != nil {
					s.unlinkLocked(to, other, []string{from}, cs)
				}
			}
		case !e.accounts.exists(to):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_FriendDelete_Account_Not_Exist"
		default:
			r.code, r.info = codeSNSDeleteNotFriend, "Err_SNS_FriendDelete_Not_Friend"
		}
	}
	if len(gone) > 0 {
		s.unlinkLocked(from, ch, gone, cs)
	}
	cs.apply()
	resp := gen.DeleteFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("0"), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// deleteAllFriends serves v4/sns/friend_delete_all: it removes every
// friend of From_Account with its standard and custom friend data (the
// friend lists stay, empty). Delete_Type_Both also removes From_Account
// from each of those friends' friends. Repeating the call leaves the
// list empty, as the first did.
func (s *snsFamily) deleteAllFriends(_ context.Context, req gen.DeleteAllFriendsRequestObject) (gen.DeleteAllFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	from := b.FromAccount
	both := b.DeleteType != nil && *b.DeleteType == gen.DeleteTypeBoth
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(from) {
		return gen.DeleteAllFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendDeleteAll")}, nil
	}
	ch := s.chainOf(from)
	cs := changes{}
	tos := make([]string, 0, len(ch.friends))
	for _, f := range ch.friends {
		tos = append(tos, f.ToAccount)
		if both {
			if other := s.chains[f.ToAccount]; other != nil {
				s.unlinkLocked(f.ToAccount, other, []string{from}, cs)
			}
		}
	}
	if len(tos) > 0 {
		s.unlinkLocked(from, ch, tos, cs)
	}
	cs.apply()
	return gen.DeleteAllFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}, nil
}

// checkFriends serves v4/sns/friend_check: the Relation of each
// To_Account with From_Account. CheckResult_Type_Single looks at
// From_Account's friends only (AWithB or NoRelation);
// CheckResult_Type_Both at both sides (BothWay, AWithB, BWithA or
// NoRelation). An account that does not exist gets
// CheckResult_Type_NoRelation with ResultCode 30003 and is listed in
// Fail_Account.
func (s *snsFamily) checkFriends(_ context.Context, req gen.CheckFriendsRequestObject) (gen.CheckFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.CheckFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendCheck")}, nil
	}
	both := b.CheckType == gen.FriendCheckTypeBoth
	resp := gen.CheckFriends200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.InfoItem = make([]gen.FriendCheckResult, len(b.ToAccount))
	for i, to := range b.ToAccount {
		r := gen.FriendCheckResult{ToAccount: to, Relation: gen.FriendRelationNoRelation, ResultInfo: ptr("")}
		if !e.accounts.exists(to) {
			r.ResultCode, r.ResultInfo = codeSNSNoAccount, ptr("Err_SNS_FriendCheck_Account_Not_Exist")
			resp.FailAccount = append(resp.FailAccount, to)
		} else {
			r.Relation = relation(s.isFriend(b.FromAccount, to), both && s.isFriend(to, b.FromAccount),
				gen.FriendRelationBothWay, gen.FriendRelationAWithB, gen.FriendRelationBWithA, gen.FriendRelationNoRelation)
		}
		resp.InfoItem[i] = r
	}
	return resp, nil
}

// listFriends serves v4/sns/friend_get: a page of at most friendPageSize
// friends of From_Account from StartIndex on, in the order they became
// friends, each with all its standard and custom friend tags (the tags
// friend_get_list answers, no profile tags). NextStartIndex is where the
// next page starts; on the last page CompleteFlag is 1 and
// NextStartIndex 0 (a StartIndex past the end gets an empty last page).
// FriendNum counts all friends.
//
// StandardSequence and CustomSequence move with every call that changes
// the standard (friends added or removed included) or the custom friend
// data of From_Account. A request whose StandardSequence (CustomSequence)
// is not 0 and equals the current one gets the friends without their
// standard (custom) tags: that data has not changed since the answer it
// came from.
func (s *snsFamily) listFriends(_ context.Context, req gen.ListFriendsRequestObject) (gen.ListFriendsResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.ListFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("FriendGet")}, nil
	}
	ch := s.chainOf(b.FromAccount)
	unchanged := func(sent *int64, seq int64) bool { return sent != nil && *sent != 0 && *sent == seq }
	std, custom := !unchanged(b.StandardSequence, ch.stdSeq), !unchanged(b.CustomSequence, ch.custSeq)
	total := int64(len(ch.friends))
	start := min(b.StartIndex, total)
	end := min(total, start+friendPageSize)
	items := make([]gen.FriendData, 0, end-start)
	for _, f := range ch.friends[start:end] {
		items = append(items, gen.FriendData{ToAccount: f.ToAccount, ValueItem: friendValueItems(f, std, custom)})
	}
	complete, next := int32(0), end
	if end >= total {
		complete, next = 1, 0
	}
	return gen.ListFriends200JSONResponse{
		ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
		UserDataItem: items, StandardSequence: ptr(ch.stdSeq), CustomSequence: ptr(ch.custSeq),
		FriendNum: ptr(total), CompleteFlag: ptr(complete), NextStartIndex: ptr(next),
	}, nil
}

// friendValueItems returns the friend tags f has: the standard ones in
// listFriendsOrder when std, then the custom ones by name when custom.
func friendValueItems(f *Friend, std, custom bool) []gen.TagItem {
	var items []gen.TagItem
	if std {
		for _, t := range listFriendsOrder {
			if v, ok := friendTags[t](f); ok {
				items = append(items, gen.TagItem{Tag: t, Value: v})
			}
		}
	}
	if custom {
		for _, t := range slices.Sorted(maps.Keys(f.Custom)) {
			items = append(items, gen.TagItem{Tag: t, Value: f.Custom[t]})
		}
	}
	return items
}
