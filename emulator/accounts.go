package emulator

import (
	"context"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The accounts family (the document's tag account): the app's imported
// accounts (UserIDs), and the behaviours of account_import
// (ImportAccount), multiaccount_import (ImportAccounts), account_delete
// (DeleteAccounts), account_check (CheckAccounts), kick (KickAccount) and
// query_online_status (GetOnlineStatus). The other families keep their
// data per account and ask this one whether an account exists; deleting
// an account removes its data from every family.
//
// The emulator behaves as a trial edition of the service: there is no
// limit on the number of accounts (70398 never happens), deleting needs
// no console setting, and a deleted UserID can be imported again at once.
// No one logs in to an emulator: every account is Offline, and kicking
// one has nothing to invalidate.

// Account error codes (spec.Operation.Errors of the family's operations)
// the emulator answers with. The tests check each against the document,
// class included.
const (
	codeAccountNotFound = 70107 // the account has not been imported
)

// infoAccountNotFound is the ResultInfo of 70107 in the vendor's sample
// answer of account_delete.
const infoAccountNotFound = "Err_TLS_PT_Open_Login_Account_Not_Exist"

// accountFamily holds the accounts; Emulator.mu guards it.
type accountFamily struct {
	e   *Emulator // set by New
	ids map[string]struct{}
}

func newAccountFamily() *accountFamily {
	return &accountFamily{ids: map[string]struct{}{}}
}

// register implements family.
func (a *accountFamily) register(b *behaviours) {
	b.ImportAccount = a.importAccount
	b.ImportAccounts = a.importAccounts
	b.DeleteAccounts = a.deleteAccounts
	b.CheckAccounts = a.checkAccounts
	b.KickAccount = a.kickAccount
	b.GetOnlineStatus = a.getOnlineStatus
}

// exists reports whether id is an account. The caller holds Emulator.mu.
func (a *accountFamily) exists(id string) bool {
	_, ok := a.ids[id]
	return ok
}

// addLocked adds the account id; adding an account again changes
// nothing. The caller holds Emulator.mu for writing.
func (a *accountFamily) addLocked(id string) { a.ids[id] = struct{}{} }

// removeLocked deletes the account id with all its data: its profile,
// its relationship chain (its friends, lists and blocklist, and every
// other account's relations to it) and the account itself. The caller
// holds Emulator.mu for writing.
func (a *accountFamily) removeLocked(id string) {
	a.e.profiles.forgetLocked(id)
	a.e.sns.forgetLocked(id)
	delete(a.ids, id)
}

// importLocked imports the account id, or keeps it when it exists, and
// sets the nickname and the photo URL given (nil: left as they are). The
// caller holds Emulator.mu for writing and has checked the strings.
func (a *accountFamily) importLocked(id string, nick, faceURL *string) {
	a.addLocked(id)
	if nick != nil {
		a.e.profiles.setTagLocked(id, tagNick, tag.String(*nick))
	}
	if faceURL != nil {
		a.e.profiles.setTagLocked(id, tagImage, tag.String(*faceURL))
	}
}

// badRequest is the bad-parameter code of the operation op (70402 for
// the account family).
func (a *accountFamily) badRequest(op *spec.Operation) int32 {
	return int32(a.e.env.codes[op.ID].badRequest)
}

// importAccount serves v4/im_open_login_svc/account_import: it imports
// UserID, or keeps it when it exists, and sets Nick and FaceUrl, when
// given, as the profile's Tag_Profile_IM_Nick and Tag_Profile_IM_Image.
// A string over its byte limit (the schema counts characters, the service
// bytes: spec.CheckImportAccountRequest) fails the call with 70402.
func (a *accountFamily) importAccount(_ context.Context, req gen.ImportAccountRequestObject) (gen.ImportAccountResponseObject, error) {
	b := req.Body
	if p := spec.CheckImportAccountRequest(b); p != nil {
		return gen.ImportAccount200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: a.badRequest(spec.ImportAccount), ErrorInfo: ptr("Err_TLS_PT_Open_Login_Invalid_Param: " + p.Error())}, nil
	}
	a.e.mu.Lock()
	a.importLocked(b.UserID, b.Nick, b.FaceURL)
	a.e.mu.Unlock()
	return gen.ImportAccount200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}, nil
}

// importAccounts serves v4/im_open_login_svc/multiaccount_import, in
// both of its shapes: Accounts (UserIDs only) and AccountList (UserID
// with optional Nick and FaceUrl, set on new and existing accounts
// alike, as account_import does).
//
// The items are imported in order. An item whose UserID, Nick or FaceUrl
// breaks its byte limit (spec.CheckUserID, spec.CheckImportAccountItem:
// the schema counts characters, the service bytes) fails, changes
// nothing, and its UserID is listed in FailAccounts (once, however often
// it failed). The vendor's page does not make a UserID given twice a
// failure (its own sample request names UserID_002 twice with two
// nicknames): each occurrence is imported in turn, so the later Nick and
// FaceUrl win. FailAccounts is left out when no item failed.
func (a *accountFamily) importAccounts(_ context.Context, req gen.ImportAccountsRequestObject) (gen.ImportAccountsResponseObject, error) {
	b := req.Body
	var failed []string
	seen := map[string]bool{}
	fail := func(id string) {
		if !seen[id] {
			seen[id] = true
			failed = append(failed, id)
		}
	}
	a.e.mu.Lock()
	for _, id := range b.Accounts {
		if spec.CheckUserID(id) != "" {
			fail(id)
			continue
		}
		a.importLocked(id, nil, nil)
	}
	for i := range b.AccountList {
		it := &b.AccountList[i]
		if spec.CheckImportAccountItem(it) != nil {
			fail(it.UserID)
			continue
		}
		a.importLocked(it.UserID, it.Nick, it.FaceURL)
	}
	a.e.mu.Unlock()
	return gen.ImportAccounts200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), FailAccounts: failed}, nil
}

