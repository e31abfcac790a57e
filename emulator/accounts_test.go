package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// accountWorld is an emulator for the tests of the account and profile
// families, with a client that signs as the admin and checks every
// request and answer against openapi/.
type accountWorld struct {
	t   *testing.T
	c   *gen.ClientWithResponses
	emu *emulator.Emulator
	cfg emulator.Config
	url string
}

func newAccountWorld(t *testing.T, seed *emulator.Seed) *accountWorld {
	t.Helper()
	cfg := emulator.Config{SDKAppID: 1400000042, Key: emulatortest.NewKey(t), Seed: seed}
	base, emu := emulatortest.Start(t, cfg)
	return &accountWorld{t: t, c: emulatortest.NewClient(t, base, cfg), emu: emu, cfg: cfg, url: base}
}

// ok fails the test unless the call went through with HTTP 200 and a
// decoded answer.
func (w *accountWorld) ok(err error, status int, decoded bool) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	if status != 200 || !decoded {
		w.t.Fatalf("HTTP %d, decoded %v", status, decoded)
	}
}

func (w *accountWorld) importOne(req gen.ImportAccountRequest) *gen.ImportAccountResponse {
	w.t.Helper()
	r, err := w.c.ImportAccountWithResponse(w.t.Context(), req)
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200
}

// importMany returns the answer and its raw JSON.
func (w *accountWorld) importMany(req gen.ImportAccountsRequest) (*gen.ImportAccountsResponse, []byte) {
	w.t.Helper()
	r, err := w.c.ImportAccountsWithResponse(w.t.Context(), req)
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200, r.Body
}

func (w *accountWorld) delete(ids ...string) *gen.DeleteAccountsResponse {
	w.t.Helper()
	req := gen.DeleteAccountsRequest{}
	for _, id := range ids {
		req.DeleteItem = append(req.DeleteItem, gen.DeleteAccountItem{UserID: id})
	}
	r, err := w.c.DeleteAccountsWithResponse(w.t.Context(), req)
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	if len(r.JSON200.ResultItem) != len(ids) {
		w.t.Fatalf("account_delete %v: %s", ids, r.Body)
	}
	return r.JSON200
}

func (w *accountWorld) check(ids ...string) *gen.CheckAccountsResponse {
	w.t.Helper()
	req := gen.CheckAccountsRequest{}
	for _, id := range ids {
		req.CheckItem = append(req.CheckItem, gen.CheckAccountItem{UserID: id})
	}
	r, err := w.c.CheckAccountsWithResponse(w.t.Context(), req)
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	if len(r.JSON200.ResultItem) != len(ids) {
		w.t.Fatalf("account_check %v: %s", ids, r.Body)
	}
	return r.JSON200
}

// imported reports whether account_check says id is imported.
func (w *accountWorld) imported(id string) bool {
	w.t.Helper()
	a := w.check(id)
	if a.ErrorCode != 0 || len(a.ResultItem) != 1 || a.ResultItem[0].AccountStatus == nil {
		w.t.Fatalf("account_check %s: %+v", id, a)
	}
	return *a.ResultItem[0].AccountStatus == gen.AccountStatusImported
}

func (w *accountWorld) kick(id string) *gen.KickAccountResponse {
	w.t.Helper()
	r, err := w.c.KickAccountWithResponse(w.t.Context(), gen.KickAccountRequest{UserID: id})
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200
}

// online returns the answer and its raw JSON.
func (w *accountWorld) online(req gen.GetOnlineStatusRequest) (*gen.GetOnlineStatusResponse, []byte) {
	w.t.Helper()
	r, err := w.c.GetOnlineStatusWithResponse(w.t.Context(), req)
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200, r.Body
}

func (w *accountWorld) setProfile(from string, items ...gen.ProfileItem) *gen.SetProfileResponse {
	w.t.Helper()
	r, err := w.c.SetProfileWithResponse(w.t.Context(), gen.SetProfileRequest{FromAccount: from, ProfileItem: items})
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200
}

