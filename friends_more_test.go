package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// dropClient returns a client with 3 attempts and no waits on a loopback
// server that reads each request and drops the connection without an
// answer (the request may have reached the service), and the count of
// requests the server got.
func dropClient(t *testing.T) (*timrest.Client, *atomic.Int64) {
	t.Helper()
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := timrest.New(timrest.Config{SDKAppID: testAppID, SecretKey: testKey, Admin: testAdmin, BaseURL: srv.URL},
		timrest.WithHTTPClient(&http.Client{Transport: tr}), timrest.WithoutRateLimit(),
		timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 3}),
		timrest.WithSleeper(func(ctx context.Context, _ time.Duration) error { return ctx.Err() }))
	if err != nil {
		t.Fatal(err)
	}
	return c, &got
}

// TestNotIdempotentMethodsNotRepeated: the methods of the operations the
// document marks not idempotent (friend_add, group_add, group_delete,
// account_delete, ...) send a request once when the connection drops
// after it was sent: repeating it would not answer as the first did. The
// idempotent ones try 3 times. Every operation of the document is here.
func TestNotIdempotentMethodsNotRepeated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	from, one := "alice", []string{"bob"}
	item := gen.FriendAddItem{ToAccount: "bob", AddSource: "AddSource_Type_Web"}
	calls := map[string]func(c *timrest.Client) error{
		"AddFriends": func(c *timrest.Client) error {
			res, err := c.Friends.Add(ctx, []gen.AddFriendsRequest{{FromAccount: from, AddFriendItem: []gen.FriendAddItem{item}}})
			if err == nil || res == nil || res.Items[0].Err == nil {
				return fmt.Errorf("no failure: %v", err)
			}
			return err
		},
		"AddFriendLists": func(c *timrest.Client) error {
			_, err := c.Friends.AddLists(ctx, gen.AddFriendListsRequest{FromAccount: from, GroupName: []string{"work"}})
			return err
		},
		"DeleteFriendLists": func(c *timrest.Client) error {
			_, err := c.Friends.DeleteLists(ctx, gen.DeleteFriendListsRequest{FromAccount: from, GroupName: []string{"work"}})
			return err
		},
		"DeleteFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Delete(ctx, []gen.DeleteFriendsRequest{{FromAccount: from, ToAccount: one}})
			return err
		},
		"BlockAccounts": func(c *timrest.Client) error {
			_, err := c.Friends.Block(ctx, []gen.BlockAccountsRequest{{FromAccount: from, ToAccount: one}})
			return err
		},
		"UnblockAccounts": func(c *timrest.Client) error {
			_, err := c.Friends.Unblock(ctx, []gen.UnblockAccountsRequest{{FromAccount: from, ToAccount: one}})
			return err
		},
		"DeleteAccounts": func(c *timrest.Client) error {
			_, err := c.Accounts.Delete(ctx, []gen.DeleteAccountsRequest{{DeleteItem: []gen.DeleteAccountItem{{UserID: "bob"}}}})
			return err
		},
		// Idempotent: retried.
		"ImportFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: from, AddFriendItem: []gen.AddFriendItem{{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}}})
			return err
		},
		"UpdateFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Update(ctx, []gen.UpdateFriendsRequest{{FromAccount: from, UpdateItem: []gen.FriendUpdateItem{
				{ToAccount: "bob", SNSItem: []gen.FriendUpdateTag{{Tag: timrest.TagRemark, Value: tag.String("Bob")}}}}}})
			return err
		},
		"DeleteAllFriends": func(c *timrest.Client) error {
			_, err := c.Friends.DeleteAll(ctx, gen.DeleteAllFriendsRequest{FromAccount: from})
			return err
		},
		"SetProfile": func(c *timrest.Client) error {
			_, err := c.Profiles.Set(ctx, gen.SetProfileRequest{FromAccount: from, ProfileItem: []gen.ProfileItem{{Tag: timrest.TagNick, Value: tag.String("A")}}})
			return err
		},
		"ImportAccount": func(c *timrest.Client) error {
			_, err := c.Accounts.ImportOne(ctx, gen.ImportAccountRequest{UserID: "bob"})
			return err
		},
		"ImportAccounts": func(c *timrest.Client) error {
			_, err := c.Accounts.Import(ctx, []gen.ImportAccountsRequest{{AccountList: []gen.ImportAccountItem{{UserID: "bob"}}}})
			return err
		},
		"KickAccount": func(c *timrest.Client) error {
			_, err := c.Accounts.Kick(ctx, gen.KickAccountRequest{UserID: "bob"})
			return err
		},
		"CheckAccounts": func(c *timrest.Client) error {
			_, err := c.Accounts.Check(ctx, []gen.CheckAccountsRequest{{CheckItem: []gen.CheckAccountItem{{UserID: "bob"}}}})
			return err
		},
		"GetOnlineStatus": func(c *timrest.Client) error {
			_, err := c.Accounts.OnlineStatus(ctx, []gen.GetOnlineStatusRequest{{ToAccount: one}})
			return err
		},
		"GetProfiles": func(c *timrest.Client) error {
			_, err := c.Profiles.Get(ctx, []gen.GetProfilesRequest{{ToAccount: one, TagList: []string{timrest.TagNick}}})
			return err
		},
		"CheckFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Check(ctx, []gen.CheckFriendsRequest{{FromAccount: from, ToAccount: one, CheckType: gen.FriendCheckTypeBoth}})
			return err
		},
		"CheckBlocked": func(c *timrest.Client) error {
			_, err := c.Friends.CheckBlocked(ctx, []gen.CheckBlockedRequest{{FromAccount: from, ToAccount: one, CheckType: gen.BlockCheckTypeBoth}})
			return err
		},
		"GetFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: from, ToAccount: one, TagList: []string{timrest.TagRemark}}})
			return err
		},
		"ListFriends": func(c *timrest.Client) error {
			_, err := c.Friends.Page(ctx, gen.ListFriendsRequest{FromAccount: from})
			return err
		},
		"ListBlocked": func(c *timrest.Client) error {
			_, err := c.Friends.Blocked(ctx, gen.ListBlockedRequest{FromAccount: from, MaxLimited: 10})
			return err
		},
		"GetFriendLists": func(c *timrest.Client) error {
			_, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: from})
			return err
		},
		"ListGroupIDs": func(c *timrest.Client) error {
			_, err := c.Groups.IDs(ctx, gen.ListGroupIDsRequest{})
			return err
		},
	}
	for _, o := range spec.Operations {
		call, ok := calls[o.ID]
		if !ok {
			t.Errorf("%s: no call in this test", o.ID)
			continue
		}
		t.Run(o.ID, func(t *testing.T) {
			t.Parallel()
			c, got := dropClient(t)
			if err := call(c); err == nil {
				t.Error("no error for a dropped connection")
			}
			want := int64(3)
			if !o.Idempotent {
				want = 1
			}
			if n := got.Load(); n != want {
				t.Errorf("idempotent %v: the server got %d requests, want %d", o.Idempotent, n, want)
			}
		})
	}
	for _, o := range []*spec.Operation{spec.AddFriends, spec.AddFriendLists, spec.DeleteFriendLists} {
		if o.Idempotent {
			t.Errorf("%s is idempotent by the document: a repeated call does not answer as the first did", o.ID)
		}
	}
	if len(calls) != len(spec.Operations) {
		t.Errorf("%d calls for %d operations", len(calls), len(spec.Operations))
	}
}

