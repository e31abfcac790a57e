package timrest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// noReplacement fails when a request sent carries U+FFFD in any form:
// nothing the client sends may have been rewritten by encoding/json.
func noReplacement(t *testing.T, rt *fakeRT) {
	t.Helper()
	for _, r := range rt.requests() {
		if bytes.Contains(r.Body, []byte(`\ufffd`)) || bytes.Contains(r.Body, []byte("\uFFFD")) {
			t.Errorf("request %d carries U+FFFD: %s", r.N, r.Body)
		}
	}
}

// TestInvalidUTF8Refused: a string that is not valid UTF-8 anywhere in a
// request is refused before sending, as a *ValidationError naming the
// field (encoding/json would send U+FFFD in its place).
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(friendListsOK), nil })
	c, _ := newClient(t, rt)
	ctx := context.Background()
	type want struct {
		op, field string
		index     int
	}
	check := func(what string, err error, w want) {
		t.Helper()
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: err = %v, want a ValidationError", what, err)
			return
		}
		if ve.Op != w.op || ve.Field != w.field || ve.Index != w.index || !strings.Contains(ve.Reason, "is not valid UTF-8") {
			t.Errorf("%s: %+v, want %s %s[%d] refused as not UTF-8", what, ve, w.op, w.field, w.index)
		}
	}

	_, err := c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "al\xffice"})
	check("GetFriendLists From_Account", err, want{"GetFriendLists", "From_Account", -1})
	_, err = c.Friends.Lists(ctx, gen.GetFriendListsRequest{FromAccount: "alice", GroupName: []string{"work", "fr\xfeiends"}})
	check("GetFriendLists GroupName", err, want{"GetFriendLists", "GroupName", 1})
	_, err = c.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: []string{"bob"}, TagList: []string{timrest.TagRemark, "Tag_Profile_IM_\xffNick"}}})
	check("GetFriends TagList", err, want{"GetFriends", "TagList", 1})
	_, err = c.Groups.IDs(ctx, gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("Public\xff"))})
	check("ListGroupIDs GroupType", err, want{"ListGroupIDs", "GroupType", -1})
	for _, err := range c.Groups.AllIDs(ctx, gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("Work\xc3"))}) {
		check("AllIDs GroupType", err, want{"ListGroupIDs", "GroupType", -1})
	}
	for _, err := range c.Groups.IDPages(ctx, gen.ListGroupIDsRequest{GroupType: ptr(gen.GroupType("Work\xc3"))}) {
		check("IDPages GroupType", err, want{"ListGroupIDs", "GroupType", -1})
	}
	_, err = c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items("b", 1)},
		{FromAccount: "dave\xff", AddFriendItem: items("b", 1)}})
	check("ImportFriends From_Account", err, want{"ImportFriends", "From_Account", -1})
	if err != nil && !strings.Contains(err.Error(), "request 1") {
		t.Errorf("err = %v, want the request named", err)
	}
	// Client.Call checks the body it sends.
	_, err = c.Call(ctx, "GetFriendLists", gen.GetFriendListsRequest{FromAccount: "alice", GroupName: []string{"work", "fr\xfeiends"}})
	check("Call GetFriendLists GroupName", err, want{"GetFriendLists", "GroupName", 1})
	_, err = c.Call(ctx, "v4/sns/group_get", json.RawMessage(`{"From_Account":"al\ufffdice"}`))
	check("Call GetFriendLists raw", err, want{"GetFriendLists", "From_Account", -1})
	if n := len(rt.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestGetFriendsInvalidUTF8Account: a To_Account that is not valid UTF-8
// fails alone; the others are sent.
func TestGetFriendsInvalidUTF8Account(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, friendsServer(t))
	c, _ := newClient(t, rt)
	res, err := c.Friends.Get(context.Background(), []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: []string{"bob", "car\xffol", "dave"}, TagList: []string{timrest.TagRemark}}})
	if err != nil {
		t.Fatal(err)
	}
	var ve *timrest.ValidationError
	want := &timrest.ValidationError{Op: "GetFriends", Field: "To_Account", Index: 1, Account: "car\xffol", Reason: "is not valid UTF-8"}
	if f := res.Items[1]; !errors.As(f.Err, &ve) {
		t.Errorf("entry 1: %v, want a ValidationError for To_Account[1]", f.Err)
	} else if diff := cmp.Diff(want, ve); diff != "" {
		t.Errorf("entry 1 (-want +got):\n%s", diff)
	}
	if !res.Items[0].OK() || !res.Items[2].OK() {
		t.Errorf("the valid entries: %v, %v", res.Items[0].Err, res.Items[2].Err)
	}
	noReplacement(t, rt)
}