// profiles returns the answer and its raw JSON.
func (w *accountWorld) profiles(to []string, tags ...string) (*gen.GetProfilesResponse, []byte) {
	w.t.Helper()
	r, err := w.c.GetProfilesWithResponse(w.t.Context(), gen.GetProfilesRequest{ToAccount: to, TagList: tags})
	w.ok(err, r.StatusCode(), r != nil && r.JSON200 != nil)
	return r.JSON200, r.Body
}

// profile returns the tags of tags that the account id has, read with
// portrait_get.
func (w *accountWorld) profile(id string, tags ...string) []gen.TagItem {
	w.t.Helper()
	a, _ := w.profiles([]string{id}, tags...)
	if a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 || len(a.UserProfileItem) != 1 || a.UserProfileItem[0].ResultCode != 0 {
		w.t.Fatalf("portrait_get %s: %+v", id, a)
	}
	return a.UserProfileItem[0].ProfileItem
}

// allProfileTags are the names of every standard profile tag.
func allProfileTags() []string {
	var out []string
	for _, t := range spec.Tags {
		if t.Family == "profile" {
			out = append(out, t.Name)
		}
	}
	return out
}

// docCode fails the test unless code is one of op's codes in the
// document, of class.
func docCode(t *testing.T, op *spec.Operation, code int32, class spec.Class) {
	t.Helper()
	e, ok := op.Lookup(int(code))
	if !ok || e.Class != class {
		t.Errorf("%s answered %d: the document has %v (known %v), want class %s", op.ID, code, e.Class, ok, class)
	}
}

// hasKey reports whether the JSON object raw has the field key at its
// top level.
func hasKey(t *testing.T, raw []byte, key string) bool {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	_, ok := m[key]
	return ok
}

func sptr(s string) *string { return &s }

// wide is a UserID of 17 characters and 34 bytes: within the schema's
// maxLength (characters), over the service's 32 bytes.
var wide = strings.Repeat("é", 17)

// long500 is a string of 300 characters and 600 bytes: within the
// schemas' maxLength of 500 characters, over the service's 500 bytes.
var long500 = strings.Repeat("é", 300)

func TestImportAccount(t *testing.T) {
	w := newAccountWorld(t, nil)
	if w.imported("ann") {
		t.Fatal("ann is imported before the import")
	}
	a := w.importOne(gen.ImportAccountRequest{UserID: "ann", Nick: sptr("Ann"), FaceURL: sptr("https://example.com/ann.png")})
	if a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 {
		t.Fatalf("%+v", a)
	}
	if !w.imported("ann") {
		t.Fatal("ann is not imported")
	}
	want := []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Ann")}, {Tag: "Tag_Profile_IM_Image", Value: tag.String("https://example.com/ann.png")}}
	if diff := cmp.Diff(want, w.profile("ann", allProfileTags()...)); diff != "" {
		t.Errorf("profile after the import (-want +got):\n%s", diff)
	}

	// Importing again keeps the account and its profile; a Nick given
	// replaces the nickname, a FaceUrl left out leaves the photo.
	w.setProfile("ann", gen.ProfileItem{Tag: "Tag_Profile_IM_Level", Value: tag.Int(4)})
	if a := w.importOne(gen.ImportAccountRequest{UserID: "ann"}); a.ErrorCode != 0 {
		t.Fatalf("%+v", a)
	}
	if a := w.importOne(gen.ImportAccountRequest{UserID: "ann", Nick: sptr("Annie")}); a.ErrorCode != 0 {
		t.Fatalf("%+v", a)
	}
	want = []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Annie")}, {Tag: "Tag_Profile_IM_Image", Value: tag.String("https://example.com/ann.png")}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(4)}}
	if diff := cmp.Diff(want, w.profile("ann", allProfileTags()...)); diff != "" {
		t.Errorf("profile after importing again (-want +got):\n%s", diff)
	}
	// An empty Nick is a nickname too.
	w.importOne(gen.ImportAccountRequest{UserID: "ann", Nick: sptr("")})
	if got := w.profile("ann", "Tag_Profile_IM_Nick"); len(got) != 1 || !got[0].Value.Equal(tag.String("")) {
		t.Errorf("Nick after importing with an empty Nick: %v", got)
	}

	// Byte limits the schema cannot express fail the call with the bad
	// parameter code, and import nothing.
	for name, req := range map[string]gen.ImportAccountRequest{
		"UserID over 32 bytes":  {UserID: wide},
		"Nick over 500 bytes":   {UserID: "bea", Nick: &long500},
		"FaceUrl over 500 byte": {UserID: "bea", FaceURL: &long500},
	} {
		a := w.importOne(req)
		if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 70402 || a.ErrorInfo == nil || !strings.Contains(*a.ErrorInfo, "bytes") {
			t.Errorf("%s: %+v", name, a)
		}
		docCode(t, spec.ImportAccount, a.ErrorCode, spec.ClassBadRequest)
	}
	if w.imported("bea") {
		t.Error("a failed import imported bea")
	}
}