// addServer answers friend_add: "pending*" waits for approval (30539),
// "blocked*" has blocked the adder (30525), everything else is added;
// results come in reverse order.
func addServer(t *testing.T) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		var req gen.AddFriendsRequest
		r.decode(t, &req)
		a := gen.AddFriendsResponse{ActionStatus: gen.ActionStatusOK}
		for _, it := range slices.Backward(req.AddFriendItem) {
			res := gen.FriendResult{ToAccount: it.ToAccount}
			switch {
			case strings.HasPrefix(it.ToAccount, "pending"):
				res.ResultCode, res.ResultInfo = 30539, ptr("Err_SNS_FriendAdd_Friend_Exist_Pending")
			case strings.HasPrefix(it.ToAccount, "blocked"):
				res.ResultCode, res.ResultInfo = 30525, ptr("Err_SNS_FriendAdd_In_Other_Side_BlackList")
			}
			if res.ResultCode != 0 {
				a.FailAccount = append(a.FailAccount, it.ToAccount)
			}
			a.ResultItem = append(a.ResultItem, res)
		}
		return answerJSON(t, a), nil
	}
}

// TestFriendsAdd: c.Friends.Add sends AddFriendItem in requests of at
// most 1000, each with the request's AddType and ForceAddFlags; a
// repeated To_Account is sent once, with its first entry (friend_add
// cannot update an existing friend), and both entries get its outcome;
// results are matched by To_Account.
func TestFriendsAdd(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, addServer(t))
	c, _ := newClient(t, rt)
	var items []gen.FriendAddItem
	for i := range 1001 {
		items = append(items, gen.FriendAddItem{ToAccount: fmt.Sprintf("user%04d", i), AddSource: "AddSource_Type_Web"})
	}
	items[2] = gen.FriendAddItem{ToAccount: "pending1", AddSource: "AddSource_Type_Web", Remark: ptr("P"), GroupName: ptr("work"), AddWording: ptr("hi")}
	items[3].ToAccount = "blocked1"
	items = append(items, gen.FriendAddItem{ToAccount: "user0000", AddSource: "AddSource_Type_Android", Remark: ptr("again")})
	both := gen.AddTypeBoth
	res, err := c.Friends.Add(context.Background(), []gen.AddFriendsRequest{{FromAccount: "alice", AddFriendItem: items, AddType: &both, ForceAddFlags: ptr(int32(1))}})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rt.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	var sentUser0000 []string
	for _, r := range reqs {
		var req gen.AddFriendsRequest
		r.decode(t, &req)
		if req.FromAccount != "alice" || req.AddType == nil || *req.AddType != gen.AddTypeBoth || req.ForceAddFlags == nil || *req.ForceAddFlags != 1 {
			t.Errorf("request %d: From_Account %q AddType %v ForceAddFlags %v", r.N, req.FromAccount, req.AddType, req.ForceAddFlags)
		}
		if len(req.AddFriendItem) > 1000 {
			t.Errorf("request %d: %d items", r.N, len(req.AddFriendItem))
		}
		for _, it := range req.AddFriendItem {
			if it.ToAccount == "user0000" {
				sentUser0000 = append(sentUser0000, it.AddSource)
			}
			if it.ToAccount == "pending1" && (it.GroupName == nil || *it.GroupName != "work") {
				t.Errorf("pending1 sent without its list: %+v", it)
			}
		}
	}
	if len(sentUser0000) != 1 || sentUser0000[0] != "AddSource_Type_Web" {
		t.Errorf("the repeated user0000 was sent as %q, want once, its first entry", sentUser0000)
	}
	if len(res.Items) != len(items) {
		t.Fatalf("%d results for %d items", len(res.Items), len(items))
	}
	for i, it := range res.Items {
		if it.Key != items[i].ToAccount || it.Account != "alice" || it.Result == nil || it.Result.ToAccount != it.Key {
			t.Fatalf("item %d: %+v", i, it)
		}
		switch it.Key {
		case "pending1":
			if it.Code != 30539 || !errors.Is(it.Err, timrest.ErrConflict) {
				t.Errorf("pending1: code %d err %v, want 30539 (waiting for approval)", it.Code, it.Err)
			}
		case "blocked1":
			if it.Code != 30525 || !errors.Is(it.Err, timrest.ErrConflict) || !strings.Contains(it.Err.Error(), "blocklist") {
				t.Errorf("blocked1: code %d err %v, want 30525 with the document's meaning", it.Code, it.Err)
			}
		default:
			if it.Err != nil {
				t.Errorf("item %d %s: %v", i, it.Key, it.Err)
			}
		}
	}
	// The answer lists them in its order (the server answers backwards).
	if diff := cmp.Diff(map[string][]string{"alice": {"blocked1", "pending1"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
}

// TestFriendsAddHead: AddType and ForceAddFlags are checked with the
// request (the head of the batch): a wrong one refuses the call; an
// item's GroupName is one list name of the document's rules.
func TestFriendsAddHead(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, addServer(t))
	c, _ := newClient(t, rt)
	items := []gen.FriendAddItem{{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}
	bad, single := gen.AddType("Both"), gen.AddTypeSingle
	for _, tc := range []struct {
		name  string
		req   gen.AddFriendsRequest
		field string
	}{
		{"AddType without its prefix", gen.AddFriendsRequest{FromAccount: "alice", AddFriendItem: items, AddType: &bad}, "AddType"},
		{"ForceAddFlags 2", gen.AddFriendsRequest{FromAccount: "alice", AddFriendItem: items, AddType: &single, ForceAddFlags: ptr(int32(2))}, "ForceAddFlags"},
		{"ForceAddFlags -1", gen.AddFriendsRequest{FromAccount: "alice", AddFriendItem: items, ForceAddFlags: ptr(int32(-1))}, "ForceAddFlags"},
		{"From_Account missing", gen.AddFriendsRequest{AddFriendItem: items}, "From_Account"},
	} {
		res, err := c.Friends.Add(context.Background(), []gen.AddFriendsRequest{tc.req})
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) || res != nil || ve.Field != tc.field || ve.Op != "AddFriends" {
			t.Errorf("%s: result %v err %v, want %s refused", tc.name, res, err, tc.field)
		}
	}
	// An item's list name over 30 bytes fails the item alone.
	long := gen.FriendAddItem{ToAccount: "carol", AddSource: "AddSource_Type_Web", GroupName: ptr(strings.Repeat("g", 31))}
	res, err := c.Friends.Add(context.Background(), []gen.AddFriendsRequest{{FromAccount: "alice", AddFriendItem: append(items, long), AddType: &single, ForceAddFlags: ptr(int32(0))}})
	if err != nil {
		t.Fatal(err)
	}
	var ve *timrest.ValidationError
	if res.Items[0].Err != nil || !errors.As(res.Items[1].Err, &ve) || ve.Field != "AddFriendItem.GroupName" || ve.Index != 1 {
		t.Errorf("items: %v, %v; want the second refused at AddFriendItem[1].GroupName", res.Items[0].Err, res.Items[1].Err)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (the valid item)", n)
	}
}

// TestFriendsCheckAndCheckBlocked: results carry the Relation, matched by
// To_Account; a failed item still carries a Relation (the document's
// trap), and its error says so.
func TestFriendsCheckAndCheckBlocked(t *testing.T) {
	t.Parallel()
	friends := map[string]gen.FriendRelation{"b": gen.FriendRelationBothWay, "c": gen.FriendRelationAWithB, "d": gen.FriendRelationBWithA, "e": gen.FriendRelationNoRelation}
	blocked := map[string]gen.BlockRelation{"b": gen.BlockRelationBothWay, "c": gen.BlockRelationAWithB, "d": gen.BlockRelationBWithA, "e": gen.BlockRelationNone}
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		switch r.Op {
		case "CheckFriends":
			var req gen.CheckFriendsRequest
			r.decode(t, &req)
			if req.CheckType != gen.FriendCheckTypeBoth {
				t.Errorf("CheckType %q", req.CheckType)
			}
			a := gen.CheckFriendsResponse{ActionStatus: gen.ActionStatusOK}
			for _, to := range slices.Backward(req.ToAccount) {
				res := gen.FriendCheckResult{ToAccount: to, Relation: friends[to]}
				if to == "x" {
					res.Relation, res.ResultCode, res.ResultInfo = gen.FriendRelationNoRelation, 30006, ptr("Err_SNS_FriendCheck_Check_Relation_Exec_Task_Fail")
					a.FailAccount = append(a.FailAccount, to)
				}
				a.InfoItem = append(a.InfoItem, res)
			}
			return answerJSON(t, a), nil
		case "CheckBlocked":
			var req gen.CheckBlockedRequest
			r.decode(t, &req)
			if req.CheckType != gen.BlockCheckTypeSingle {
				t.Errorf("CheckType %q", req.CheckType)
			}
			a := gen.CheckBlockedResponse{ActionStatus: gen.ActionStatusOK}
			for _, to := range slices.Backward(req.ToAccount) {
				res := gen.BlockCheckResult{ToAccount: to, Relation: blocked[to]}
				if to == "x" {
					res.Relation, res.ResultCode, res.ResultInfo = gen.BlockRelationNone, 30007, ptr("Err_SNS_BlackListCheck_Check_Reverse_BlackList_Fail")
					a.FailAccount = append(a.FailAccount, to)
				}
				a.BlackListCheckItem = append(a.BlackListCheckItem, res)
			}
			return answerJSON(t, a), nil
		}
		return answer(okAnswer), nil
	})
	c, _ := newClient(t, rt)
	ctx := context.Background()
	to := []string{"b", "c", "d", "e", "x", "c"}
	fres, err := c.Friends.Check(ctx, []gen.CheckFriendsRequest{{FromAccount: "a", ToAccount: to, CheckType: gen.FriendCheckTypeBoth}})
	if err != nil {
		t.Fatal(err)
	}
	bres, err := c.Friends.CheckBlocked(ctx, []gen.CheckBlockedRequest{{FromAccount: "a", ToAccount: to, CheckType: gen.BlockCheckTypeSingle}})
	if err != nil {
		t.Fatal(err)
	}
	for i, key := range to {
		f, b := fres.Items[i], bres.Items[i]
		if f.Key != key || b.Key != key || f.Result == nil || b.Result == nil {
			t.Fatalf("item %d: %+v %+v", i, f, b)
		}
		if key == "x" {
			if f.Code != 30006 || !errors.Is(f.Err, timrest.ErrTransient) || f.Result.Relation != gen.FriendRelationNoRelation {
				t.Errorf("friend check x: code %d err %v relation %q", f.Code, f.Err, f.Result.Relation)
			}
			if b.Code != 30007 || !errors.Is(b.Err, timrest.ErrTransient) || b.Result.Relation != gen.BlockRelationNone {
				t.Errorf("blocklist check x: code %d err %v relation %q", b.Code, b.Err, b.Result.Relation)
			}
			continue
		}
		if f.Err != nil || f.Result.Relation != friends[key] || b.Err != nil || b.Result.Relation != blocked[key] {
			t.Errorf("item %d %s: %v %q, %v %q", i, key, f.Err, f.Result.Relation, b.Err, b.Result.Relation)
		}
	}
	if len(rt.requests()) != 2 {
		t.Errorf("%d requests, want 2 (the repeated c asked once)", len(rt.requests()))
	}
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"CheckFriends with the blocklist's CheckType", func() error {
			_, err := c.Friends.Check(ctx, []gen.CheckFriendsRequest{{FromAccount: "a", ToAccount: to, CheckType: gen.FriendCheckType(gen.BlockCheckTypeBoth)}})
			return err
		}()},
		{"CheckBlocked without CheckType", func() error {
			_, err := c.Friends.CheckBlocked(ctx, []gen.CheckBlockedRequest{{FromAccount: "a", ToAccount: to}})
			return err
		}()},
	} {
		var ve *timrest.ValidationError
		if !errors.As(tc.err, &ve) || ve.Field != "CheckType" {
			t.Errorf("%s: %v, want CheckType refused", tc.name, tc.err)
		}
	}
	// 1001 accounts: two requests, the hard limit being 1000.
	many := make([]string, 1001)
	for i := range many {
		many[i] = fmt.Sprintf("u%d", i)
	}
	if _, err := c.Friends.Check(ctx, []gen.CheckFriendsRequest{{FromAccount: "a", ToAccount: many, CheckType: gen.FriendCheckTypeBoth}}); err != nil {
		t.Fatal(err)
	}
	if n := len(rt.requests()); n != 4 {
		t.Errorf("%d requests in all, want 4 (1001 accounts in 2)", n)
	}
}

