package emulator

import (
	"context"
	"slices"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// The friend lists (the vendor's "groups" of friends) of the
// relationship chain: group_get, group_add and group_delete. A list is a
// name in chain.lists; its members are the friends whose GroupName holds
// it. Every call that creates or deletes a list, or changes who is in
// one, moves the account's CurrentSequence once.

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
		return gen.GetFriendLists200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("GroupGet")}, nil
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

// addFriendLists serves v4/sns/group_add: it creates the lists of
// GroupName and puts the friends of To_Account in every one of them.
//
// The call fails as a whole, changing nothing, with 30001 when a name is
// over 30 bytes, named twice or already a list of From_Account (so a
// repeated call does not answer as the first did), and with 30011 when
// the new lists would take From_Account beyond
// spec.LimitFriendListsPerAccount lists. Each account of To_Account gets
// its own result: 30003 when it does not exist, 32216 when it is not a
// friend of From_Account. ResultItem comes only with To_Account.
// CurrentSequence is the sequence after the call (it moves once).
func (s *snsFamily) addFriendLists(_ context.Context, req gen.AddFriendListsRequestObject) (gen.AddFriendListsResponseObject, error) {
	e := s.e
	b := req.Body
	fail := func(code int, info string) (gen.AddFriendListsResponseObject, error) {
		return gen.AddFriendLists200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(code), ErrorInfo: ptr(info)}, nil
	}
	badRequest := e.env.codes[spec.AddFriendLists.ID].badRequest
	if p := spec.CheckAddFriendListsRequest(b); p != nil {
		return fail(badRequest, "Err_SNS_GroupAdd_Invalid_Param: "+p.Error())
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(b.FromAccount) {
		return fail(codeSNSNoAccount, *noAccount("GroupAdd"))
	}
	ch := s.chainOf(b.FromAccount)
	seen := make(map[string]bool, len(b.GroupName))
	for _, l := range ch.lists {
		seen[l] = true
	}
	for _, n := range b.GroupName {
		if seen[n] {
			return fail(badRequest, "Err_SNS_GroupAdd_Group_Exist: friend list "+n+" exists already or is named twice")
		}
		seen[n] = true
	}
	if len(ch.lists)+len(b.GroupName) > spec.LimitFriendListsPerAccount {
		return fail(codeSNSListLimit, "Err_SNS_GroupAdd_Group_Num_Exceed_Threshold")
	}
	ch = s.chainLocked(b.FromAccount)
	cs := changes{}
	ch.lists = append(ch.lists, b.GroupName...)
	cs.mark(ch, changeLists)
	var results []itemResult
	if b.ToAccount != nil {
		results = make([]itemResult, len(b.ToAccount))
	}
	for i, to := range b.ToAccount {
		r := &results[i]
		r.to = to
		f := ch.byTo[to]
		switch {
		case f == nil && !e.accounts.exists(to):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_GroupAdd_Account_Not_Exist"
		case f == nil:
			r.code, r.info = codeSNSListNotFriend, "Err_SNS_GroupAdd_ToTinyId_Not_Friend"
		default:
			for _, n := range b.GroupName {
				if !slices.Contains(f.GroupName, n) {
					f.GroupName = append(f.GroupName, n)
					cs.mark(ch, changeStd)
				}
			}
		}
	}
	cs.apply()
	resp := gen.AddFriendLists200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""), CurrentSequence: ptr(ch.seq)}
	if results != nil {
		resp.ResultItem, resp.FailAccount = friendResults(results)
	}
	return resp, nil
}

// deleteFriendLists serves v4/sns/group_delete: it deletes the lists of
// GroupName and takes them out of every friend's Tag_SNS_IM_Group.
//
// A list named that From_Account does not have fails the call as a
// whole with 30001, changing nothing (so a repeated call does not answer
// as the first did); a name given twice counts once. Success answers
// ErrorInfo "0", as the vendor's sample does. CurrentSequence is the
// sequence after the call (it moves once).
func (s *snsFamily) deleteFriendLists(_ context.Context, req gen.DeleteFriendListsRequestObject) (gen.DeleteFriendListsResponseObject, error) {
	e := s.e
	b := req.Body
	fail := func(code int, info string) (gen.DeleteFriendListsResponseObject, error) {
		return gen.DeleteFriendLists200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(code), ErrorInfo: ptr(info)}, nil
	}
	badRequest := e.env.codes[spec.DeleteFriendLists.ID].badRequest
	if p := spec.CheckDeleteFriendListsRequest(b); p != nil {
		return fail(badRequest, "Err_SNS_GroupDelete_Invalid_Param: "+p.Error())
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(b.FromAccount) {
		return fail(codeSNSNoAccount, *noAccount("GroupDelete"))
	}
	ch := s.chainOf(b.FromAccount)
	have := make(map[string]bool, len(ch.lists))
	for _, l := range ch.lists {
		have[l] = true
	}
	gone := make(map[string]bool, len(b.GroupName))
	for _, n := range b.GroupName {
		if !have[n] {
			return fail(badRequest, "Err_SNS_GroupDelete_Group_Not_Exist: no friend list "+n)
		}
		gone[n] = true
	}
	cs := changes{}
	ch.lists = slices.DeleteFunc(ch.lists, func(l string) bool { return gone[l] })
	cs.mark(ch, changeLists)
	for _, f := range ch.friends {
		if n := len(f.GroupName); n > 0 {
			if f.GroupName = slices.DeleteFunc(f.GroupName, func(g string) bool { return gone[g] }); len(f.GroupName) != n {
				cs.mark(ch, changeStd)
			}
			if len(f.GroupName) == 0 {
				f.GroupName = nil
			}
		}
	}
	cs.apply()
	return gen.DeleteFriendLists200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("0"), ErrorDisplay: ptr(""), CurrentSequence: ptr(ch.seq)}, nil
}
