package emulator

import (
	"context"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// The blocklists of the relationship chain: black_list_add,
// black_list_delete, black_list_get and black_list_check. Blocking a
// friend removes the friendship both ways, and while either has blocked
// the other, friend_add refuses the pair (30515, 30525) and
// friend_import fails the item (30001): a blocked pair is never friends.

// blockAccounts serves v4/sns/black_list_add. Each account gets its own
// result, in order: 30003 when it does not exist, 30001 when it is
// From_Account itself or already blocked (a repeated call does not
// answer as the first did), 30013 when the blocklist holds
// spec.LimitBlocklistPerAccount accounts. A blocked account is stamped
// with the time (AddBlackTimeStamp), and its friendship with
// From_Account is removed both ways.
func (s *snsFamily) blockAccounts(_ context.Context, req gen.BlockAccountsRequestObject) (gen.BlockAccountsResponseObject, error) {
	e := s.e
	b := req.Body
	badRequest := int32(e.env.codes[spec.BlockAccounts.ID].badRequest)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.BlockAccounts200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("BlackListAdd")}, nil
	}
	ch := s.chainLocked(b.FromAccount)
	now := e.now().Unix()
	cs := changes{}
	results := make([]itemResult, len(b.ToAccount))
	for i, to := range b.ToAccount {
		r := &results[i]
		r.to = to
		switch {
		case to == b.FromAccount:
			r.code, r.info = badRequest, "Err_SNS_BlackListAdd_Add_Self"
		case !e.accounts.exists(to):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_BlackListAdd_Account_Not_Exist"
		case ch.blockOf[to] != nil:
			r.code, r.info = badRequest, "Err_SNS_BlackListAdd_Already_Exist"
		case len(ch.blocked) >= spec.LimitBlocklistPerAccount:
			r.code, r.info = codeSNSBlocklistFull, "Err_SNS_BlackListAdd_BlackList_Num_Exceed_Threshold"
		default:
			s.blockLocked(b.FromAccount, to, now, cs)
		}
	}
	cs.apply()
	resp := gen.BlockAccounts200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// unblockAccounts serves v4/sns/black_list_delete. Each account gets its
// own result: 30003 when it does not exist, 30001 when it is not on the
// blocklist (a repeated call does not answer as the first did).
func (s *snsFamily) unblockAccounts(_ context.Context, req gen.UnblockAccountsRequestObject) (gen.UnblockAccountsResponseObject, error) {
	e := s.e
	b := req.Body
	badRequest := int32(e.env.codes[spec.UnblockAccounts.ID].badRequest)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.UnblockAccounts200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("BlackListDelete")}, nil
	}
	ch := s.chainOf(b.FromAccount)
	cs := changes{}
	results := make([]itemResult, len(b.ToAccount))
	for i, to := range b.ToAccount {
		r := &results[i]
		r.to = to
		switch {
		case ch.blockOf[to] != nil:
			s.unblockLocked(b.FromAccount, ch, []string{to}, cs)
		case !e.accounts.exists(to):
			r.code, r.info = codeSNSNoAccount, "Err_SNS_BlackListDelete_Account_Not_Exist"
		default:
			r.code, r.info = badRequest, "Err_SNS_BlackListDelete_Not_Exist"
		}
	}
	cs.apply()
	resp := gen.UnblockAccounts200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.ResultItem, resp.FailAccount = friendResults(results)
	return resp, nil
}

// listBlocked serves v4/sns/black_list_get: at most MaxLimited blocked
// accounts from StartIndex on, in the order they were blocked, each with
// its AddBlackTimeStamp. StartIndex in the answer is where the next page
// starts, 0 when this is the last page (a StartIndex past the end gets
// an empty last page). CurrentSequence is the blocklist's sequence,
// which moves with every call that changes the blocklist; it is sent in
// the newer spelling only, never as CurruentSequence. LastSequence is
// not used (REST callers send 0).
func (s *snsFamily) listBlocked(_ context.Context, req gen.ListBlockedRequestObject) (gen.ListBlockedResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.ListBlocked200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("BlackListGet")}, nil
	}
	ch := s.chainOf(b.FromAccount)
	total := int64(len(ch.blocked))
	start := min(b.StartIndex, total)
	end := min(total, start+b.MaxLimited) // MaxLimited is 1 to 1000 (the schema)
	items := make([]gen.BlockedAccount, 0, end-start)
	for _, bl := range ch.blocked[start:end] {
		items = append(items, gen.BlockedAccount{ToAccount: bl.ToAccount, AddBlackTimeStamp: ptr(bl.Time)})
	}
	next := end
	if end >= total {
		next = 0
	}
	return gen.ListBlocked200JSONResponse{
		ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr(""),
		BlackListItem: items, StartIndex: ptr(next), CurrentSequence: ptr(ch.blockSeq),
	}, nil
}

// checkBlocked serves v4/sns/black_list_check: the blocklist Relation of
// each To_Account with From_Account. BlackCheckResult_Type_Single looks
// at From_Account's blocklist only (AWithB or NO);
// BlackCheckResult_Type_Both at both (BothWay, AWithB, BWithA or NO). An
// account that does not exist gets BlackCheckResult_Type_NO with
// ResultCode 30003 and is listed in Fail_Account.
func (s *snsFamily) checkBlocked(_ context.Context, req gen.CheckBlockedRequestObject) (gen.CheckBlockedResponseObject, error) {
	e := s.e
	b := req.Body
	e.mu.RLock()
	defer e.mu.RUnlock()
	if !e.accounts.exists(b.FromAccount) {
		return gen.CheckBlocked200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeSNSNoAccount, ErrorInfo: noAccount("BlackListCheck")}, nil
	}
	both := b.CheckType == gen.BlockCheckTypeBoth
	resp := gen.CheckBlocked200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.BlackListCheckItem = make([]gen.BlockCheckResult, len(b.ToAccount))
	for i, to := range b.ToAccount {
		r := gen.BlockCheckResult{ToAccount: to, Relation: gen.BlockRelationNone, ResultInfo: ptr("")}
		if !e.accounts.exists(to) {
			r.ResultCode, r.ResultInfo = codeSNSNoAccount, ptr("Err_SNS_BlackListCheck_Account_Not_Exist")
			resp.FailAccount = append(resp.FailAccount, to)
		} else {
			r.Relation = relation(s.isBlocked(b.FromAccount, to), both && s.isBlocked(to, b.FromAccount),
				gen.BlockRelationBothWay, gen.BlockRelationAWithB, gen.BlockRelationBWithA, gen.BlockRelationNone)
		}
		resp.BlackListCheckItem[i] = r
	}
	return resp, nil
}