func TestImportAccountsBothShapes(t *testing.T) {
	w := newAccountWorld(t, &emulator.Seed{Accounts: []emulator.Account{
		{UserID: "old", Profile: []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Old")}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(9)}}},
	}})

	// The older shape: UserIDs only.
	a, raw := w.importMany(gen.ImportAccountsRequest{Accounts: []string{"u1", wide, "u2", "old", "u1"}})
	if a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 || !slices.Equal(a.FailAccounts, []string{wide}) {
		t.Fatalf("Accounts: %s", raw)
	}
	for _, id := range []string{"u1", "u2", "old"} {
		if !w.imported(id) {
			t.Errorf("%s is not imported", id)
		}
	}
	if w.emu.Friends(wide) != nil { // nil: no such account
		t.Error("the UserID over 32 bytes was imported")
	}
	if diff := cmp.Diff([]gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Old")}}, w.profile("old", "Tag_Profile_IM_Nick")); diff != "" {
		t.Errorf("the older shape changed old's profile:\n%s", diff)
	}

	// The newer shape: an upsert of Nick and FaceUrl, on new and
	// existing accounts; a UserID given twice is imported twice, the
	// later Nick winning; an item over a byte limit fails alone.
	a, raw = w.importMany(gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{
		{UserID: "n1", Nick: sptr("N1"), FaceURL: sptr("https://example.com/n1.png")},
		{UserID: "old", Nick: sptr("Older")},
		{UserID: "n2", Nick: sptr("first")},
		{UserID: "n3", Nick: &long500},
		{UserID: "n2", Nick: sptr("second")},
		{UserID: wide},
		{UserID: "n4"},
		{UserID: "n3", FaceURL: &long500},
	}})
	if a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 || !slices.Equal(a.FailAccounts, []string{"n3", wide}) {
		t.Fatalf("AccountList: %s", raw)
	}
	nickImage := []string{"Tag_Profile_IM_Nick", "Tag_Profile_IM_Image", "Tag_Profile_IM_Level"}
	for id, want := range map[string][]gen.TagItem{
		"n1":  {{Tag: "Tag_Profile_IM_Nick", Value: tag.String("N1")}, {Tag: "Tag_Profile_IM_Image", Value: tag.String("https://example.com/n1.png")}},
		"old": {{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Older")}, {Tag: "Tag_Profile_IM_Level", Value: tag.Int(9)}},
		"n2":  {{Tag: "Tag_Profile_IM_Nick", Value: tag.String("second")}},
		"n4":  {},
	} {
		if diff := cmp.Diff(want, w.profile(id, nickImage...)); diff != "" {
			t.Errorf("%s: profile (-want +got):\n%s", id, diff)
		}
	}
	if w.imported("n3") {
		t.Error("a failed item was imported")
	}

	// No failure, no FailAccounts.
	a, raw = w.importMany(gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{{UserID: "n5"}}})
	if a.ErrorCode != 0 || hasKey(t, raw, "FailAccounts") {
		t.Errorf("answer without failures: %s", raw)
	}
}

// friendsSeed: ann, bob, cat and dan; ann and bob are friends both ways,
// cat has bob as a friend in a list; everyone has a nickname.
func friendsSeed() *emulator.Seed {
	s := &emulator.Seed{Friends: map[string][]gen.AddFriendItem{
		"ann": {{ToAccount: "bob", AddSource: "AddSource_Type_Web"}},
		"bob": {{ToAccount: "ann", AddSource: "AddSource_Type_Web"}, {ToAccount: "cat", AddSource: "AddSource_Type_Web"}},
		"cat": {{ToAccount: "bob", AddSource: "AddSource_Type_Web", GroupName: []string{"pals"}}},
	}}
	for _, id := range []string{"ann", "bob", "cat", "dan"} {
		s.Accounts = append(s.Accounts, emulator.Account{UserID: id, Profile: []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String(strings.ToUpper(id))}}})
	}
	return s
}