// friendPages answers friend_get from a list of pages, by StartIndex.
type friendPage struct {
	start int64 // the StartIndex it answers
	ans   gen.ListFriendsResponse
}

func friendsPager(t *testing.T, pages []friendPage) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		var req gen.ListFriendsRequest
		r.decode(t, &req)
		for _, p := range pages {
			if p.start == req.StartIndex {
				a := p.ans
				a.ActionStatus = gen.ActionStatusOK
				return answerJSON(t, a), nil
			}
		}
		t.Errorf("request %d: StartIndex %d of no page", r.N, req.StartIndex)
		return failAnswer(30001, "no such page"), nil
	}
}

func friendData(to string, tags ...gen.TagItem) gen.FriendData {
	return gen.FriendData{ToAccount: to, ValueItem: tags}
}

// TestFriendsPages: friend_get pages go from StartIndex 0 to each
// answer's NextStartIndex until an answer's CompleteFlag is not 0 (not
// when NextStartIndex is 0); StandardSequence and CustomSequence are not
// copied from an answer into the next request (sent back, they would
// make the service leave data out); All yields every friend, whose tags
// read with the typed readers.
func TestFriendsPages(t *testing.T) {
	t.Parallel()
	pages := []friendPage{
		{0, gen.ListFriendsResponse{UserDataItem: []gen.FriendData{
			friendData("f1",
				gen.TagItem{Tag: timrest.TagAddSource, Value: tag.String("AddSource_Type_Android")},
				gen.TagItem{Tag: timrest.TagRemark, Value: tag.String("One")},
				gen.TagItem{Tag: timrest.TagFriendLists, Value: tag.Strings("g1", "g2")},
				gen.TagItem{Tag: timrest.TagAddTime, Value: tag.Int(1563867420)},
				gen.TagItem{Tag: timrest.TagSNSCustomPrefix + "Level", Value: tag.Int(3)}),
			friendData("f2"),
		}, StandardSequence: ptr(int64(88)), CustomSequence: ptr(int64(46)), FriendNum: ptr(int64(5)), CompleteFlag: ptr(int32(0)), NextStartIndex: ptr(int64(2))}},
		{2, gen.ListFriendsResponse{UserDataItem: []gen.FriendData{friendData("f3"), friendData("f4")},
			StandardSequence: ptr(int64(88)), CustomSequence: ptr(int64(46)), FriendNum: ptr(int64(5)), CompleteFlag: ptr(int32(0)), NextStartIndex: ptr(int64(4))}},
		// The last page: CompleteFlag ends it, though NextStartIndex is
		// not 0.
		{4, gen.ListFriendsResponse{UserDataItem: []gen.FriendData{friendData("f5")},
			StandardSequence: ptr(int64(88)), FriendNum: ptr(int64(5)), CompleteFlag: ptr(int32(1)), NextStartIndex: ptr(int64(6))}},
	}
	rt := newFakeRT(t, friendsPager(t, pages))
	c, _ := newClient(t, rt)
	ctx := context.Background()

	var got []string
	for f, err := range c.Friends.All(ctx, gen.ListFriendsRequest{FromAccount: "alice"}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, f.ToAccount)
		if f.ToAccount == "f1" {
			tags := timrest.Tags(f.ValueItem)
			src, _ := tags.AddSource()
			remark, _ := tags.Remark()
			lists, _ := tags.FriendLists()
			added, _ := tags.AddTime()
			level, _ := tags.SNSCustom("Level")
			if src != "AddSource_Type_Android" || remark != "One" || !slices.Equal(lists, []string{"g1", "g2"}) ||
				!added.Equal(time.Unix(1563867420, 0)) || level.String() != "3" {
				t.Errorf("f1's tags: %q %q %v %v %v", src, remark, lists, added, level)
			}
		}
	}
	if !slices.Equal(got, []string{"f1", "f2", "f3", "f4", "f5"}) {
		t.Errorf("All yielded %v", got)
	}
	var starts []int64
	for _, r := range rt.requests() {
		var req gen.ListFriendsRequest
		r.decode(t, &req)
		starts = append(starts, req.StartIndex)
		if req.StandardSequence != nil || req.CustomSequence != nil {
			t.Errorf("request %d carries StandardSequence %v CustomSequence %v from an answer", r.N, req.StandardSequence, req.CustomSequence)
		}
		if req.FromAccount != "alice" {
			t.Errorf("request %d: From_Account %q", r.N, req.FromAccount)
		}
	}
	if !slices.Equal(starts, []int64{0, 2, 4}) {
		t.Errorf("StartIndex of the requests: %v, want 0, 2, 4", starts)
	}

	// The caller's own sequence goes in every request, unchanged.
	n := len(rt.requests())
	req := gen.ListFriendsRequest{FromAccount: "alice", StandardSequence: ptr(int64(7))}
	pagesSeen := 0
	for p, err := range c.Friends.Pages(ctx, req) {
		if err != nil {
			t.Fatal(err)
		}
		pagesSeen++
		if p.FriendNum == nil || *p.FriendNum != 5 {
			t.Errorf("page %d: FriendNum %v", pagesSeen, p.FriendNum)
		}
	}
	if pagesSeen != 3 || req.StartIndex != 0 {
		t.Errorf("%d pages, request StartIndex now %d", pagesSeen, req.StartIndex)
	}
	for _, r := range rt.requests()[n:] {
		var sent gen.ListFriendsRequest
		r.decode(t, &sent)
		if sent.StandardSequence == nil || *sent.StandardSequence != 7 || sent.CustomSequence != nil {
			t.Errorf("request %d: StandardSequence %v CustomSequence %v, want 7 and none", r.N, sent.StandardSequence, sent.CustomSequence)
		}
	}

	// Page is one page, from the caller's StartIndex.
	p, err := c.Friends.Page(ctx, gen.ListFriendsRequest{FromAccount: "alice", StartIndex: 2})
	if err != nil || len(p.UserDataItem) != 2 || p.UserDataItem[0].ToAccount != "f3" || *p.NextStartIndex != 4 {
		t.Errorf("Page at 2: %+v, %v", p, err)
	}
}

