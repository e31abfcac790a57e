package emulator_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/redact"
)

// BenchmarkEmulator measures each endpoint over loopback HTTP with the
// generated client and auth's Signer (no validating transport), calls in
// parallel, rate limits off.
//
//	go test ./emulator -run '^$' -bench BenchmarkEmulator -benchmem
func BenchmarkEmulator(b *testing.B) {
	seed := emulator.SampleSeed()
	seed.Groups = append(seed.Groups, emulator.GenerateGroups(5000, 99)...)
	const workers = 256
	for i := range workers {
		seed.Accounts = append(seed.Accounts, emulator.Account{UserID: fmt.Sprintf("bench%03d", i)})
	}
	cfg := emulator.Config{SDKAppID: testAppID, Key: emulatortest.NewKey(b), Seed: seed}
	base, _ := emulatortest.Start(b, cfg)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 4 * runtime.GOMAXPROCS(0) * 4
	b.Cleanup(tr.CloseIdleConnections)
	client, err := gen.NewClientWithResponses(base,
		gen.WithHTTPClient(&http.Client{Transport: tr}),
		gen.WithRequestEditorFn(emulatortest.NewSigner(b, cfg, emulator.DefaultAdmin).Edit))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	yes := gen.NeedFriendYes
	limit := int64(100)
	var next atomic.Int64

	ops := []struct {
		name string
		call func(worker string) (int32, error)
	}{
		{"GetFriendLists", func(string) (int32, error) {
			r, err := client.GetFriendListsWithResponse(ctx, gen.GetFriendListsRequest{FromAccount: "alice", NeedFriend: &yes})
			if err != nil {
				return 0, err
			}
			return r.JSON200.ErrorCode, nil
		}},
		{"GetFriends", func(string) (int32, error) {
			r, err := client.GetFriendsWithResponse(ctx, gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"bob", "carol", "erin"},
				TagList: []string{"Tag_Profile_IM_Nick", "Tag_Profile_IM_Level", "Tag_SNS_IM_Group", "Tag_SNS_IM_Remark", "Tag_SNS_Custom_Rank"}})
			if err != nil {
				return 0, err
			}
			return r.JSON200.ErrorCode, nil
		}},
		{"ListGroupIDs", func(string) (int32, error) {
			r, err := client.ListGroupIDsWithResponse(ctx, gen.ListGroupIDsRequest{Limit: &limit})
			if err != nil {
				return 0, err
			}
			return r.JSON200.ErrorCode, nil
		}},
		{"ImportFriends", func(worker string) (int32, error) {
			r, err := client.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: worker, AddFriendItem: []gen.AddFriendItem{
				{ToAccount: "alice", AddSource: "AddSource_Type_Bench", GroupName: []string{"bench"}},
				{ToAccount: "bob", AddSource: "AddSource_Type_Bench"},
			}})
			if err != nil {
				return 0, err
			}
			return r.JSON200.ErrorCode, nil
		}},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				worker := fmt.Sprintf("bench%03d", next.Add(1)%workers)
				for pb.Next() {
					code, err := op.call(worker)
					if err != nil {
						b.Error(redact.Error(err)) // the URL carries the UserSig
						return
					}
					if code != 0 {
						b.Errorf("ErrorCode %d", code)
						return
					}
				}
			})
		})
	}
}

// BenchmarkLargeLists measures calls whose lists are as long as a body
// of about 2 MB allows, over loopback HTTP, validation included: 200,000
// GroupName values for group_get (such a call used to take 29 s, with
// the emulator's lock held), and 100,000 TagList values for each of
// 1,000 To_Account entries of friend_get_list.
//
//	go test ./emulator -run '^$' -bench BenchmarkLargeLists -benchmem
func BenchmarkLargeLists(b *testing.B) {
	cfg := emulator.Config{SDKAppID: testAppID, Key: emulatortest.NewKey(b), Seed: emulator.SampleSeed(), Now: newClock().Now}
	base, _ := emulatortest.Start(b, cfg)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	b.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	q := newCaller(b, base, cfg).query().Encode()
	list := func(n int, prefix string) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%q", prefix+strconv.Itoa(i))
		}
		return sb.String()
	}
	for _, bc := range []struct{ name, path, body string }{
		{"GroupName200k", pathGroupGet, `{"From_Account":"alice","GroupName":[` + list(200000, "list") + `,"work"]}`},
		{"ToAccount1kTagList100k", pathFriendGet, `{"From_Account":"alice","To_Account":[` + strings.Repeat(`"bob",`, 999) + `"bob"],"TagList":[` +
			list(100000, "Tag_SNS_Custom_X") + `,"Tag_SNS_IM_Remark"]}`},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				resp, err := client.Post(base+bc.path+"?"+q, "application/json", strings.NewReader(bc.body))
				if err != nil {
					b.Fatal(redact.Error(err))
				}
				raw, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || !strings.Contains(string(raw), `"ErrorCode":0`) {
					b.Fatalf("answer %.200s (%v)", raw, err)
				}
			}
		})
	}
}
