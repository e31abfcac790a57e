package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// handlers implements the generated strict-server interface. By the time
// a handler runs, the request has passed authentication, the call rate
// and validation against openapi/.
type handlers struct{ e *Emulator }

var _ gen.StrictServerInterface = (*handlers)(nil)

// cursorBase offsets get_appid_group_list cursors: Next is cursorBase plus
// the key of the last group of the page, so every cursor is above 2^32,
// as the service's are, and a client that keeps Next in 32 bits breaks
// here as it would there.
const cursorBase = 1 << 32

func ptr[T any](v T) *T { return &v }

// GetFriendLists serves v4/sns/group_get.
//
// Without GroupName it answers every list of From_Account, in the order
// the lists were created, with members when NeedFriend is
// Need_Friend_Type_Yes. With GroupName it answers the named lists that
// exist, in the order named, with their members: NeedFriend only acts
// when GroupName is empty, and the vendor's sample answers a GroupName
// request with members. A list without members has no To_Account.
func (h *handlers) GetFriendLists(_ context.Context, req gen.GetFriendListsRequestObject) (gen.GetFriendListsResponseObject, error) {
	e := h.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	acc := e.st.accounts[b.FromAccount]
	if acc == nil {
		return gen.GetFriendLists200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_GroupGet_Account_Not_Exist")}, nil
	}
	names := acc.lists
	members := b.NeedFriend != nil && *b.NeedFriend == gen.NeedFriendYes
	if len(b.GroupName) > 0 {
		// The request may name any number of lists, each any number of
		// times: one pass with a set, never a search per name.
		exists := make(map[string]bool, len(acc.lists))
		for _, l := range acc.lists {
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
	for _, f := range acc.friends {
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
		ResultItem: items, CurrentSequence: ptr(acc.seq),
	}, nil
}

// GetFriends serves v4/sns/friend_get_list: for each To_Account, the
// requested tags it has, with their real value types; an account that is
// not a friend of From_Account fails with 30001 and is listed in
// Fail_Account.
func (h *handlers) GetFriends(_ context.Context, req gen.GetFriendsRequestObject) (gen.GetFriendsResponseObject, error) {
	e := h.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	acc := e.st.accounts[b.FromAccount]
	if acc == nil {
		return gen.GetFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_FriendGetList_Account_Not_Exist")}, nil
	}
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
		f := acc.byTo[to]
		if f == nil {
			resp.InfoItem = append(resp.InfoItem, gen.FriendInfo{
				ToAccount: to, ResultCode: codeSNSNotFriend, ResultInfo: ptr("Err_SNS_FriendGetList_Friend_Not_Exist"),
			})
			resp.FailAccount = append(resp.FailAccount, to)
			continue
		}
		items, ok := found[to]
		if !ok {
			items = friendTags(f, e.st.accounts[to], tags, pos)
			found[to] = items
		}
		resp.InfoItem = append(resp.InfoItem, gen.FriendInfo{ToAccount: to, SNSProfileItem: items, ResultCode: 0, ResultInfo: ptr("")})
	}
	return resp, nil
}

// snsTags are the standard friend tags, which every friend may have.
var snsTags = [...]string{tagSNSGroup, tagSNSRemark, tagSNSAddSource, tagSNSAddWording, tagSNSAddTime, tagSNSRemarkTime}

// friendTags returns the tags of tags that the friend f (whose account is
// other) has, with their values, in the order of tags. tags has no
// repeats and pos maps each to its index.
//
// TagList may name any number of tags and To_Account up to 3000 friends,
// so the cost per friend must not be the length of TagList: it looks up
// whichever is smaller, the requested tags or the tags the friend can
// have (the standard friend tags, the profile of other and the custom
// friend tags of f).
func friendTags(f *Friend, other *account, tags []string, pos map[string]int) []gen.TagItem {
	owned := len(snsTags) + len(f.Custom)
	if other != nil {
		owned += len(other.profile)
	}
	if len(tags) <= owned {
		items := make([]gen.TagItem, 0, len(tags))
		for _, t := range tags {
			if v, ok := friendTag(f, other, t); ok {
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
	for _, t := range snsTags {
		requested(t)
	}
	if other != nil {
		for t := range other.profile {
			if fam := tagFamily(t); fam == 1 || fam == 3 { // as friendTag reads them
				requested(t)
			}
		}
	}
	for t := range f.Custom {
		if tagFamily(t) == 2 {
			requested(t)
		}
	}
	slices.Sort(hits)
	items := make([]gen.TagItem, 0, len(hits))
	for _, i := range hits {
		if v, ok := friendTag(f, other, tags[i]); ok {
			items = append(items, gen.TagItem{Tag: tags[i], Value: v})
		}
	}
	return items
}

// friendTag returns the value of tag t for the friend f whose account is
// other, and whether it has one. Empty strings, empty lists and zero
// times count as absent, as in the vendor's sample answers.
func friendTag(f *Friend, other *account, t string) (tag.Value, bool) {
	switch t {
	case tagSNSGroup:
		return tag.Strings(f.GroupName...), len(f.GroupName) > 0
	case tagSNSRemark:
		return tag.String(f.Remark), f.Remark != ""
	case tagSNSAddSource:
		return tag.String(f.AddSource), f.AddSource != ""
	case tagSNSAddWording:
		return tag.String(f.AddWording), f.AddWording != ""
	case tagSNSAddTime:
		return tag.Int(f.AddTime), f.AddTime != 0
	case tagSNSRemarkTime:
		return tag.Int(f.RemarkTime), f.RemarkTime != 0
	}
	switch tagFamily(t) {
	case 1, 3: // profile tags
		if other != nil {
			v, ok := other.profile[t]
			return v, ok
		}
	case 2: // custom friend tags
		v, ok := f.Custom[t]
		return v, ok
	}
	return tag.Value{}, false
}

// encodedGroupList is a get_appid_group_list answer already encoded: the
// emulator encodes it once to measure it against the 1 MB cap, and sends
// those bytes.
type encodedGroupList struct {
	body []byte
	code int32
}

// VisitListGroupIDsResponse writes the answer.
func (a encodedGroupList) VisitListGroupIDsResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

// ListGroupIDs serves v4/group_open_http_svc/get_appid_group_list: up to
// Limit group IDs after the cursor Next, of GroupType when given (old and
// new names of a type match each other). TotalCount counts the app's
// groups, or those of GroupType, whatever Limit and Next are. Next is 0
// on the last page. A Next other than 0 that no earlier answer carried
// (at most 2^32, past the last group, or simply never handed out) fails
// with 10004. An answer over 1 MB fails with 10018.
func (h *handlers) ListGroupIDs(_ context.Context, req gen.ListGroupIDsRequestObject) (gen.ListGroupIDsResponseObject, error) {
	e := h.e
	b := req.Body
	limit := e.env.limits.limitMax
	if b.Limit != nil {
		limit = int(*b.Limit)
	}
	var after uint64
	if b.Next != nil && *b.Next != 0 {
		// Every cursor is above 2^32; the schema keeps Next non-negative.
		if *b.Next <= cursorBase || !e.st.issuedCursor(uint64(*b.Next-cursorBase)) {
			return gen.ListGroupIDs200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(e.env.ops[opListGroupIDs].badRequest), ErrorInfo: ptr("invalid Next: pass 0 or the Next of an earlier answer")}, nil
		}
		after = uint64(*b.Next - cursorBase)
	}
	var filter gen.GroupType
	if b.GroupType != nil {
		filter = e.env.canonicalType(*b.GroupType)
	}

	e.mu.RLock()
	total := int64(len(e.st.groups))
	if filter != "" {
		total = e.st.typeCounts[filter]
	}
	groups := e.st.groups
	i := sort.Search(len(groups), func(i int) bool { return groups[i].key > after })
	list := make([]gen.GroupIDItem, 0, min(limit, len(groups)-i))
	var last *group
	more := false
	for ; i < len(groups); i++ {
		g := groups[i]
		if filter != "" && e.env.canonicalType(g.typ) != filter {
			continue
		}
		if len(list) == limit {
			more = true
			break
		}
		list = append(list, gen.GroupIDItem{GroupID: g.id})
		last = g
	}
	e.mu.RUnlock()

	var next int64
	if more {
		next = cursorBase + int64(last.key)
	}
	// No ErrorDisplay: the vendor's sample answer of this API has none.
	body, err := json.Marshal(gen.ListGroupIDs200JSONResponse{
		ActionStatus: gen.ActionStatusOK, ErrorCode: 0, ErrorInfo: ptr(""),
		TotalCount: &total, GroupIDList: list, Next: &next,
	})
	if err != nil {
		return nil, err
	}
	body = append(body, '\n')
	if len(body) > e.env.limits.answer {
		return gen.ListGroupIDs200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeGroupAnswerLimit, ErrorInfo: ptr("rsp pkg too large: the answer would exceed 1 MB, lower Limit")}, nil
	}
	if more {
		e.st.issueCursor(last.key)
	}
	return encodedGroupList{body: body}, nil
}

// ImportFriends serves v4/sns/friend_import: each item gets its own
// ResultCode, failed ones are listed in Fail_Account. A second import for
// the same From_Account while one is running fails as a whole with 30008.
func (h *handlers) ImportFriends(ctx context.Context, req gen.ImportFriendsRequestObject) (gen.ImportFriendsResponseObject, error) {
	e := h.e
	b := req.Body
	e.mu.RLock()
	acc := e.st.accounts[b.FromAccount]
	e.mu.RUnlock()
	if acc == nil {
		return gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: ptr("Err_SNS_FriendImport_From_Account_Not_Exist")}, nil
	}
	if !acc.importing.TryLock() {
		return gen.ImportFriends200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSConflict, ErrorInfo: ptr("Err_SNS_FriendImport_Write_Conflict: another import for this From_Account is running")}, nil
	}
	defer acc.importing.Unlock()
	if hook := e.importHook.Load(); hook != nil {
		(*hook)(ctx, b.FromAccount)
	}
	e.mu.Lock()
	results := e.importItems(acc, b.AddFriendItem, callFrom(ctx).itemErrs, func(id string) bool { return e.st.accounts[id] != nil })
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