// TestImportFriendsInvalidUTF8Items: an item with a string that is not
// valid UTF-8 (Remark, To_Account, a custom tag's value, a list name)
// fails alone with a ValidationError naming the field, its index and
// To_Account; the other items are imported. A valid U+FFFD, and the text
// \ufffd, are sent as they are.
func TestImportFriendsInvalidUTF8Items(t *testing.T) {
	t.Parallel()
	srv := newImportServer(t)
	rt := newFakeRT(t, srv.handle)
	c, _ := newClient(t, rt)
	list := items("user", 7)
	list[1].Remark = ptr("\xff\xfe")
	list[2].ToAccount = "bo\xffb"
	list[3].CustomItem = []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(1)}, {Tag: "Tag_SNS_Custom_City", Value: tag.String("Par\xe9s")}}
	list[4].GroupName = []string{"ok", "bad\x80"}
	list[5].Remark = ptr("a real \uFFFD and the text \\ufffd")
	list[6].AddWording = ptr("trailing \xe4\xb8")
	res, err := c.Friends.Import(context.Background(), []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: list}})
	if err != nil {
		t.Fatal(err)
	}
	bad := map[int]string{1: "AddFriendItem.Remark", 2: "AddFriendItem.To_Account", 3: "AddFriendItem.CustomItem[1].Value", 4: "AddFriendItem.GroupName[1]", 6: "AddFriendItem.AddWording"}
	for i, it := range res.Items {
		field, isBad := bad[i]
		if !isBad {
			if !it.OK() {
				t.Errorf("item %d: %v, want it imported", i, it.Err)
			}
			continue
		}
		var ve *timrest.ValidationError
		if !errors.As(it.Err, &ve) {
			t.Errorf("item %d: %v, want a ValidationError", i, it.Err)
			continue
		}
		w := &timrest.ValidationError{Op: "ImportFriends", Field: field, Index: i, Account: list[i].ToAccount, Reason: "is not valid UTF-8"}
		if diff := cmp.Diff(w, ve); diff != "" {
			t.Errorf("item %d (-want +got):\n%s", i, diff)
		}
	}
	reqs := rt.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	var sent gen.ImportFriendsRequest
	reqs[0].decode(t, &sent)
	if len(sent.AddFriendItem) != 2 || *sent.AddFriendItem[1].Remark != *list[5].Remark {
		t.Errorf("sent %+v, want items 0 and 5, with 5's remark as given", sent.AddFriendItem)
	}
	if !bytes.Contains(reqs[0].Body, []byte(`\\ufffd`)) || !bytes.Contains(reqs[0].Body, []byte("\uFFFD")) {
		t.Errorf("the body lost the valid U+FFFD or the text \\ufffd: %s", reqs[0].Body)
	}
}

// TestAPIRefusesInvalidUTF8: requests made through Client.API are
// checked too, on their body: a string with an invalid byte (which
// encoding/json turned into \ufffd), a body with raw invalid bytes, or
// one with the \ufffd escape, is refused as a ValidationError naming the
// JSON path, and nothing is sent; a valid U+FFFD and an escaped backslash
// before "ufffd" pass.
func TestAPIRefusesInvalidUTF8(t *testing.T) {
	t.Parallel()
	srv := newImportServer(t)
	rt := newFakeRT(t, srv.handle)
	c, _ := newClient(t, rt)
	ctx := context.Background()
	list := items("user", 3)
	list[2].Remark = ptr("\xff")
	_, err := c.API().ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: list})
	var ve *timrest.ValidationError
	if !errors.As(err, &ve) || ve.Op != "ImportFriends" || ve.Field != "AddFriendItem.Remark" || ve.Index != 2 {
		t.Errorf("err = %v, want a ValidationError for AddFriendItem[2].Remark", err)
	}
	for _, body := range []string{
		`{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_X","Remark":"` + "\xff" + `"}]}`,
		`{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_X","Remark":"\\\ufffd"}]}`,
		`{"From_Account":"al\uFFFDice","AddFriendItem":[]}`,
	} {
		_, err := c.API().ImportFriendsWithBodyWithResponse(ctx, "application/json", strings.NewReader(body))
		if !errors.As(err, &ve) || ve.Op != "ImportFriends" {
			t.Errorf("body %q: err = %v, want a ValidationError", body, err)
		}
	}
	if n := len(rt.requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	list[2].Remark = ptr("\uFFFD and \\ufffd")
	resp, err := c.API().ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{FromAccount: "alice", AddFriendItem: list})
	if err != nil || resp.JSON200 == nil || len(resp.JSON200.ResultItem) != 3 {
		t.Errorf("valid U+FFFD: %v, %+v", err, resp)
	}
}
