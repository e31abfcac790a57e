package emulator

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// newScaleEmulator returns an emulator with the sample data.
func newScaleEmulator(t testing.TB) *Emulator {
	t.Helper()
	e, err := New(Config{SDKAppID: 1400000001, Key: "scale-test-key", Seed: SampleSeed()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// within runs call and fails t when it has not returned after bound. A
// call that overruns goes on in the background (its work cannot be
// stopped), but the test fails at the bound, not when it ends.
func within(t *testing.T, bound time.Duration, call func()) {
	t.Helper()
	done := make(chan time.Duration, 1)
	start := time.Now()
	go func() {
		call()
		done <- time.Since(start)
	}()
	select {
	case d := <-done:
		t.Logf("took %v", d)
	case <-time.After(bound):
		t.Fatalf("not done after %v: the work grows faster than linearly with the input", bound)
	}
}

// letters returns a name of letters only for i (custom tag names allow
// no digits).
func letters(i int) string {
	const abc = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := []byte{abc[i%len(abc)]}
	for i /= len(abc); i > 0; i /= len(abc) {
		b = append(b, abc[i%len(abc)])
	}
	return string(b)
}

// TestLargeListsAreLinear checks that the handlers' work grows linearly
// with the names a request repeats or piles up: group_get's GroupName,
// friend_get_list's TagList, and friend_get_list's To_Account times
// TagList. 200,000 GroupName values (a 1.9 MB body) used to take 29 s
// under the emulator's lock, since the names were de-duplicated with a
// search per name; friend_get_list looked up every requested tag for
// every To_Account, however often it was named.
//
// The bound is generous on purpose: the inputs are sized so that linear
// work takes tens of milliseconds (hundreds with the race detector) and
// the old work more than a minute, so a slow or loaded machine has a
// margin of about 20 before it fails the test. The handlers are called
// directly, without HTTP, JSON decoding and validation, which are
// linear; BenchmarkLargeLists measures whole calls over HTTP.
func TestLargeListsAreLinear(t *testing.T) {
	e := newScaleEmulator(t)
	h := e.behaviours
	ctx := context.Background()
	const bound = 10 * time.Second
	names := func(n int, prefix string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = prefix + strconv.Itoa(i)
		}
		return out
	}
	// hub has 2999 friends; bob, a friend of alice, gets 50,000 custom
	// friend tags.
	friends := names(2999, "friend")
	items := make([]gen.AddFriendItem, len(friends))
	for i, id := range friends {
		items[i] = gen.AddFriendItem{ToAccount: id, AddSource: "AddSource_Type_Test"}
	}
	custom := make([]gen.CustomFriendItem, 50000)
	for i := range custom {
		custom[i] = gen.CustomFriendItem{Tag: prefixSNSCustom + letters(i), Value: tag.Int(int64(i))}
	}
	seed := &Seed{Accounts: []Account{{UserID: "hub"}}, Friends: map[string][]gen.AddFriendItem{
		"hub":   items,
		"alice": {{ToAccount: "bob", AddSource: "AddSource_Type_Test", CustomItem: custom}},
	}}
	for _, id := range friends {
		seed.Accounts = append(seed.Accounts, Account{UserID: id})
	}
	if err := e.Apply(seed); err != nil {
		t.Fatal(err)
	}

	t.Run("group_get GroupName", func(t *testing.T) {
		req := gen.GetFriendListsRequestObject{Body: &gen.GetFriendListsRequest{FromAccount: "alice",
			GroupName: append(names(200000, "list"), "work")}}
		within(t, bound, func() {
			resp, _ := h.GetFriendLists(ctx, req)
			if r := resp.(gen.GetFriendLists200JSONResponse); len(r.ResultItem) != 1 || len(r.ResultItem[0].ToAccount) != 2 {
				t.Errorf("answer %+v, want the one list that exists, with its two members", r)
			}
		})
	})
	t.Run("friend_get_list TagList", func(t *testing.T) {
		req := gen.GetFriendsRequestObject{Body: &gen.GetFriendsRequest{FromAccount: "alice", ToAccount: []string{"carol"},
			TagList: append(names(200000, "Tag_SNS_Custom_X"), "Tag_SNS_IM_Remark")}}
		within(t, bound, func() {
			resp, _ := h.GetFriends(ctx, req)
			if r := resp.(gen.GetFriends200JSONResponse); len(r.InfoItem) != 1 || len(r.InfoItem[0].SNSProfileItem) != 1 {
				t.Errorf("answer %+v, want carol's remark", r)
			}
		})
	})
	t.Run("friend_get_list many friends × TagList", func(t *testing.T) {
		// 2999 distinct friends, each with a few tags, and 200,000
		// requested tags: a 5 MB body.
		req := gen.GetFriendsRequestObject{Body: &gen.GetFriendsRequest{FromAccount: "hub", ToAccount: friends,
			TagList: append(names(200000, "Tag_Profile_Custom_X"), "Tag_SNS_IM_AddSource")}}
		within(t, bound, func() {
			resp, _ := h.GetFriends(ctx, req)
			if r := resp.(gen.GetFriends200JSONResponse); len(r.InfoItem) != len(friends) || len(r.InfoItem[0].SNSProfileItem) != 1 {
				t.Errorf("%d items, want %d with the AddSource", len(r.InfoItem), len(friends))
			}
		})
	})
	t.Run("friend_get_list one friend named often × TagList", func(t *testing.T) {
		// bob, who has 50,000 tags, named 50,000 times, and 50,000
		// requested tags he does not have: a 1.5 MB body.
		to := make([]string, 50000)
		for i := range to {
			to[i] = "bob"
		}
		req := gen.GetFriendsRequestObject{Body: &gen.GetFriendsRequest{FromAccount: "alice", ToAccount: to,
			TagList: append(names(50000, "Tag_Profile_Custom_X"), "Tag_SNS_IM_Remark")}}
		within(t, bound, func() {
			resp, _ := h.GetFriends(ctx, req)
			if r := resp.(gen.GetFriends200JSONResponse); len(r.InfoItem) != len(to) || len(r.InfoItem[len(to)-1].SNSProfileItem) != 1 {
				t.Errorf("%d items, want %d with bob's remark", len(r.InfoItem), len(to))
			}
		})
	})
}

// TestFriendTagsBothWays checks that friendTagItems answers the same
// whether it walks the requested tags or the friend's own: the second way
// is taken when the request names more tags than the friend can have.
func TestFriendTagsBothWays(t *testing.T) {
	e := newScaleEmulator(t)
	alice := e.sns.chains["alice"]
	all := []string{
		"Tag_SNS_IM_Group", "Tag_SNS_IM_Remark", "Tag_SNS_IM_AddSource", "Tag_SNS_IM_AddWording", "Tag_SNS_IM_AddTime", "Tag_SNS_IM_RemarkTime",
		"Tag_SNS_IM_Unknown", "Tag_Profile_IM_Nick", "Tag_Profile_IM_Level", "Tag_Profile_IM_Image",
		"Tag_Profile_Custom_Hobby", "Tag_Profile_Custom_Score", "Tag_SNS_Custom_Rank", "Tag_SNS_Custom_Note",
		"Tag_SNS_Custom_Nope", "Tag_Other",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range alice.friends {
		other := e.profiles.of(f.ToAccount)
		for range 20 {
			req := slices.Clone(all)
			rng.Shuffle(len(req), func(i, j int) { req[i], req[j] = req[j], req[i] })
			req = req[:1+rng.IntN(len(req))]
			tags := uniq(req)
			slices.SortStableFunc(tags, func(a, b string) int { return tagFamily(a) - tagFamily(b) })
			pos := map[string]int{}
			for i, tg := range tags {
				pos[tg] = i
			}
			var want []gen.TagItem
			for _, tg := range tags {
				if v, ok := friendTag(f, other, tg); ok {
					want = append(want, gen.TagItem{Tag: tg, Value: v})
				}
			}
			// Padding with tags nobody has makes the request the larger
			// side, so friendTags walks the friend's tags.
			padded := slices.Clone(tags)
			padPos := maps.Clone(pos)
			for i := range 64 {
				padded = append(padded, fmt.Sprintf("Tag_SNS_Custom_Pad%d", i))
				padPos[padded[len(padded)-1]] = len(padded) - 1
			}
			for name, got := range map[string][]gen.TagItem{
				"as requested": friendTagItems(f, other, tags, pos),
				"padded":       friendTagItems(f, other, padded, padPos),
			} {
				if !slices.EqualFunc(got, want, func(a, b gen.TagItem) bool { return a.Tag == b.Tag && a.Value.Equal(b.Value) }) {
					t.Errorf("%s, %s, TagList %v: %v, want %v", f.ToAccount, name, tags, got, want)
				}
			}
		}
	}
}