// friendIDs are the ToAccounts of friends.
func friendIDs(friends []emulator.Friend) []string {
	out := []string{}
	for _, f := range friends {
		out = append(out, f.ToAccount)
	}
	return out
}

func TestDeleteAccounts(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	a := w.delete("bob", "ghost", "bob", wide, "dan")
	want := &gen.DeleteAccountsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: sptr(""), ResultItem: []gen.AccountDeleteResult{
		{UserID: "bob", ResultCode: 0, ResultInfo: sptr("")},
		{UserID: "ghost", ResultCode: 70107, ResultInfo: sptr("Err_TLS_PT_Open_Login_Account_Not_Exist")},
		{UserID: "bob", ResultCode: 70107, ResultInfo: sptr("Err_TLS_PT_Open_Login_Account_Not_Exist")},
		{UserID: wide, ResultCode: 70402, ResultInfo: a.ResultItem[3].ResultInfo},
		{UserID: "dan", ResultCode: 0, ResultInfo: sptr("")},
	}}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if info := a.ResultItem[3].ResultInfo; info == nil || !strings.Contains(*info, "bytes") {
		t.Errorf("ResultInfo of the wide UserID: %v", info)
	}
	docCode(t, spec.DeleteAccounts, 70107, spec.ClassNotFound)
	docCode(t, spec.DeleteAccounts, 70402, spec.ClassBadRequest)

	// bob is gone with his profile and every relation, his and to him.
	if w.imported("bob") || w.imported("dan") || !w.imported("ann") {
		t.Error("account_check after the delete")
	}
	if got := friendIDs(w.emu.Friends("ann")); len(got) != 0 {
		t.Errorf("ann's friends: %v", got)
	}
	if got := friendIDs(w.emu.Friends("cat")); len(got) != 0 {
		t.Errorf("cat's friends: %v", got)
	}
	if got := w.emu.Friends("bob"); got != nil {
		t.Errorf("bob's friends: %v", got)
	}
	if a, _ := w.profiles([]string{"bob"}, "Tag_Profile_IM_Nick"); a.ErrorCode != 40003 {
		t.Errorf("portrait_get of the deleted bob: %+v", a)
	}

	// Deleting is not idempotent: the same call answers otherwise.
	if a := w.delete("dan"); a.ResultItem[0].ResultCode != 70107 {
		t.Errorf("deleting dan again: %+v", a.ResultItem)
	}

	// bob can be imported again at once, as a new account: no profile,
	// no friends, and no one's friend.
	w.importOne(gen.ImportAccountRequest{UserID: "bob"})
	if got := w.profile("bob", "Tag_Profile_IM_Nick"); len(got) != 0 {
		t.Errorf("the new bob's profile: %v", got)
	}
	if got := friendIDs(w.emu.Friends("bob")); len(got) != 0 {
		t.Errorf("the new bob's friends: %v", got)
	}
	if got := friendIDs(w.emu.Friends("ann")); len(got) != 0 {
		t.Errorf("ann's friends after bob's return: %v", got)
	}
}

func TestCheckAccounts(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	a := w.check("ann", "ghost", "ann", wide, "dan")
	imported, notImported := gen.AccountStatusImported, gen.AccountStatusNotImported
	want := &gen.CheckAccountsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: sptr(""), ResultItem: []gen.AccountCheckResult{
		{UserID: "ann", ResultCode: 0, ResultInfo: sptr(""), AccountStatus: &imported},
		{UserID: "ghost", ResultCode: 0, ResultInfo: sptr(""), AccountStatus: &notImported},
		{UserID: "ann", ResultCode: 0, ResultInfo: sptr(""), AccountStatus: &imported},
		{UserID: wide, ResultCode: 70402, ResultInfo: a.ResultItem[3].ResultInfo},
		{UserID: "dan", ResultCode: 0, ResultInfo: sptr(""), AccountStatus: &imported},
	}}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	docCode(t, spec.CheckAccounts, 70402, spec.ClassBadRequest)
}

