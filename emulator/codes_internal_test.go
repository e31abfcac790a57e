package emulator

import (
	"testing"

	"github.com/timrest/timrest/internal/contract"
)

// TestCodesAreDocumented checks every code the emulator answers with
// against openapi/: the operation's x-tim-errors or x-tim-public-errors,
// with the expected class.
func TestCodesAreDocumented(t *testing.T) {
	c := contract.MustLoad()
	public := map[int]contract.Class{
		codeHTTPParse: contract.ClassBadRequest, codeBadJSON: contract.ClassBadRequest,
		codeBadSDKAppID: contract.ClassConfig, codeRateLimited: contract.ClassRateLimited,
		codeBadURL: contract.ClassBadRequest, codeMissingAppID: contract.ClassBadRequest,
		codeBadQuery: contract.ClassBadRequest, codeSigExpired: contract.ClassAuth,
		codeSigEmpty: contract.ClassAuth, codeSigInvalid: contract.ClassAuth,
		codeSigCheckFailed: contract.ClassAuth, codeSigIdentifier: contract.ClassAuth,
		codeSigAppID: contract.ClassAuth,
	}
	for code, class := range public {
		e, ok := c.ErrorCode("", code)
		if !ok || e.Class != class {
			t.Errorf("public code %d: %+v %v, want class %s", code, e, ok, class)
		}
	}
	ops := []struct {
		op    string
		code  int
		class contract.Class
	}{
		{opGetFriends, codeSNSNotFriend, contract.ClassBadRequest},
		{opGetFriends, codeSNSNoAccount, contract.ClassNotFound},
		{opGetFriendLists, codeSNSNoAccount, contract.ClassNotFound},
		{opImportFriends, codeSNSNoAccount, contract.ClassNotFound},
		{opImportFriends, codeSNSConflict, contract.ClassConflict},
		{opImportFriends, codeSNSFriendLimit, contract.ClassLimit},
		{opImportFriends, codeSNSListLimit, contract.ClassLimit},
		{opListGroupIDs, codeGroupAnswerLimit, contract.ClassLimit},
	}
	for _, o := range ops {
		op, _ := c.Operation(o.op)
		found := false
		for _, e := range op.Errors {
			if e.Code == o.code {
				found = e.Class == o.class
			}
		}
		if !found {
			t.Errorf("%s: code %d is not in its x-tim-errors with class %s", o.op, o.code, o.class)
		}
	}
	env, err := loadEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]opCodes{
		opGetFriendLists: {badRequest: 30001, permission: 30004, transient: []int{30006, 30007}, rate: 200},
		opGetFriends:     {badRequest: 30001, permission: 30004, transient: []int{30006, 30007}, rate: 200},
		opImportFriends:  {badRequest: 30001, permission: 30004, transient: []int{30006, 30007}, rate: 200},
		opListGroupIDs:   {badRequest: 10004, permission: 10007, transient: []int{10002}, rate: 1},
	}
	for op, w := range want {
		g := env.ops[op]
		if g.badRequest != w.badRequest || g.permission != w.permission || g.rate != w.rate || len(g.transient) != len(w.transient) {
			t.Errorf("%s: derived %+v, want %+v", op, g, w)
		}
	}
	if l := env.limits; l != (docLimits{userID: 32, remark: 96, addWording: 256, listName: 30, lists: 32, limitMax: 10000, friends: 3000, answer: 1 << 20}) {
		t.Errorf("limits from the document: %+v", l)
	}
}

// TestQueryParamsAreTheDocuments checks that the emulator's special cases
// name parameters the document has.
func TestQueryParamsAreTheDocuments(t *testing.T) {
	names := contract.MustLoad().QueryParamNames()
	for _, n := range []string{"sdkappid", "identifier", "usersig", "random", "contenttype"} {
		found := false
		for _, m := range names {
			found = found || m == n
		}
		if !found {
			t.Errorf("query parameter %s is not in the document (%v)", n, names)
		}
	}
}
