package timrest_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/emulator/emulatortest"
	"github.com/timrest/timrest/gen"
)

// rawPost signs and posts body to path of an emulator, returning the
// HTTP status and the body.
func rawPost(t *testing.T, cfg emulator.Config, base, path, body string) (int, string) {
	t.Helper()
	s := emulatortest.NewSigner(t, cfg, emulatortest.Admin(cfg))
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader([]byte(body)))
	if err := s.Edit(t.Context(), req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal("post failed")
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestEmulatorHostileBodies: schema-valid but hostile bodies through the
// emulator's HTTP handler always get HTTP 200 with an ActionStatus, never a
// panic. (Found by the issue 10 review.)
func TestEmulatorHostileBodies(t *testing.T) {
	cfg := emulator.Config{SDKAppID: testAppID, Key: emulatortest.NewKey(t), Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}},
		Friends:  map[string][]gen.AddFriendItem{"alice": {{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}},
	}}
	base, _ := emulatortest.Start(t, cfg)
	bodies := map[string]string{
		"/v4/sns/friend_update big int":      `{"From_Account":"alice","UpdateItem":[{"To_Account":"bob","SnsItem":[{"Tag":"Tag_SNS_Custom_X","Value":1e30}]}]}`,
		"/v4/sns/friend_update exp int":      `{"From_Account":"alice","UpdateItem":[{"To_Account":"bob","SnsItem":[{"Tag":"Tag_SNS_Custom_X","Value":1e3}]}]}`,
		"/v4/profile/portrait_set big int":   `{"From_Account":"alice","ProfileItem":[{"Tag":"Tag_Profile_IM_Level","Value":18446744073709551616}]}`,
		"/v4/profile/portrait_set exp":       `{"From_Account":"alice","ProfileItem":[{"Tag":"Tag_Profile_IM_Level","Value":1.0e2}]}`,
		"/v4/sns/friend_get huge start":      `{"From_Account":"alice","StartIndex":9223372036854775807}`,
		"/v4/sns/black_list_get huge start":  `{"From_Account":"alice","StartIndex":9223372036854775807,"MaxLimited":1000,"LastSequence":0}`,
		"/v4/sns/friend_get float start":     `{"From_Account":"alice","StartIndex":1.0}`,
		"/v4/sns/friend_import float time":   `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","AddTime":1e3}]}`,
		"/v4/sns/friend_import big time":     `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","AddTime":1e19}]}`,
		"/v4/openim/query_online_status dup": `{"To_Account":["alice","alice","nobody"],"IsNeedDetail":1}`,
	}
	for name, body := range bodies {
		path, _, _ := strings.Cut(name, " ")
		status, ans := rawPost(t, cfg, base, path, body)
		t.Logf("%s: %d %s", name, status, ans)
		if status != http.StatusOK || !strings.Contains(ans, "ActionStatus") {
			t.Errorf("%s: HTTP %d %q", name, status, ans)
		}
	}
}