// deleteAccounts serves v4/im_open_login_svc/account_delete: each
// DeleteItem, in order, deletes its account with all its data (see
// removeLocked) and gets ResultCode 0; an account that does not exist, or
// no longer does (a UserID given twice is deleted by its first item),
// gets 70107 with Err_TLS_PT_Open_Login_Account_Not_Exist, and a UserID
// over 32 bytes 70402.
func (a *accountFamily) deleteAccounts(_ context.Context, req gen.DeleteAccountsRequestObject) (gen.DeleteAccountsResponseObject, error) {
	b := req.Body
	resp := gen.DeleteAccounts200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
	resp.ResultItem = make([]gen.AccountDeleteResult, len(b.DeleteItem))
	a.e.mu.Lock()
	defer a.e.mu.Unlock()
	for i := range b.DeleteItem {
		id := b.DeleteItem[i].UserID
		r := &resp.ResultItem[i]
		r.UserID = id
		switch p := spec.CheckDeleteAccountItem(&b.DeleteItem[i]); {
		case p != nil:
			r.ResultCode, r.ResultInfo = a.badRequest(spec.DeleteAccounts), ptr("Err_TLS_PT_Open_Login_Invalid_Param: "+p.Error())
		case !a.exists(id):
			r.ResultCode, r.ResultInfo = codeAccountNotFound, ptr(infoAccountNotFound)
		default:
			a.removeLocked(id)
			r.ResultInfo = ptr("")
		}
	}
	return resp, nil
}

// checkAccounts serves v4/im_open_login_svc/account_check: each
// CheckItem, in order, gets ResultCode 0 and AccountStatus Imported or
// NotImported; a UserID over 32 bytes fails alone with 70402.
func (a *accountFamily) checkAccounts(_ context.Context, req gen.CheckAccountsRequestObject) (gen.CheckAccountsResponseObject, error) {
	b := req.Body
	resp := gen.CheckAccounts200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
	resp.ResultItem = make([]gen.AccountCheckResult, len(b.CheckItem))
	a.e.mu.RLock()
	defer a.e.mu.RUnlock()
	for i := range b.CheckItem {
		id := b.CheckItem[i].UserID
		r := &resp.ResultItem[i]
		r.UserID = id
		if p := spec.CheckCheckAccountItem(&b.CheckItem[i]); p != nil {
			r.ResultCode, r.ResultInfo = a.badRequest(spec.CheckAccounts), ptr("Err_TLS_PT_Open_Login_Invalid_Param: "+p.Error())
			continue
		}
		status := gen.AccountStatusNotImported
		if a.exists(id) {
			status = gen.AccountStatusImported
		}
		r.ResultInfo, r.AccountStatus = ptr(""), &status
	}
	return resp, nil
}

// kickAccount serves v4/im_open_login_svc/kick: an existing account is
// kicked, which changes nothing, since no one logs in to an emulator; an
// account that does not exist fails the call with 70107, a UserID over 32
// bytes with 70402.
func (a *accountFamily) kickAccount(_ context.Context, req gen.KickAccountRequestObject) (gen.KickAccountResponseObject, error) {
	b := req.Body
	if p := spec.CheckKickAccountRequest(b); p != nil {
		return gen.KickAccount200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: a.badRequest(spec.KickAccount), ErrorInfo: ptr("Err_TLS_PT_Open_Login_Invalid_Param: " + p.Error())}, nil
	}
	a.e.mu.RLock()
	exists := a.exists(b.UserID)
	a.e.mu.RUnlock()
	if !exists {
		return gen.KickAccount200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeAccountNotFound, ErrorInfo: ptr(infoAccountNotFound)}, nil
	}
	return gen.KickAccount200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}, nil
}

// getOnlineStatus serves v4/openim/query_online_status: each To_Account,
// in order (an account named again is answered again), is in QueryResult
// with State and Status Offline when it exists (the vendor's page names
// the field State, the SDKs read Status), and in ErrorList with 70107
// when it does not (70402 for a UserID over 32 bytes).
//
// No one logs in to an emulator, so no account is logged in on any
// platform: with IsNeedDetail=1 an account has no Detail, as the
// Offline account of the vendor's sample answer with details has none.
// QueryResult is always sent (empty when every account failed),
// ErrorList only when some account failed.
func (a *accountFamily) getOnlineStatus(_ context.Context, req gen.GetOnlineStatusRequestObject) (gen.GetOnlineStatusResponseObject, error) {
	b := req.Body
	resp := gen.GetOnlineStatus200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
	resp.QueryResult = make([]gen.OnlineStatusResult, 0, len(b.ToAccount))
	offline := gen.OnlineStateOffline
	a.e.mu.RLock()
	defer a.e.mu.RUnlock()
	for _, id := range b.ToAccount {
		switch {
		case spec.CheckGetOnlineStatusRequestItem(id) != nil:
			resp.ErrorList = append(resp.ErrorList, gen.OnlineStatusError{ToAccount: id, ErrorCode: a.badRequest(spec.GetOnlineStatus)})
		case !a.exists(id):
			resp.ErrorList = append(resp.ErrorList, gen.OnlineStatusError{ToAccount: id, ErrorCode: codeAccountNotFound})
		default:
			resp.QueryResult = append(resp.QueryResult, gen.OnlineStatusResult{ToAccount: id, State: &offline, Status: &offline})
		}
	}
	return resp, nil
}