// TestFriendsPagesEndOnFlagOnly: an answer with NextStartIndex 0 but
// CompleteFlag 0 is not the last page: the next request would start
// over at 0, which the iterator refuses (ErrRepeatedCursor) rather than
// loop or stop early as if every friend had been pulled.
func TestFriendsPagesEndOnFlagOnly(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsPager(t, []friendPage{
		{0, gen.ListFriendsResponse{UserDataItem: []gen.FriendData{friendData("f1")}, CompleteFlag: ptr(int32(0)), NextStartIndex: ptr(int64(0))}},
	}))
	c, _ := newClient(t, rt)
	var got []string
	var last error
	for f, err := range c.Friends.All(context.Background(), gen.ListFriendsRequest{FromAccount: "alice"}) {
		if err != nil {
			last = err
			continue
		}
		got = append(got, f.ToAccount)
	}
	if !errors.Is(last, timrest.ErrRepeatedCursor) || !slices.Equal(got, []string{"f1"}) {
		t.Errorf("yielded %v, error %v; want f1, then ErrRepeatedCursor", got, last)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}

	// Any CompleteFlag other than 0 ends the pages (the document gives 1).
	rt = newFakeRT(t, friendsPager(t, []friendPage{
		{0, gen.ListFriendsResponse{UserDataItem: []gen.FriendData{friendData("f1")}, CompleteFlag: ptr(int32(2)), NextStartIndex: ptr(int64(1))}},
	}))
	c, _ = newClient(t, rt)
	n := 0
	for _, err := range c.Friends.Pages(context.Background(), gen.ListFriendsRequest{FromAccount: "alice"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 || len(rt.requests()) != 1 {
		t.Errorf("%d pages in %d requests, want 1 (CompleteFlag 2)", n, len(rt.requests()))
	}
}

// TestFriendsPagesValidation: a bad request is refused before sending.
func TestFriendsPagesValidation(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsPager(t, nil))
	c, _ := newClient(t, rt)
	ctx := context.Background()
	for _, tc := range []struct {
		req   gen.ListFriendsRequest
		field string
	}{
		{gen.ListFriendsRequest{}, "From_Account"},
		{gen.ListFriendsRequest{FromAccount: "alice", StartIndex: -1}, "StartIndex"},
		{gen.ListFriendsRequest{FromAccount: "alice", StandardSequence: ptr(int64(-1))}, "StandardSequence"},
	} {
		var ve *timrest.ValidationError
		if _, err := c.Friends.Page(ctx, tc.req); !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("Page %+v: %v, want %s refused", tc.req, err, tc.field)
		}
		for _, err := range c.Friends.All(ctx, tc.req) {
			if !errors.As(err, &ve) || ve.Field != tc.field {
				t.Errorf("All %+v: %v, want %s refused", tc.req, err, tc.field)
			}
		}
	}
	if n := len(rt.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestBlockedPages: black_list_get pages go from StartIndex 0 to each
// answer's StartIndex until it is 0; MaxLimited and LastSequence stay as
// the caller gave them; AllBlocked yields every blocked account.
func TestBlockedPages(t *testing.T) {
	t.Parallel()
	answers := map[int64]string{
		0: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","BlackListItem":[{"To_Account":"b1","AddBlackTimeStamp":1430000001},{"To_Account":"b2","AddBlackTimeStamp":1430000002}],"StartIndex":2,"CurruentSequence":13}`,
		2: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","BlackListItem":[{"To_Account":"b3","AddBlackTimeStamp":1430000003},{"To_Account":"b4"}],"StartIndex":4,"CurrentSequence":13}`,
		4: `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","BlackListItem":[{"To_Account":"b5","AddBlackTimeStamp":1430000005}],"StartIndex":0,"CurrentSequence":13}`,
	}
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.ListBlockedRequest
		r.decode(t, &req)
		if req.MaxLimited != 2 || req.LastSequence != 0 || req.FromAccount != "alice" {
			t.Errorf("request %d: %+v", r.N, req)
		}
		a, ok := answers[req.StartIndex]
		if !ok {
			t.Errorf("request %d: StartIndex %d", r.N, req.StartIndex)
			return failAnswer(30001, "x"), nil
		}
		return answer(a), nil
	})
	c, _ := newClient(t, rt)
	ctx := context.Background()
	req := gen.ListBlockedRequest{FromAccount: "alice", MaxLimited: 2}
	var got []string
	var stamps []int64
	for b, err := range c.Friends.AllBlocked(ctx, req) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b.ToAccount)
		if b.AddBlackTimeStamp != nil {
			stamps = append(stamps, *b.AddBlackTimeStamp)
		}
	}
	if !slices.Equal(got, []string{"b1", "b2", "b3", "b4", "b5"}) || len(stamps) != 4 {
		t.Errorf("AllBlocked: %v, stamps %v", got, stamps)
	}
	var starts []int64
	for _, r := range rt.requests() {
		var sent gen.ListBlockedRequest
		r.decode(t, &sent)
		starts = append(starts, sent.StartIndex)
	}
	if !slices.Equal(starts, []int64{0, 2, 4}) {
		t.Errorf("StartIndex of the requests: %v, want 0, 2, 4", starts)
	}
	// The sequence under either spelling.
	var seqs []int64
	for p, err := range c.Friends.BlockedPages(ctx, req) {
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case p.CurrentSequence != nil:
			seqs = append(seqs, *p.CurrentSequence)
		case p.CurruentSequence != nil:
			seqs = append(seqs, *p.CurruentSequence)
		}
	}
	if !slices.Equal(seqs, []int64{13, 13, 13}) {
		t.Errorf("sequences %v", seqs)
	}
	p, err := c.Friends.Blocked(ctx, gen.ListBlockedRequest{FromAccount: "alice", StartIndex: 4, MaxLimited: 2})
	if err != nil || len(p.BlackListItem) != 1 || *p.StartIndex != 0 {
		t.Errorf("Blocked at 4: %+v, %v", p, err)
	}
	n := len(rt.requests())
	for _, bad := range []gen.ListBlockedRequest{
		{FromAccount: "alice"},                   // MaxLimited 0
		{FromAccount: "alice", MaxLimited: 1001}, // over the blocklist's size
	} {
		var ve *timrest.ValidationError
		if _, err := c.Friends.Blocked(ctx, bad); !errors.As(err, &ve) || ve.Field != "MaxLimited" {
			t.Errorf("Blocked %+v: %v, want MaxLimited refused", bad, err)
		}
	}
	if len(rt.requests()) != n {
		t.Error("a refused request was sent")
	}
}