func TestKickAccount(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	if a := w.kick("ann"); a.ActionStatus != gen.ActionStatusOK || a.ErrorCode != 0 {
		t.Errorf("kicking ann: %+v", a)
	}
	if !w.imported("ann") || len(w.emu.Friends("ann")) != 1 {
		t.Error("kicking ann changed her")
	}
	a := w.kick("ghost")
	if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 70107 {
		t.Errorf("kicking ghost: %+v", a)
	}
	docCode(t, spec.KickAccount, a.ErrorCode, spec.ClassNotFound)
	a = w.kick(wide)
	if a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 70402 {
		t.Errorf("kicking a UserID over 32 bytes: %+v", a)
	}
	docCode(t, spec.KickAccount, a.ErrorCode, spec.ClassBadRequest)
	w.delete("ann")
	if a := w.kick("ann"); a.ErrorCode != 70107 {
		t.Errorf("kicking the deleted ann: %+v", a)
	}
}

func TestGetOnlineStatus(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	offline := gen.OnlineStateOffline
	for _, detail := range []*int32{nil, new(int32), func() *int32 { one := int32(1); return &one }()} {
		a, raw := w.online(gen.GetOnlineStatusRequest{ToAccount: []string{"ann", "ghost", wide, "bob", "ann"}, IsNeedDetail: detail})
		want := &gen.GetOnlineStatusResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: sptr(""),
			QueryResult: []gen.OnlineStatusResult{
				{ToAccount: "ann", State: &offline, Status: &offline},
				{ToAccount: "bob", State: &offline, Status: &offline},
				{ToAccount: "ann", State: &offline, Status: &offline},
			},
			ErrorList: []gen.OnlineStatusError{{ToAccount: "ghost", ErrorCode: 70107}, {ToAccount: wide, ErrorCode: 70402}},
		}
		if diff := cmp.Diff(want, a); diff != "" {
			t.Errorf("IsNeedDetail %v: answer (-want +got):\n%s", detail, diff)
		}
		// No one is logged in anywhere: no Detail, even when asked for.
		if bytes.Contains(raw, []byte(`"Detail"`)) {
			t.Errorf("IsNeedDetail %v: %s", detail, raw)
		}
	}
	docCode(t, spec.GetOnlineStatus, 70107, spec.ClassNotFound)
	docCode(t, spec.GetOnlineStatus, 70402, spec.ClassBadRequest)

	// Without failures there is no ErrorList; with failures only, an
	// empty QueryResult.
	if _, raw := w.online(gen.GetOnlineStatusRequest{ToAccount: []string{"cat"}}); hasKey(t, raw, "ErrorList") || !hasKey(t, raw, "QueryResult") {
		t.Errorf("all found: %s", raw)
	}
	if a, raw := w.online(gen.GetOnlineStatusRequest{ToAccount: []string{"ghost"}}); len(a.QueryResult) != 0 || len(a.ErrorList) != 1 || !hasKey(t, raw, "QueryResult") {
		t.Errorf("none found: %s", raw)
	}
	// A deleted account is not found.
	w.delete("cat")
	if a, _ := w.online(gen.GetOnlineStatusRequest{ToAccount: []string{"cat"}}); len(a.ErrorList) != 1 || a.ErrorList[0].ErrorCode != 70107 {
		t.Errorf("the deleted cat: %+v", a)
	}
}

