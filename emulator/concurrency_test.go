package emulator_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/timrest/timrest/gen"
)

// TestConcurrentImportConflict holds one import for alice inside its
// write lock and sends a second one: the second gets 30008, an import for
// another account at the same time succeeds, and the first completes.
func TestConcurrentImportConflict(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.emu.SetImportHook(func(from string) {
		if from == "alice" {
			once.Do(func() {
				close(entered)
				<-release
			})
		}
	})
	req := func(from, to string) gen.ImportFriendsRequest {
		return gen.ImportFriendsRequest{FromAccount: from, AddFriendItem: []gen.AddFriendItem{{ToAccount: to, AddSource: "AddSource_Type_Web"}}}
	}
	first := make(chan *gen.ImportFriendsHTTPResponse)
	go func() {
		resp, err := f.client.ImportFriendsWithResponse(ctx, req("alice", "dave"))
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	<-entered
	second, err := f.client.ImportFriendsWithResponse(ctx, req("alice", "dave"))
	if err != nil {
		t.Fatal(err)
	}
	if a := second.JSON200; a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 30008 {
		t.Errorf("the second import for alice: %s, want FAIL 30008", second.Body)
	}
	other, err := f.client.ImportFriendsWithResponse(ctx, req("bob", "dave"))
	if err != nil {
		t.Fatal(err)
	}
	if other.JSON200.ErrorCode != 0 {
		t.Errorf("an import for bob meanwhile: %s", other.Body)
	}
	close(release)
	if a := (<-first).JSON200; a.ErrorCode != 0 || a.FailAccount != nil {
		t.Errorf("the first import: %+v", a)
	}
	if got := len(f.emu.Friends("alice")); got != 4 {
		t.Errorf("alice has %d friends, want 4", got)
	}
	// Retrying later succeeds.
	if again, err := f.client.ImportFriendsWithResponse(ctx, req("alice", "dave")); err != nil || again.JSON200.ErrorCode != 0 {
		t.Errorf("retry: %v %s", err, again.Body)
	}
}

// TestConcurrentTraffic runs reads and imports for distinct accounts in
// parallel; under -race it checks the locking.
func TestConcurrentTraffic(t *testing.T) {
	t.Parallel()
	f := start(t)
	ctx := context.Background()
	var ids []string
	for i := range 8 {
		ids = append(ids, fmt.Sprintf("worker%d", i))
	}
	if err := f.emu.AddAccounts(ids...); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for _, id := range ids {
		wg.Go(func() {
			for i := range 20 {
				resp, err := f.client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: id, AddFriendItem: []gen.AddFriendItem{
					{ToAccount: "alice", AddSource: "AddSource_Type_Web", GroupName: []string{fmt.Sprintf("l%d", i%4)}},
				}})
				if err != nil || resp.JSON200.ErrorCode != 0 {
					t.Errorf("import %s: %v", id, err)
					return
				}
				if _, err := f.client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: id, NeedFriend: ptr(gen.NeedFriendYes)}); err != nil {
					t.Error(err)
				}
				_ = f.emu.Friends(id)
				_ = f.emu.Stats()
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if fr := f.emu.Friends(id); len(fr) != 1 || fr[0].GroupName[0] != "l3" {
			t.Errorf("%s: friends %+v", id, fr)
		}
	}
}
