package emulator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// chainProblems lists what is inconsistent in the relationship chains:
// a friend list and its index that disagree, a reverse index (fans,
// blockers) that misses a relation or names one that does not exist, a
// relation naming an account that does not exist, a member of a list
// the account does not have, and a blocked pair with a friend relation.
// The caller holds e.mu.
func chainProblems(e *Emulator) []string {
	s := e.sns
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for id, ch := range s.chains {
		if len(ch.friends) != len(ch.byTo) {
			bad("%s: %d friends, %d in byTo", id, len(ch.friends), len(ch.byTo))
		}
		for _, f := range ch.friends {
			if ch.byTo[f.ToAccount] != f {
				bad("%s: friend %s is not in byTo", id, f.ToAccount)
			}
			if !e.accounts.exists(f.ToAccount) {
				bad("%s: friend %s is no account", id, f.ToAccount)
			}
			if _, ok := s.chainOf(f.ToAccount).fans[id]; !ok {
				bad("%s: friend %s does not list %s among its fans", id, f.ToAccount, id)
			}
			if s.eitherBlocked(id, f.ToAccount) {
				bad("%s: friend %s, yet one has blocked the other", id, f.ToAccount)
			}
			for _, g := range f.GroupName {
				if !slices.Contains(ch.lists, g) {
					bad("%s: friend %s is in %s, not a list of %s", id, f.ToAccount, g, id)
				}
			}
		}
		for fan := range ch.fans {
			if !s.isFriend(fan, id) {
				bad("%s: fan %s does not have %s as a friend", id, fan, id)
			}
		}
		if len(ch.blocked) != len(ch.blockOf) {
			bad("%s: %d blocked, %d in blockOf", id, len(ch.blocked), len(ch.blockOf))
		}
		for _, b := range ch.blocked {
			if ch.blockOf[b.ToAccount] != b {
				bad("%s: blocked %s is not in blockOf", id, b.ToAccount)
			}
			if !e.accounts.exists(b.ToAccount) {
				bad("%s: blocked %s is no account", id, b.ToAccount)
			}
			if _, ok := s.chainOf(b.ToAccount).blockers[id]; !ok {
				bad("%s: blocked %s does not list %s among its blockers", id, b.ToAccount, id)
			}
		}
		for blocker := range ch.blockers {
			if !s.isBlocked(blocker, id) {
				bad("%s: blocker %s has not blocked %s", id, blocker, id)
			}
		}
		if len(uniq(ch.lists)) != len(ch.lists) {
			bad("%s: lists repeat: %v", id, ch.lists)
		}
	}
	return out
}