// TestAccountsAndProfilesScenario walks through the life of accounts
// over HTTP, every request and answer checked against openapi/: import
// in both shapes, set profiles, read them back typed, check, delete
// (friends go too), check again, and the online status.
func TestAccountsAndProfilesScenario(t *testing.T) {
	w := newAccountWorld(t, nil)
	if a, raw := w.importMany(gen.ImportAccountsRequest{Accounts: []string{"zoe", "yan"}}); a.ErrorCode != 0 || len(a.FailAccounts) != 0 {
		t.Fatalf("Accounts: %s", raw)
	}
	if a, raw := w.importMany(gen.ImportAccountsRequest{AccountList: []gen.ImportAccountItem{
		{UserID: "xia", Nick: sptr("Xia"), FaceURL: sptr("https://example.com/xia.png")}, {UserID: "zoe", Nick: sptr("Zoe")},
	}}); a.ErrorCode != 0 || len(a.FailAccounts) != 0 {
		t.Fatalf("AccountList: %s", raw)
	}
	if a := w.setProfile("yan",
		gen.ProfileItem{Tag: "Tag_Profile_IM_Nick", Value: tag.String("Yan")},
		gen.ProfileItem{Tag: "Tag_Profile_IM_Gender", Value: tag.String("Gender_Type_Male")},
		gen.ProfileItem{Tag: "Tag_Profile_IM_BirthDay", Value: tag.Int(20010203)},
		gen.ProfileItem{Tag: "Tag_Profile_Custom_Team", Value: tag.String("blue")},
		gen.ProfileItem{Tag: "Tag_Profile_Custom_Score", Value: tag.Int(77)},
	); a.ErrorCode != 0 {
		t.Fatalf("portrait_set: %+v", a)
	}
	if err := w.emu.Apply(&emulator.Seed{Friends: map[string][]gen.AddFriendItem{
		"zoe": {{ToAccount: "yan", AddSource: "AddSource_Type_Web"}, {ToAccount: "xia", AddSource: "AddSource_Type_Web"}},
		"yan": {{ToAccount: "zoe", AddSource: "AddSource_Type_Web"}},
	}}); err != nil {
		t.Fatal(err)
	}

	// Read back typed.
	a, _ := w.profiles([]string{"yan", "zoe", "xia"}, "Tag_Profile_IM_Nick", "Tag_Profile_IM_BirthDay", "Tag_Profile_IM_Image", "Tag_Profile_Custom_Score", "Tag_Profile_Custom_Team")
	if a.ErrorCode != 0 || len(a.UserProfileItem) != 3 || len(a.FailAccount) != 0 {
		t.Fatalf("portrait_get: %+v", a)
	}
	byTag := func(items []gen.TagItem) map[string]tag.Value {
		m := map[string]tag.Value{}
		for _, it := range items {
			m[it.Tag] = it.Value
		}
		return m
	}
	yan, zoe, xia := byTag(a.UserProfileItem[0].ProfileItem), byTag(a.UserProfileItem[1].ProfileItem), byTag(a.UserProfileItem[2].ProfileItem)
	if s, ok := yan["Tag_Profile_IM_Nick"].AsString(); !ok || s != "Yan" {
		t.Errorf("yan's Nick: %v", yan["Tag_Profile_IM_Nick"])
	}
	if n, ok := yan["Tag_Profile_IM_BirthDay"].AsInt(); !ok || n != 20010203 {
		t.Errorf("yan's BirthDay: %v", yan["Tag_Profile_IM_BirthDay"])
	}
	if n, ok := yan["Tag_Profile_Custom_Score"].AsInt(); !ok || n != 77 {
		t.Errorf("yan's Score: %v", yan["Tag_Profile_Custom_Score"])
	}
	if s, ok := yan["Tag_Profile_Custom_Team"].AsString(); !ok || s != "blue" {
		t.Errorf("yan's Team: %v", yan["Tag_Profile_Custom_Team"])
	}
	if s, ok := zoe["Tag_Profile_IM_Nick"].AsString(); !ok || s != "Zoe" || len(zoe) != 1 {
		t.Errorf("zoe: %v", zoe)
	}
	if s, ok := xia["Tag_Profile_IM_Image"].AsString(); !ok || s != "https://example.com/xia.png" || len(xia) != 2 {
		t.Errorf("xia: %v", xia)
	}

	c := w.check("xia", "yan", "zoe")
	for _, r := range c.ResultItem {
		if r.ResultCode != 0 || *r.AccountStatus != gen.AccountStatusImported {
			t.Errorf("account_check before the delete: %+v", r)
		}
	}
	if d := w.delete("yan"); d.ResultItem[0].ResultCode != 0 {
		t.Fatalf("account_delete: %+v", d)
	}
	c = w.check("xia", "yan", "zoe")
	for i, want := range []gen.AccountStatus{gen.AccountStatusImported, gen.AccountStatusNotImported, gen.AccountStatusImported} {
		if *c.ResultItem[i].AccountStatus != want {
			t.Errorf("account_check after the delete: %s %s, want %s", c.ResultItem[i].UserID, *c.ResultItem[i].AccountStatus, want)
		}
	}
	if got := friendIDs(w.emu.Friends("zoe")); !slices.Equal(got, []string{"xia"}) {
		t.Errorf("zoe's friends after yan's delete: %v", got)
	}
	if a, _ := w.profiles([]string{"zoe", "yan"}, "Tag_Profile_IM_Nick"); a.ActionStatus != gen.ActionStatusFail || a.ErrorCode != 40003 {
		t.Errorf("portrait_get naming the deleted yan: %+v", a)
	}
	o, _ := w.online(gen.GetOnlineStatusRequest{ToAccount: []string{"xia", "yan", "zoe"}})
	if len(o.QueryResult) != 2 || len(o.ErrorList) != 1 || o.ErrorList[0].ToAccount != "yan" || o.ErrorList[0].ErrorCode != 70107 {
		t.Errorf("query_online_status: %+v", o)
	}
	for _, r := range o.QueryResult {
		if *r.State != gen.OnlineStateOffline {
			t.Errorf("%s is %s", r.ToAccount, *r.State)
		}
	}
}

