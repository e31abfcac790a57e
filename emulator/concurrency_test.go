package emulator_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

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
	var once, releaseOnce sync.Once
	releaseFirst := func() { releaseOnce.Do(func() { close(release) }) }
	// Registered after the server's Close, so it runs before it: however
	// the test ends, the held import finishes and Close does not wait
	// for it forever.
	t.Cleanup(releaseFirst)
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
	first := make(chan *gen.ImportFriendsHTTPResponse, 1)
	go func() {
		resp, err := f.client.ImportFriendsWithResponse(ctx, req("alice", "dave"))
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	select {
	case <-entered:
	case <-time.After(5 * time.Second):
		t.Fatal("the first import never reached the hook")
	}
	// Should the second import wait for the first (a blocking lock instead
	// of 30008), it would wait until release: give up after 2 s.
	secondCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	second, err := f.client.ImportFriendsWithResponse(secondCtx, req("alice", "dave"))
	if err != nil {
		t.Fatalf("the second import for alice, while the first holds its lock: %v (want an immediate 30008)", err)
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
	releaseFirst()
	if r := <-first; r == nil {
		t.Error("the first import failed")
	} else if a := r.JSON200; a.ErrorCode != 0 || a.FailAccount != nil {
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

// TestConcurrentAddAccounts has goroutines add the same accounts at once:
// AddAccounts leaves existing UserIDs as they are, so none of them may
// fail with "exists already", and each account is added once. Many IDs
// per call widen the window between looking and adding that a check
// outside the write lock would leave.
func TestConcurrentAddAccounts(t *testing.T) {
	t.Parallel()
	f := start(t)
	const rounds, callers, perCall = 100, 8, 300
	for round := range rounds {
		ids := []string{"alice"} // exists already
		for i := range perCall {
			ids = append(ids, fmt.Sprintf("zed%02d_%03d", round, i))
		}
		ids = append(ids, ids[1]) // twice in one call
		var (
			ready sync.WaitGroup
			wg    sync.WaitGroup
			errs  [callers]error
		)
		gate := make(chan struct{})
		for i := range callers {
			ready.Add(1)
			wg.Go(func() {
				ready.Done()
				<-gate
				errs[i] = f.emu.AddAccounts(ids...)
			})
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d: AddAccounts by caller %d: %v", round, i, err)
			}
		}
		for _, id := range ids {
			if f.emu.Friends(id) == nil {
				t.Fatalf("round %d: account %s was not added", round, id)
			}
		}
	}
	if st := f.emu.Friends("alice"); len(st) != 3 {
		t.Errorf("alice, named by every call, was changed: %d friends, want 3", len(st))
	}
}