// TestFriendLists: AddLists sends the lists and the friends to put in
// them, and returns the per-account results; DeleteLists the lists; more
// than 32 lists are refused.
func TestFriendLists(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		switch r.Op {
		case "AddFriendLists":
			var req gen.AddFriendListsRequest
			r.decode(t, &req)
			a := gen.AddFriendListsResponse{ActionStatus: gen.ActionStatusOK, CurrentSequence: ptr(int64(3))}
			for _, to := range req.ToAccount {
				res := gen.FriendResult{ToAccount: to}
				if to == "stranger" {
					res.ResultCode = 32216
					a.FailAccount = append(a.FailAccount, to)
				}
				a.ResultItem = append(a.ResultItem, res)
			}
			return answerJSON(t, a), nil
		case "DeleteFriendLists":
			return answer(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"0","ErrorDisplay":"","CurrentSequence":4}`), nil
		}
		return answer(okAnswer), nil
	})
	c, _ := newClient(t, rt)
	ctx := context.Background()
	a, err := c.Friends.AddLists(ctx, gen.AddFriendListsRequest{FromAccount: "alice", GroupName: []string{"work", "home"}, ToAccount: []string{"bob", "stranger"}})
	if err != nil {
		t.Fatal(err)
	}
	if *a.CurrentSequence != 3 || len(a.ResultItem) != 2 || a.ResultItem[1].ResultCode != 32216 || !slices.Equal(a.FailAccount, []string{"stranger"}) {
		t.Errorf("AddLists: %+v", a)
	}
	if e, ok := spec.AddFriendLists.Lookup(32216); !ok || e.Class != spec.ClassConflict {
		t.Errorf("32216: %+v", e)
	}
	// ErrorInfo "0" on success (the vendor's sample) is a success.
	d, err := c.Friends.DeleteLists(ctx, gen.DeleteFriendListsRequest{FromAccount: "alice", GroupName: []string{"work"}})
	if err != nil || *d.CurrentSequence != 4 {
		t.Errorf("DeleteLists: %+v, %v", d, err)
	}
	reqs := rt.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	var add gen.AddFriendListsRequest
	reqs[0].decode(t, &add)
	if !slices.Equal(add.GroupName, []string{"work", "home"}) || !slices.Equal(add.ToAccount, []string{"bob", "stranger"}) {
		t.Errorf("AddLists sent %+v", add)
	}
	lists := make([]string, 33)
	for i := range lists {
		lists[i] = fmt.Sprintf("l%d", i)
	}
	var ve *timrest.ValidationError
	if _, err := c.Friends.AddLists(ctx, gen.AddFriendListsRequest{FromAccount: "alice", GroupName: lists}); !errors.As(err, &ve) || ve.Field != "GroupName" || ve.Reason != "has 33 items, want at most 32" {
		t.Errorf("AddLists of 33 lists: %v", err)
	}
	if _, err := c.Friends.DeleteLists(ctx, gen.DeleteFriendListsRequest{FromAccount: "alice", GroupName: lists}); !errors.As(err, &ve) || ve.Field != "GroupName" {
		t.Errorf("DeleteLists of 33 lists: %v", err)
	}
	if _, err := c.Friends.AddLists(ctx, gen.AddFriendListsRequest{FromAccount: "alice", GroupName: []string{strings.Repeat("界", 11)}}); !errors.As(err, &ve) || ve.Field != "GroupName" || ve.Index != 0 {
		t.Errorf("AddLists of a 33-byte name: %v", err)
	}
	if n := len(rt.requests()); n != 2 {
		t.Errorf("%d requests, want 2 (the refused ones not sent)", n)
	}
}
