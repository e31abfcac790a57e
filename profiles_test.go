package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// TestProfilesSet: c.Profiles.Set sends standard and custom profile tags
// with string and integer values; it refuses, before sending, a value
// that is a list, a string over 500 bytes (the generated check of the
// value's string alternative) and a tag that is not a profile tag.
func TestProfilesSet(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.SetProfileRequest
		r.decode(t, &req)
		if req.FromAccount == "forbidden" {
			return failAnswer(40008, "Err_Profile_No_Write_Permission"), nil
		}
		return answer(`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorDisplay":""}`), nil
	})
	c, _ := newClient(t, rt)
	ctx := context.Background()
	items := []gen.ProfileItem{
		{Tag: timrest.TagNick, Value: tag.String(strings.Repeat("界", 166))}, // 498 bytes
		{Tag: timrest.TagAllowType, Value: tag.String("AllowType_Type_NeedConfirm")},
		{Tag: timrest.TagBirthDay, Value: tag.Int(20190419)},
		{Tag: timrest.TagMsgSettings, Value: tag.Int(1)},
		{Tag: timrest.TagProfileCustomPrefix + "Level", Value: tag.Int(7)},
		{Tag: timrest.TagProfileCustomPrefix + "Motto", Value: tag.String(strings.Repeat("m", 500))},
	}
	if _, err := c.Profiles.Set(ctx, gen.SetProfileRequest{FromAccount: "alice", ProfileItem: items}); err != nil {
		t.Fatal(err)
	}
	reqs := rt.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	var sent gen.SetProfileRequest
	reqs[0].decode(t, &sent)
	if diff := cmp.Diff(items, sent.ProfileItem, cmp.Comparer(func(a, b tag.Value) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("ProfileItem sent (-given +sent):\n%s", diff)
	}

	for _, tc := range []struct {
		name  string
		item  gen.ProfileItem
		field string
		index int
		want  string // the reason
	}{
		{"a list value", gen.ProfileItem{Tag: timrest.TagNick, Value: tag.Strings("a", "b")}, "ProfileItem.Value", 1, "is array of strings, want string or integer"},
		{"501 bytes", gen.ProfileItem{Tag: timrest.TagNick, Value: tag.String(strings.Repeat("n", 501))}, "ProfileItem.Value", 1, "is 501 bytes, want at most 500"},
		{"501 bytes in 167 characters", gen.ProfileItem{Tag: timrest.TagProfileCustomPrefix + "Motto", Value: tag.String(strings.Repeat("界", 167))}, "ProfileItem.Value", 1, "is 501 bytes, want at most 500"},
		{"no value", gen.ProfileItem{Tag: timrest.TagNick}, "ProfileItem.Value", 1, "is missing, want string or integer"},
		{"a friend tag", gen.ProfileItem{Tag: timrest.TagRemark, Value: tag.String("x")}, "ProfileItem.Tag", 1, "does not match ^(Tag_Profile_IM_[A-Za-z]+|Tag_Profile_Custom_[A-Za-z]{1,8})$"},
	} {
		req := gen.SetProfileRequest{FromAccount: "alice", ProfileItem: []gen.ProfileItem{items[0], tc.item}}
		_, err := c.Profiles.Set(ctx, req)
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) || ve.Op != "SetProfile" || ve.Field != tc.field || ve.Index != tc.index || ve.Reason != tc.want {
			t.Errorf("%s: err %#v, want %s[%d]: %s", tc.name, err, tc.field, tc.index, tc.want)
		}
	}
	if _, err := c.Profiles.Set(ctx, gen.SetProfileRequest{FromAccount: "alice"}); err == nil {
		t.Error("a request without ProfileItem was accepted")
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests after the refused ones, want 1", n)
	}

	// A failure of the call is an *Error with the document's class.
	_, err := c.Profiles.Set(ctx, gen.SetProfileRequest{FromAccount: "forbidden", ProfileItem: items[:1]})
	var e *timrest.Error
	if !errors.As(err, &e) || e.Code != 40008 || e.Op != "SetProfile" || !errors.Is(err, timrest.ErrPermission) {
		t.Errorf("err %v, want 40008, a permission error", err)
	}
}

// profilesServer answers portrait_get: each account has a nick and its
// level, "quiet*" has message settings 1, "stranger*" fails its item
// (40006, in Fail_Account), "lost*" is in Fail_Account without a
// result, results come in reverse order; a request
// with a "ghost*" account (not imported) fails as a whole with 40003.
func profilesServer(t *testing.T) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		var req gen.GetProfilesRequest
		r.decode(t, &req)
		if slices.ContainsFunc(req.ToAccount, func(s string) bool { return strings.HasPrefix(s, "ghost") }) {
			return failAnswer(40003, "Err_Profile_Account_Not_Exist"), nil
		}
		a := gen.GetProfilesResponse{ActionStatus: gen.ActionStatusOK}
		for _, to := range slices.Backward(req.ToAccount) {
			if strings.HasPrefix(to, "lost") { // failed, without a result
				a.FailAccount = append(a.FailAccount, to)
				continue
			}
			if strings.HasPrefix(to, "stranger") {
				a.UserProfileItem = append(a.UserProfileItem, gen.UserProfile{ToAccount: to, ResultCode: 40006, ResultInfo: ptr("Err_Profile_Internal")})
				a.FailAccount = append(a.FailAccount, to)
				continue
			}
			p := gen.UserProfile{ToAccount: to, ProfileItem: []gen.TagItem{
				{Tag: timrest.TagNick, Value: tag.String("nick " + to)},
				{Tag: timrest.TagLevel, Value: tag.Int(int64(len(to)))},
				{Tag: timrest.TagAllowType, Value: tag.String("AllowType_Type_AllowAny")},
				{Tag: timrest.TagProfileCustomPrefix + "Team", Value: tag.String("blue")},
			}}
			if strings.HasPrefix(to, "quiet") {
				p.ProfileItem = append(p.ProfileItem, gen.TagItem{Tag: timrest.TagMsgSettings, Value: tag.Int(1)})
			}
			a.UserProfileItem = append(a.UserProfileItem, p)
		}
		return answerJSON(t, a), nil
	}
}