// TestForgetLocked: forgetting an account removes its friends, the
// others' relations to it (from their lists too), its lists, its
// blocklist and the others' blocks of it; the others' sequences move,
// their other relations stay.
func TestForgetLocked(t *testing.T) {
	e, err := New(Config{SDKAppID: 1400000001, Key: "forget-test-key", Seed: &Seed{
		Accounts: []Account{{UserID: "x"}, {UserID: "a"}, {UserID: "b"}, {UserID: "c"}, {UserID: "d"}},
		Friends: map[string][]gen.AddFriendItem{
			"x": {{ToAccount: "a", AddSource: "AddSource_Type_Web", GroupName: []string{"xl"}}},
			"a": {{ToAccount: "x", AddSource: "AddSource_Type_Web", GroupName: []string{"al"}}, {ToAccount: "b", AddSource: "AddSource_Type_Web", GroupName: []string{"al"}}},
			"b": {{ToAccount: "x", AddSource: "AddSource_Type_Web", CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_R", Value: tag.Int(1)}}}},
		},
		Blocklists: map[string][]string{"x": {"c"}, "d": {"x", "c"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.sns
	a, b, d := s.chains["a"], s.chains["b"], s.chains["d"]
	aSeq, aStd, bCust, dBlock := a.seq, a.stdSeq, b.custSeq, d.blockSeq
	s.forgetLocked("x")
	delete(e.accounts.ids, "x") // as account_delete does after it
	if s.chains["x"] != nil {
		t.Error("x still has a chain")
	}
	if got := namesOf(a.friends); !slices.Equal(got, []string{"b"}) {
		t.Errorf("a's friends %v", got)
	}
	if got := namesOf(b.friends); len(got) != 0 {
		t.Errorf("b's friends %v", got)
	}
	if _, ok := s.chains["c"].blockers["x"]; ok || len(s.chains["c"].blockers) != 1 {
		t.Errorf("c's blockers %v", s.chains["c"].blockers)
	}
	if got := d.blocked; len(got) != 1 || got[0].ToAccount != "c" {
		t.Errorf("d's blocklist %v", got)
	}
	if a.seq != aSeq+1 || a.stdSeq != aStd+1 || b.custSeq != bCust+1 || d.blockSeq != dBlock+1 {
		t.Errorf("sequences: a %d→%d %d→%d, b custom %d→%d, d blocklist %d→%d", aSeq, a.seq, aStd, a.stdSeq, bCust, b.custSeq, dBlock, d.blockSeq)
	}
	if _, ok := a.fans["x"]; ok {
		t.Error("a still lists x among its fans")
	}
	if p := chainProblems(e); len(p) != 0 {
		t.Errorf("after forgetting x: %q", p)
	}
	s.forgetLocked("x") // forgetting twice, or an account without a chain, does nothing
	s.forgetLocked("nobody")
}

func namesOf(fs []*Friend) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ToAccount
	}
	return out
}

// TestChainStaysConsistent runs thousands of random relationship chain
// calls (and forgets) on a few accounts and checks after each that the
// chains are consistent and that a blocked pair is never friends.
func TestChainStaysConsistent(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e", "f"}
	seed := &Seed{}
	for i, id := range ids {
		acc := Account{UserID: id}
		if i%2 == 0 {
			acc.Profile = []gen.TagItem{{Tag: tagAllowType, Value: tag.String(allowAny)}}
		}
		seed.Accounts = append(seed.Accounts, acc)
	}
	e, err := New(Config{SDKAppID: 1400000001, Key: "consistency-test-key", Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	s := e.sns
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func() string { return ids[rng.IntN(len(ids))] }
	some := func() []string {
		out := make([]string, 1+rng.IntN(3))
		for i := range out {
			out[i] = pick()
		}
		return out
	}
	lists := []string{"l1", "l2", "l3"}
	ctx := context.Background()
	maxFriends, maxBlocks, maxInLists := 0, 0, 0 // the run must reach states worth checking
	for step := range 3000 {
		from := pick()
		var what string
		switch op := rng.IntN(11); op {
		case 0:
			items := []gen.FriendAddItem{}
			for _, to := range some() {
				items = append(items, gen.FriendAddItem{ToAccount: to, AddSource: "AddSource_Type_Web", GroupName: ptr(lists[rng.IntN(3)])})
			}
			typ := []gen.AddType{gen.AddTypeBoth, gen.AddTypeSingle}[rng.IntN(2)]
			s.addFriends(ctx, gen.AddFriendsRequestObject{Body: &gen.AddFriendsRequest{FromAccount: from, AddFriendItem: items, AddType: &typ, ForceAddFlags: ptr(int32(rng.IntN(2)))}})
			what = "friend_add"
		case 1:
			items := []gen.AddFriendItem{}
			for _, to := range some() {
				items = append(items, gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Web", GroupName: lists[:rng.IntN(3)]})
			}
			s.importFriends(ctx, gen.ImportFriendsRequestObject{Body: &gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: items}})
			what = "friend_import"
		case 2:
			typ := []gen.DeleteType{gen.DeleteTypeBoth, gen.DeleteTypeSingle}[rng.IntN(2)]
			s.deleteFriends(ctx, gen.DeleteFriendsRequestObject{Body: &gen.DeleteFriendsRequest{FromAccount: from, ToAccount: some(), DeleteType: &typ}})
			what = "friend_delete"
		case 3:
			typ := []gen.DeleteType{gen.DeleteTypeBoth, gen.DeleteTypeSingle}[rng.IntN(2)]
			s.deleteAllFriends(ctx, gen.DeleteAllFriendsRequestObject{Body: &gen.DeleteAllFriendsRequest{FromAccount: from, DeleteType: &typ}})
			what = "friend_delete_all"
		case 4, 5:
			s.blockAccounts(ctx, gen.BlockAccountsRequestObject{Body: &gen.BlockAccountsRequest{FromAccount: from, ToAccount: some()}})
			what = "black_list_add"
		case 6:
			s.unblockAccounts(ctx, gen.UnblockAccountsRequestObject{Body: &gen.UnblockAccountsRequest{FromAccount: from, ToAccount: some()}})
			what = "black_list_delete"
		case 7:
			s.addFriendLists(ctx, gen.AddFriendListsRequestObject{Body: &gen.AddFriendListsRequest{FromAccount: from, GroupName: []string{lists[rng.IntN(3)]}, ToAccount: some()}})
			what = "group_add"
		case 8:
			s.deleteFriendLists(ctx, gen.DeleteFriendListsRequestObject{Body: &gen.DeleteFriendListsRequest{FromAccount: from, GroupName: []string{lists[rng.IntN(3)]}}})
			what = "group_delete"
		case 9:
			items := []gen.FriendUpdateItem{{ToAccount: pick(), SNSItem: []gen.FriendUpdateTag{{Tag: tagFriendLists, Value: tag.Strings(lists[:rng.IntN(3)]...)}}}}
			s.updateFriends(ctx, gen.UpdateFriendsRequestObject{Body: &gen.UpdateFriendsRequest{FromAccount: from, UpdateItem: items}})
			what = "friend_update"
		case 10: // delete the account and import it again
			e.mu.Lock()
			s.forgetLocked(from)
			delete(e.accounts.ids, from)
			e.mu.Unlock()
			e.AddAccounts(from)
			what = "forget"
		}
		e.mu.RLock()
		p := chainProblems(e)
		friends, blocks, inLists := 0, 0, 0
		for _, ch := range s.chains {
			friends += len(ch.friends)
			blocks += len(ch.blocked)
			for _, f := range ch.friends {
				inLists += len(f.GroupName)
			}
		}
		e.mu.RUnlock()
		if len(p) > 0 {
			t.Fatalf("step %d, %s from %s: %q", step, what, from, p)
		}
		maxFriends, maxBlocks, maxInLists = max(maxFriends, friends), max(maxBlocks, blocks), max(maxInLists, inLists)
	}
	if maxFriends < 10 || maxBlocks < 5 || maxInLists < 5 {
		t.Errorf("the run never had more than %d friends, %d blocks, %d list memberships", maxFriends, maxBlocks, maxInLists)
	}
}