// TestAccountAndProfileVendorSamples posts the vendor's sample requests
// of the account and profile operations (the examples of openapi/) and
// checks that the answers have the shape of the vendor's sample answers,
// in a world where the samples' accounts are as the samples show them.
func TestAccountAndProfileVendorSamples(t *testing.T) {
	c := contract.MustLoad()
	type sampleCase struct {
		op, request, answer string
		exact               bool     // the values match too
		ignore              []string // fields of the answer's items that differ (no one is online in an emulator)
		drop                []string // fields of the answer that the emulator cannot reproduce
		absent              []string // sample accounts that do not exist
	}
	cases := []sampleCase{
		{op: "ImportAccount", request: "basic", answer: "basic", exact: true},
		// The samples' failed accounts (one not even in the request)
		// fail for reasons the page does not give.
		{op: "ImportAccounts", request: "list", answer: "list", drop: []string{"FailAccounts"}},
		{op: "ImportAccounts", request: "accounts", answer: "accounts", drop: []string{"FailAccounts"}},
		{op: "DeleteAccounts", request: "basic", answer: "basic", exact: true},
		{op: "CheckAccounts", request: "basic", answer: "basic", exact: true},
		{op: "KickAccount", request: "basic", answer: "basic", exact: true},
		// No one is online in an emulator: Offline for all (State and
		// Status), no Detail.
		{op: "GetOnlineStatus", request: "basic", answer: "basic", ignore: []string{"Status"}, absent: []string{"id4"}},
		{op: "GetOnlineStatus", request: "detail", answer: "detail", ignore: []string{"Status", "Detail"}, absent: []string{"id4"}},
		{op: "SetProfile", request: "basic", answer: "ok", exact: true},
		{op: "GetProfiles", request: "basic", answer: "basic", exact: true},
		{op: "GetProfiles", request: "tags"},
		{op: "GetProfiles", request: "accounts"},
		{op: "GetProfiles", request: "batch"},
	}
	// Every sample request of these operations has a case.
	for _, o := range spec.Operations {
		if o.Family != "account" && o.Family != "profile" {
			continue
		}
		requests, _, err := c.Examples(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range requests {
			if !slices.ContainsFunc(cases, func(tc sampleCase) bool { return tc.op == o.ID && tc.request == r.Name }) {
				t.Errorf("the sample request %s/%s has no case", o.ID, r.Name)
			}
		}
	}
	world := func(absent []string) *emulator.Seed {
		s := &emulator.Seed{}
		for _, id := range []string{"id", "id2", "id3", "id4", "test", "UserID_1"} {
			if !slices.Contains(absent, id) {
				s.Accounts = append(s.Accounts, emulator.Account{UserID: id})
			}
		}
		s.Accounts = append(s.Accounts, emulator.Account{UserID: "id1", Profile: []gen.TagItem{{Tag: "Tag_Profile_IM_Nick", Value: tag.String("NickNameTest1")}}})
		return s
	}
	for _, tc := range cases {
		t.Run(tc.op+"/"+tc.request, func(t *testing.T) {
			op := spec.ByID(tc.op)
			requests, answers, err := c.Examples(tc.op)
			if err != nil {
				t.Fatal(err)
			}
			body := exampleNamed(requests, tc.request)
			if body == nil {
				t.Fatalf("no sample request %s", tc.request)
			}
			w := newAccountWorld(t, world(tc.absent))
			got := postSample(t, w, op.Path, body)
			if tc.answer == "" {
				if got["ActionStatus"] != "OK" || got["ErrorCode"] != json.Number("0") {
					t.Errorf("answer: %v", got)
				}
				return
			}
			var want map[string]any
			if err := jsonUnmarshalNumber(exampleNamed(answers, tc.answer), &want); err != nil {
				t.Fatal(err)
			}
			for _, f := range tc.drop {
				delete(want, f)
				delete(got, f)
			}
			if diff := cmp.Diff(withoutItemFields(shape(want), tc.ignore), withoutItemFields(shape(got), tc.ignore)); diff != "" {
				t.Errorf("answer shape differs from the vendor's (-vendor +emulator):\n%s\nanswer: %v", diff, got)
			}
			if tc.exact {
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("answer differs from the vendor's (-vendor +emulator):\n%s", diff)
				}
			}
		})
	}
}