// TestProfilesGet: c.Profiles.Get sends To_Account in requests of at
// most 100 (the vendor's recommendation), matches results by To_Account,
// gathers Fail_Account, and its results read with the typed tag readers.
func TestProfilesGet(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, profilesServer(t))
	c, _ := newClient(t, rt)
	var to []string
	for i := range 250 {
		to = append(to, fmt.Sprintf("user%03d", i))
	}
	to[5], to[6], to[200], to[201] = "stranger1", "quiet1", "stranger2", "lost1"
	tags := []string{timrest.TagNick, timrest.TagLevel, timrest.TagAllowType, timrest.TagMsgSettings, timrest.TagProfileCustomPrefix + "Team"}
	res, err := c.Profiles.Get(context.Background(), []gen.GetProfilesRequest{{ToAccount: to, TagList: tags}})
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, r := range rt.requests() {
		var req gen.GetProfilesRequest
		r.decode(t, &req)
		sizes = append(sizes, len(req.ToAccount))
		if !slices.Equal(req.TagList, tags) {
			t.Errorf("request %d: TagList %v", r.N, req.TagList)
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{50, 100, 100}) {
		t.Errorf("requests of %v accounts, want 100, 100 and 50", sizes)
	}
	for i, it := range res.Items {
		if it.Key == "lost1" {
			// Named as failed, though the answer has no result for it:
			// a failure of the item, not a missing result.
			var e *timrest.Error
			if !errors.As(it.Err, &e) || e.Account != "lost1" || errors.Is(it.Err, timrest.ErrMissingResult) || it.Result != nil {
				t.Errorf("item %d lost1: err %v result %v, want an *Error for it", i, it.Err, it.Result)
			}
			continue
		}
		if it.Key != to[i] || it.Result == nil || it.Result.ToAccount != to[i] {
			t.Fatalf("item %d: key %q result %+v, want %s", i, it.Key, it.Result, to[i])
		}
		if strings.HasPrefix(it.Key, "stranger") {
			if it.Code != 40006 || !errors.Is(it.Err, timrest.ErrTransient) || it.Info != "Err_Profile_Internal" {
				t.Errorf("item %d %s: code %d err %v", i, it.Key, it.Code, it.Err)
			}
			continue
		}
		if it.Err != nil {
			t.Errorf("item %d %s: %v", i, it.Key, it.Err)
			continue
		}
		p := timrest.Tags(it.Result.ProfileItem)
		nick, ok1 := p.Nick()
		level, ok2 := p.Level()
		allow, ok3 := p.AllowType()
		team, ok4 := p.ProfileCustom("Team")
		if !ok1 || nick != "nick "+it.Key || !ok2 || level != int64(len(it.Key)) || !ok3 || allow != "AllowType_Type_AllowAny" || !ok4 || team.String() != "blue" {
			t.Errorf("item %d %s: nick %q %v, level %d %v, allow %q %v, team %v %v", i, it.Key, nick, ok1, level, ok2, allow, ok3, team, ok4)
		}
		ms, ok := p.MsgSettings()
		if quiet := it.Key == "quiet1"; ok != quiet || (quiet && ms != 1) {
			t.Errorf("item %d %s: MsgSettings %d %v", i, it.Key, ms, ok)
		}
		if _, ok := p.Gender(); ok {
			t.Errorf("item %d: a Gender the answer does not have", i)
		}
		if _, ok := p.Level(); !ok {
			t.Errorf("item %d: no Level", i)
		}
		if s, ok := p.String(timrest.TagLevel); ok {
			t.Errorf("item %d: Level read as the string %q", i, s)
		}
	}
	if diff := cmp.Diff(map[string][]string{"": {"stranger1", "lost1", "stranger2"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
}

// TestProfilesGetAccountNotImported: an account that was not imported
// fails its whole request (40003, not found); the other requests of the
// call are answered, and the call's error wraps the failure.
func TestProfilesGetAccountNotImported(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, profilesServer(t))
	c, _ := newClient(t, rt)
	to := make([]string, 150)
	for i := range to {
		to[i] = fmt.Sprintf("user%03d", i)
	}
	to[120] = "ghost1"
	res, err := c.Profiles.Get(context.Background(), []gen.GetProfilesRequest{{ToAccount: to, TagList: []string{timrest.TagNick}}})
	if !errors.Is(err, timrest.ErrNotFound) || res == nil {
		t.Fatalf("err %v, want one request failed with 40003", err)
	}
	for i, it := range res.Items {
		var e *timrest.Error
		switch {
		case i < 100 && it.Err != nil:
			t.Errorf("item %d: %v", i, it.Err)
		case i >= 100 && (!errors.As(it.Err, &e) || e.Code != 40003 || e.Account != ""):
			t.Errorf("item %d: %v, want its request's 40003", i, it.Err)
		}
	}
}
