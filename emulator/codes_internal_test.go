package emulator

import (
	"slices"
	"testing"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/spec"
)

// TestCodesAreDocumented checks every code the emulator answers with
// against the document (internal/spec): the operation's codes or the
// public ones, with the expected class.
func TestCodesAreDocumented(t *testing.T) {
	public := map[int]spec.Class{
		codeHTTPParse: spec.ClassBadRequest, codeBadJSON: spec.ClassBadRequest,
		codeBadSDKAppID: spec.ClassConfig, codeRateLimited: spec.ClassRateLimited,
		codeBadURL: spec.ClassBadRequest, codeNeedAdmin: spec.ClassPermission,
		codeMissingAppID: spec.ClassBadRequest, codeBadQuery: spec.ClassBadRequest,
		codeSigExpired: spec.ClassAuth, codeSigEmpty: spec.ClassAuth,
		codeSigInvalid: spec.ClassAuth, codeSigCheckFailed: spec.ClassAuth,
		codeSigIdentifier: spec.ClassAuth, codeSigAppID: spec.ClassAuth,
		codeInvalidParam: spec.ClassBadRequest, codeInternal: spec.ClassTransient,
	}
	for code, class := range public {
		e, ok := spec.PublicErrors[code]
		if !ok || e.Class != class {
			t.Errorf("public code %d: %+v %v, want class %s", code, e, ok, class)
		}
	}
	ops := []struct {
		op    *spec.Operation
		code  int
		class spec.Class
	}{
		{spec.GetFriends, codeSNSNotFriend, spec.ClassBadRequest},
		{spec.GetFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.GetFriendLists, codeSNSNoAccount, spec.ClassNotFound},
		{spec.ImportFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.ImportFriends, codeSNSConflict, spec.ClassConflict},
		{spec.ImportFriends, codeSNSFriendLimit, spec.ClassLimit},
		{spec.ImportFriends, codeSNSListLimit, spec.ClassLimit},
		{spec.ListGroupIDs, codeGroupAnswerLimit, spec.ClassLimit},
		{spec.AddFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.AddFriends, codeSNSConflict, spec.ClassConflict},
		{spec.AddFriends, codeSNSFriendLimit, spec.ClassLimit},
		{spec.AddFriends, codeSNSListLimit, spec.ClassLimit},
		{spec.AddFriends, codeSNSAddForbidden, spec.ClassConflict},
		{spec.AddFriends, codeSNSPeerFriendLimit, spec.ClassLimit},
		{spec.AddFriends, codeSNSInMyBlocklist, spec.ClassConflict},
		{spec.AddFriends, codeSNSDeniesAll, spec.ClassConflict},
		{spec.AddFriends, codeSNSInTheirBlocklist, spec.ClassConflict},
		{spec.AddFriends, codeSNSPending, spec.ClassConflict},
		{spec.UpdateFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.UpdateFriends, codeSNSConflict, spec.ClassConflict},
		{spec.UpdateFriends, codeSNSListLimit, spec.ClassLimit},
		{spec.DeleteFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.DeleteFriends, codeSNSDeleteNotFriend, spec.ClassConflict},
		{spec.DeleteAllFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.CheckFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.ListFriends, codeSNSNoAccount, spec.ClassNotFound},
		{spec.BlockAccounts, codeSNSNoAccount, spec.ClassNotFound},
		{spec.BlockAccounts, codeSNSBlocklistFull, spec.ClassLimit},
		{spec.UnblockAccounts, codeSNSNoAccount, spec.ClassNotFound},
		{spec.ListBlocked, codeSNSNoAccount, spec.ClassNotFound},
		{spec.CheckBlocked, codeSNSNoAccount, spec.ClassNotFound},
		{spec.AddFriendLists, codeSNSNoAccount, spec.ClassNotFound},
		{spec.AddFriendLists, codeSNSListLimit, spec.ClassLimit},
		{spec.AddFriendLists, codeSNSListNotFriend, spec.ClassConflict},
		{spec.DeleteFriendLists, codeSNSNoAccount, spec.ClassNotFound},
	}
	// Every operation of the family answers 30001 as its bad-parameter
	// code (the per-item refusals the pages give 30001 use it).
	ev, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range spec.Operations {
		if o.Family == "sns" && ev.codes[o.ID].badRequest != 30001 {
			t.Errorf("%s: bad-parameter code %d, want 30001", o.ID, ev.codes[o.ID].badRequest)
		}
	}
	for _, o := range ops {
		if e, ok := o.op.Errors[o.code]; !ok || e.Class != o.class {
			t.Errorf("%s: code %d is not among its codes with class %s", o.op.ID, o.code, o.class)
		}
	}
	env, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		codes opCodes
		rate  float64
	}{
		spec.GetFriendLists.ID: {opCodes{badRequest: 30001, permission: 30004, transient: []int{30006, 30007}}, 200},
		spec.GetFriends.ID:     {opCodes{badRequest: 30001, permission: 30004, transient: []int{30006, 30007}}, 200},
		spec.ImportFriends.ID:  {opCodes{badRequest: 30001, permission: 30004, transient: []int{30006, 30007}}, 200},
		spec.ListGroupIDs.ID:   {opCodes{badRequest: 10004, permission: 10007, transient: []int{10002}}, 1},
	}
	for op, w := range want {
		g := env.codes[op]
		if g.badRequest != w.codes.badRequest || g.permission != w.codes.permission || !slices.Equal(g.transient, w.codes.transient) {
			t.Errorf("%s: derived %+v, want %+v", op, g, w.codes)
		}
		if r := spec.ByID(op).Rate; r != w.rate {
			t.Errorf("%s: rate %v, want %v", op, r, w.rate)
		}
	}
	if len(env.codes) != len(spec.Operations) {
		t.Errorf("codes for %d operations, want all %d", len(env.codes), len(spec.Operations))
	}
}