// postSample posts the raw JSON body to path, signed as the admin,
// through a transport that checks the request and the answer against
// openapi/, and returns the answer, decoded with numbers kept.
func postSample(t *testing.T, w *accountWorld, path string, body []byte) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, w.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if err := emulatortest.NewSigner(t, w.cfg, emulatortest.Admin(w.cfg)).Edit(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: emulatortest.ValidatingTransport(t, tr)}).Do(req)
	if err != nil {
		t.Fatal(redact.Error(err)) // the URL carries the UserSig
	}
	defer resp.Body.Close()
	var m map[string]any
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// withoutItemFields removes the fields names from the objects inside the
// arrays of the skeleton v.
func withoutItemFields(v any, names []string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	for _, x := range m {
		if items, ok := x.([]any); ok {
			for _, it := range items {
				if o, ok := it.(map[string]any); ok {
					for _, n := range names {
						delete(o, n)
					}
				}
			}
		}
	}
	return m
}

// TestAccountsConcurrently imports, sets, reads and deletes accounts from
// several goroutines at once (run with -race), each on its own accounts,
// and checks the end state.
func TestAccountsConcurrently(t *testing.T) {
	w := newAccountWorld(t, friendsSeed())
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			id := "g" + string(rune('a'+g))
			for range 5 {
				w.importOne(gen.ImportAccountRequest{UserID: id, Nick: sptr(id)})
				w.setProfile(id, gen.ProfileItem{Tag: "Tag_Profile_IM_Level", Value: tag.Int(int64(g))})
				w.profiles([]string{id, "ann"}, "Tag_Profile_IM_Nick")
				w.online(gen.GetOnlineStatusRequest{ToAccount: []string{id, "bob"}})
				w.delete(id)
			}
			w.importOne(gen.ImportAccountRequest{UserID: id})
		})
	}
	wg.Wait()
	for g := range 6 {
		id := "g" + string(rune('a'+g))
		if !w.imported(id) || len(w.profile(id, allProfileTags()...)) != 0 {
			t.Errorf("%s: imported %v, profile %v", id, w.imported(id), w.profile(id, allProfileTags()...))
		}
	}
}
