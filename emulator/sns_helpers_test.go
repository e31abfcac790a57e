package emulator_test

import (
	"context"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
)

// api calls the relationship chain operations through a validating
// generated client (every request and answer is checked against
// openapi/) and returns the decoded answers; a transport error or an
// answer that is not JSON ends the test.
type api struct {
	t *testing.T
	c *gen.ClientWithResponses
}

// startWorld starts an emulator with the seed s and returns its fixture
// and an api for it.
func startWorld(t *testing.T, s *emulator.Seed) (*fixture, api) {
	t.Helper()
	f := start(t, func(cfg *emulator.Config) { cfg.Seed = s })
	return f, api{t, f.client}
}

// answer returns a call's decoded answer.
func answer[A any](t *testing.T, json200 *A, body []byte) *A {
	t.Helper()
	if json200 == nil {
		t.Fatalf("answer %s is not a JSON answer", body)
	}
	return json200
}

var bg = context.Background()

func (a api) add(req gen.AddFriendsRequest) *gen.AddFriendsResponse {
	a.t.Helper()
	r, err := a.c.AddFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) update(req gen.UpdateFriendsRequest) *gen.UpdateFriendsResponse {
	a.t.Helper()
	r, err := a.c.UpdateFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) del(req gen.DeleteFriendsRequest) *gen.DeleteFriendsResponse {
	a.t.Helper()
	r, err := a.c.DeleteFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) delAll(req gen.DeleteAllFriendsRequest) *gen.DeleteAllFriendsResponse {
	a.t.Helper()
	r, err := a.c.DeleteAllFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) check(req gen.CheckFriendsRequest) *gen.CheckFriendsResponse {
	a.t.Helper()
	r, err := a.c.CheckFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) list(req gen.ListFriendsRequest) *gen.ListFriendsResponse {
	a.t.Helper()
	r, err := a.c.ListFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) get(req gen.GetFriendsRequest) *gen.GetFriendsResponse {
	a.t.Helper()
	r, err := a.c.GetFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) imp(req gen.ImportFriendsRequest) *gen.ImportFriendsResponse {
	a.t.Helper()
	r, err := a.c.ImportFriendsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) block(req gen.BlockAccountsRequest) *gen.BlockAccountsResponse {
	a.t.Helper()
	r, err := a.c.BlockAccountsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) unblock(req gen.UnblockAccountsRequest) *gen.UnblockAccountsResponse {
	a.t.Helper()
	r, err := a.c.UnblockAccountsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) blocked(req gen.ListBlockedRequest) (*gen.ListBlockedResponse, []byte) {
	a.t.Helper()
	r, err := a.c.ListBlockedWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body), r.Body
}

func (a api) checkBlocked(req gen.CheckBlockedRequest) *gen.CheckBlockedResponse {
	a.t.Helper()
	r, err := a.c.CheckBlockedWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) addLists(req gen.AddFriendListsRequest) *gen.AddFriendListsResponse {
	a.t.Helper()
	r, err := a.c.AddFriendListsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) delLists(req gen.DeleteFriendListsRequest) *gen.DeleteFriendListsResponse {
	a.t.Helper()
	r, err := a.c.DeleteFriendListsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

func (a api) lists(req gen.GetFriendListsRequest) *gen.GetFriendListsResponse {
	a.t.Helper()
	r, err := a.c.GetFriendListsWithResponse(bg, req)
	if err != nil {
		a.t.Fatal(err)
	}
	return answer(a.t, r.JSON200, r.Body)
}

// relation returns friend_check's Both relation of from with to.
func (a api) relation(from, to string) gen.FriendRelation {
	a.t.Helper()
	r := a.check(gen.CheckFriendsRequest{FromAccount: from, ToAccount: []string{to}, CheckType: gen.FriendCheckTypeBoth})
	if len(r.InfoItem) != 1 || r.InfoItem[0].ResultCode != 0 {
		a.t.Fatalf("friend_check %s %s: %+v", from, to, r)
	}
	return r.InfoItem[0].Relation
}

// resultCodes returns the ResultCode of each result.
func resultCodes(items []gen.FriendResult) []int32 {
	out := make([]int32, len(items))
	for i, it := range items {
		out[i] = it.ResultCode
	}
	return out
}

// friendNames returns the ToAccount of each friend.
func friendNames(fs []emulator.Friend) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ToAccount
	}
	return out
}

// blockNames returns the ToAccount of each block.
func blockNames(bs []emulator.Block) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ToAccount
	}
	return out
}

// friendOf returns the friend to of from, or nil.
func friendOf(emu *emulator.Emulator, from, to string) *emulator.Friend {
	for _, f := range emu.Friends(from) {
		if f.ToAccount == to {
			return &f
		}
	}
	return nil
}