// TestCodesOfAnOperationWithoutCodes: an operation whose codes lack a
// class (a new family without an error set) is answered with the public
// code of that class, so that every operation can be served.
func TestCodesOfAnOperationWithoutCodes(t *testing.T) {
	got := codesOf(&spec.Operation{ID: "New"})
	if got.badRequest != codeInvalidParam || got.permission != codeNeedAdmin || !slices.Equal(got.transient, []int{codeInternal}) {
		t.Errorf("codes %+v, want the public 70402, 60010 and 70500", got)
	}
	// The lowest code of a class wins; transient codes are sorted.
	got = codesOf(&spec.Operation{ID: "Some", Errors: map[int]spec.ErrorCode{
		40002: {Code: 40002, Class: spec.ClassBadRequest}, 40001: {Code: 40001, Class: spec.ClassBadRequest},
		40009: {Code: 40009, Class: spec.ClassTransient}, 40008: {Code: 40008, Class: spec.ClassTransient},
		40004: {Code: 40004, Class: spec.ClassPermission},
	}})
	if got.badRequest != 40001 || got.permission != 40004 || !slices.Equal(got.transient, []int{40008, 40009}) {
		t.Errorf("codes %+v", got)
	}
}

// TestLimitsAreTheDocuments checks the limits the emulator applies
// against the document: the prose limits of spec, and the default page of
// get_appid_group_list, which is the maximum its Limit schema allows.
func TestLimitsAreTheDocuments(t *testing.T) {
	if spec.LimitFriendsPerAccount != 3000 || spec.LimitFriendListsPerAccount != 32 || spec.LimitGroupAnswerBytes != 1<<20 {
		t.Errorf("limits %d %d %d", spec.LimitFriendsPerAccount, spec.LimitFriendListsPerAccount, spec.LimitGroupAnswerBytes)
	}
	page := func(n int64) *spec.Problem { return spec.CheckListGroupIDsRequest(&gen.ListGroupIDsRequest{Limit: &n}) }
	if p := page(defaultGroupPage); p != nil {
		t.Errorf("the default page %d breaks the schema: %v", defaultGroupPage, p)
	}
	if p := page(defaultGroupPage + 1); p == nil {
		t.Errorf("the schema allows a Limit above the default page %d", defaultGroupPage)
	}
}

// TestQueryParamsAreTheDocuments checks that the emulator's special cases
// name parameters the document has.
func TestQueryParamsAreTheDocuments(t *testing.T) {
	names := contract.MustLoad().QueryParamNames()
	for _, n := range []string{"sdkappid", "identifier", "usersig", "random", "contenttype"} {
		if !slices.Contains(names, n) {
			t.Errorf("query parameter %s is not in the document (%v)", n, names)
		}
	}
}
