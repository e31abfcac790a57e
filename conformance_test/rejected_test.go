package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/timrest/timrest/internal/spec"
)

// TestRejectedAnswers: answers that break the contract are refused by the
// validator, and, where Go's types can tell, by the generated client too.
func TestRejectedAnswers(t *testing.T) {
	t.Parallel()
	_, v := load(t)
	cases := []struct {
		name, op, body string
		decodeFails    bool // the generated client must refuse it as well
	}{
		{"value is an object", "GetFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"b","ResultCode":0,"SnsProfileItem":[{"Tag":"Tag_SNS_IM_Remark","Value":{"a":1}}]}]}`, true},
		{"value is a fraction", "GetFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"b","ResultCode":0,"SnsProfileItem":[{"Tag":"Tag_SNS_IM_AddTime","Value":1.5}]}]}`, true},
		{"value is a boolean", "GetFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"b","ResultCode":0,"SnsProfileItem":[{"Tag":"Tag_SNS_IM_Remark","Value":true}]}]}`, true},
		{"value is an array of integers", "GetFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"b","ResultCode":0,"SnsProfileItem":[{"Tag":"Tag_SNS_IM_Group","Value":[1,2]}]}]}`, true},
		{"value missing", "GetFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"b","ResultCode":0,"SnsProfileItem":[{"Tag":"Tag_SNS_IM_Remark"}]}]}`, false},
		{"ErrorCode is a string", "ImportFriends",
			`{"ActionStatus":"OK","ErrorCode":"0","ErrorInfo":""}`, true},
		{"ErrorCode missing", "ImportFriends",
			`{"ActionStatus":"FAIL","ErrorInfo":"x"}`, false},
		{"ActionStatus missing", "GetFriendLists",
			`{"ErrorCode":0,"ErrorInfo":""}`, false},
		{"ActionStatus unknown", "GetFriendLists",
			`{"ActionStatus":"MAYBE","ErrorCode":0,"ErrorInfo":""}`, false},
		{"ResultCode is a string", "ImportFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"To_Account":"a","ResultCode":"0"}]}`, true},
		{"result item without To_Account", "ImportFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"ResultCode":0}]}`, false},
		{"Fail_Account is a string", "ImportFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Fail_Account":"a"}`, true},
		{"Next is a string", "ListGroupIDs",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Next":"9040992949"}`, true},
		{"Next is a fraction", "ListGroupIDs",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Next":1.5}`, true},
		{"GroupIdList is an object", "ListGroupIDs",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","GroupIdList":{"GroupId":"x"}}`, true},
		{"CurrentSequence is a string", "GetFriendLists",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CurrentSequence":"2"}`, true},
		{"not JSON", "GetFriendLists", `<html>502 Bad Gateway</html>`, true},

		// The operations of issue 10. An enum the generated types hold
		// as a string decodes; only the validator tells.
		{"Relation not in the enum", "CheckFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"a","Relation":"CheckResult_Type_NO","ResultCode":0}]}`, false},
		{"blocklist Relation of friend_check", "CheckBlocked",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","BlackListCheckItem":[{"To_Account":"a","Relation":"BlackCheckResult_Type_NoRelation","ResultCode":0}]}`, false},
		{"check result without Relation", "CheckFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","InfoItem":[{"To_Account":"a","ResultCode":0}]}`, false},
		{"AccountStatus not in the enum", "CheckAccounts",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"UserID":"a","ResultCode":0,"AccountStatus":"Deleted"}]}`, false},
		{"delete result without UserID", "DeleteAccounts",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"ResultCode":0}]}`, false},
		{"State is a number", "GetOnlineStatus",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","QueryResult":[{"To_Account":"a","State":1}]}`, true},
		{"Status not in the enum", "GetOnlineStatus",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","QueryResult":[{"To_Account":"a","Status":"Away"}]}`, false},
		{"platform Status is a number", "GetOnlineStatus",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","QueryResult":[{"To_Account":"a","State":"Online","Detail":[{"Platform":"Web","Status":0}]}]}`, true},
		{"error entry's ErrorCode is a string", "GetOnlineStatus",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorList":[{"To_Account":"a","ErrorCode":"70107"}]}`, true},
		{"error entry without ErrorCode", "GetOnlineStatus",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ErrorList":[{"To_Account":"a"}]}`, false},
		{"FailAccounts is a string", "ImportAccounts",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","FailAccounts":"a"}`, true},
		{"profile value is an object", "GetProfiles",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","UserProfileItem":[{"To_Account":"a","ResultCode":0,"ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":{"n":1}}]}]}`, true},
		{"CompleteFlag is a string", "ListFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CompleteFlag":"1"}`, true},
		{"NextStartIndex is a fraction", "ListFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","NextStartIndex":1.5}`, true},
		{"friend without To_Account", "ListFriends",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","UserDataItem":[{"ValueItem":[]}]}`, false},
		{"blocklist StartIndex is a string", "ListBlocked",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","StartIndex":"0"}`, true},
		{"AddBlackTimeStamp is a string", "ListBlocked",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","BlackListItem":[{"To_Account":"a","AddBlackTimeStamp":"1430000001"}]}`, true},
		{"list result's ResultCode is a string", "AddFriendLists",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"To_Account":"a","ResultCode":"32216"}]}`, true},
		{"CurrentSequence is a fraction", "DeleteFriendLists",
			`{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","CurrentSequence":4.5}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := newRequest(t, spec.ByID(tc.op).Path, []byte("{}"))
			if err := v.ValidateResponse(context.Background(), req, 200, httpAnswer(nil).Header, []byte(tc.body)); err == nil {
				t.Errorf("the validator accepted %s", tc.body)
			}
			_, err := ops[tc.op].parse(httpAnswer([]byte(tc.body)))
			if tc.decodeFails && err == nil {
				t.Errorf("the generated client decoded %s without error", tc.body)
			}
			if !tc.decodeFails && err != nil {
				t.Errorf("decoding is expected to pass (only the validator can tell), got %v", err)
			}
		})
	}
}

// TestRejectedRequests: requests the service would refuse, or that peer SDKs
// get wrong, are refused both by the validator (kin-openapi, whose error
// names the field) and by the operation's generated check
// (spec.Operation.CheckJSON, whose Problem is at the field's JSON path).
func TestRejectedRequests(t *testing.T) {
	t.Parallel()
	_, v := load(t)
	items := make([]map[string]string, 1001)
	for i := range items {
		items[i] = map[string]string{"To_Account": "u", "AddSource": "AddSource_Type_Web"}
	}
	tooMany, _ := json.Marshal(map[string]any{"From_Account": "a", "AddFriendItem": items})
	accounts := func(key string, n int, extra string) string {
		ids := make([]string, n)
		for i := range ids {
			ids[i] = fmt.Sprintf("%q", fmt.Sprintf("u%d", i))
		}
		return `{` + extra + `"` + key + `":[` + strings.Join(ids, ",") + `]}`
	}
	userItems := func(key string, n int) string {
		its := make([]string, n)
		for i := range its {
			its[i] = fmt.Sprintf(`{"UserID":"u%d"}`, i)
		}
		return `{"` + key + `":[` + strings.Join(its, ",") + `]}`
	}
	lists := func(n int) string { return strings.TrimSuffix(strings.Repeat(`"g",`, n), ",") }
	cases := []struct {
		name, op, body string
		field          string // in the validator's error
		path           string // the generated check's Problem.Field
	}{
		{"1001 friends in one import", "ImportFriends", string(tooMany), "AddFriendItem", "AddFriendItem"},
		{"empty import", "ImportFriends", `{"From_Account":"a","AddFriendItem":[]}`, "AddFriendItem", "AddFriendItem"},
		{"AddSource without prefix", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"Web"}]}`, "AddSource", "AddFriendItem[0].AddSource"},
		{"AddSource suffix over 8 letters", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_TooLongName"}]}`, "AddSource", "AddFriendItem[0].AddSource"},
		{"AddSource missing", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b"}]}`, "AddSource", "AddFriendItem[0].AddSource"},
		{"33 friend lists", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":[` + lists(33) + `]}]}`, "GroupName", "AddFriendItem[0].GroupName"},
		{"empty list name", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":[""]}]}`, "GroupName", "AddFriendItem[0].GroupName[0]"},
		{"remark over 96", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","Remark":"` + strings.Repeat("r", 97) + `"}]}`, "Remark", "AddFriendItem[0].Remark"},
		{"custom tag not SNS custom", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"x"}]}]}`, "Tag", "AddFriendItem[0].CustomItem[0].Tag"},
		{"custom value is a list", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_SNS_Custom_X","Value":["x"]}]}]}`, "Value", "AddFriendItem[0].CustomItem[0].Value"},
		{"UserID over 32", "ImportFriends", `{"From_Account":"` + strings.Repeat("a", 33) + `","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}]}`, "From_Account", "From_Account"},
		{"Limit over 10000", "ListGroupIDs", `{"Limit":10001}`, "Limit", "Limit"},
		{"Limit zero", "ListGroupIDs", `{"Limit":0}`, "Limit", "Limit"},
		{"negative Next", "ListGroupIDs", `{"Next":-1}`, "Next", "Next"},
		{"filter sent as Type", "ListGroupIDs", `{"Type":"Public"}`, "Type", "Type"},
		{"unknown GroupType", "ListGroupIDs", `{"GroupType":"Secret"}`, "GroupType", "GroupType"},
		{"NeedFriend other value", "GetFriendLists", `{"From_Account":"a","NeedFriend":"Yes"}`, "NeedFriend", "NeedFriend"},
		{"From_Account missing", "GetFriendLists", `{}`, "From_Account", "From_Account"},
		{"TagList missing", "GetFriends", `{"From_Account":"a","To_Account":["b"]}`, "TagList", "TagList"},
		{"bad tag name", "GetFriends", `{"From_Account":"a","To_Account":["b"],"TagList":["Nick"]}`, "TagList", "TagList[0]"},

		// The operations of issue 10: over a limit.
		{"101 accounts to delete", "DeleteAccounts", userItems("DeleteItem", 101), "DeleteItem", "DeleteItem"},
		{"101 accounts to check", "CheckAccounts", userItems("CheckItem", 101), "CheckItem", "CheckItem"},
		{"101 accounts to import", "ImportAccounts", accounts("Accounts", 101, ""), "Accounts", "Accounts"},
		{"1001 accounts to check for friendship", "CheckFriends", accounts("To_Account", 1001, `"From_Account":"a","CheckType":"CheckResult_Type_Both",`), "To_Account", "To_Account"},
		{"1001 accounts to block", "BlockAccounts", accounts("To_Account", 1001, `"From_Account":"a",`), "To_Account", "To_Account"},
		{"501 accounts' online status", "GetOnlineStatus", accounts("To_Account", 501, ""), "To_Account", "To_Account"},
		{"33 lists to create", "AddFriendLists", `{"From_Account":"a","GroupName":[` + lists(33) + `]}`, "GroupName", "GroupName"},
		{"33 lists to delete", "DeleteFriendLists", `{"From_Account":"a","GroupName":[` + lists(33) + `]}`, "GroupName", "GroupName"},
		{"1001 accounts in new lists", "AddFriendLists", accounts("To_Account", 1001, `"From_Account":"a","GroupName":["g"],`), "To_Account", "To_Account"},
		{"blocklist page over 1000", "ListBlocked", `{"From_Account":"a","StartIndex":0,"MaxLimited":1001,"LastSequence":0}`, "MaxLimited", "MaxLimited"},
		{"IsNeedDetail 2", "GetOnlineStatus", `{"To_Account":["a"],"IsNeedDetail":2}`, "IsNeedDetail", "IsNeedDetail"},
		{"ForceAddFlags 2", "AddFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}],"ForceAddFlags":2}`, "ForceAddFlags", "ForceAddFlags"},
		{"profile string over 500 bytes", "SetProfile", `{"From_Account":"a","ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"` + strings.Repeat("n", 501) + `"}]}`, "Value", "ProfileItem[0].Value"},
		{"account import nickname over 500", "ImportAccount", `{"UserID":"a","Nick":"` + strings.Repeat("n", 501) + `"}`, "Nick", "Nick"},
		// A required field that decoding would take as 0.
		{"StartIndex missing", "ListFriends", `{"From_Account":"a"}`, "StartIndex", "StartIndex"},
		{"LastSequence missing", "ListBlocked", `{"From_Account":"a","StartIndex":0,"MaxLimited":10}`, "LastSequence", "LastSequence"},
		// A wrong enum.
		{"CheckType of the blocklist", "CheckFriends", `{"From_Account":"a","To_Account":["b"],"CheckType":"BlackCheckResult_Type_Both"}`, "CheckType", "CheckType"},
		{"CheckType of friend_check", "CheckBlocked", `{"From_Account":"a","To_Account":["b"],"CheckType":"CheckResult_Type_Both"}`, "CheckType", "CheckType"},
		{"AddType without prefix", "AddFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}],"AddType":"Both"}`, "AddType", "AddType"},
		{"DeleteType of friend_add", "DeleteFriends", `{"From_Account":"a","To_Account":["b"],"DeleteType":"Add_Type_Both"}`, "DeleteType", "DeleteType"},
		{"DeleteType lower case", "DeleteAllFriends", `{"From_Account":"a","DeleteType":"delete_type_both"}`, "DeleteType", "DeleteType"},
		// A wrong value type.
		{"profile value is a list", "SetProfile", `{"From_Account":"a","ProfileItem":[{"Tag":"Tag_Profile_IM_Nick","Value":["x"]}]}`, "Value", "ProfileItem[0].Value"},
		{"profile tag of the friend family", "SetProfile", `{"From_Account":"a","ProfileItem":[{"Tag":"Tag_SNS_IM_Remark","Value":"x"}]}`, "Tag", "ProfileItem[0].Tag"},
		{"friend value is an object", "UpdateFriends", `{"From_Account":"a","UpdateItem":[{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_Remark","Value":{"x":1}}]}]}`, "Value", "UpdateItem[0].SnsItem[0].Value"},
		{"friend tag that cannot be updated", "UpdateFriends", `{"From_Account":"a","UpdateItem":[{"To_Account":"b","SnsItem":[{"Tag":"Tag_SNS_IM_AddSource","Value":"x"}]}]}`, "Tag", "UpdateItem[0].SnsItem[0].Tag"},
		{"friend_add GroupName is a list", "AddFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":["g"]}]}`, "GroupName", "AddFriendItem[0].GroupName"},
		// ImportAccounts takes one shape or the other, not both, not none.
		{"both import shapes", "ImportAccounts", `{"AccountList":[{"UserID":"a"}],"Accounts":["b"]}`, "at most 1 properties", ""},
		{"no import shape", "ImportAccounts", `{}`, "at least 1 properties", ""},

		{"empty body", "ListGroupIDs", ``, "body", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := v.ValidateRequest(context.Background(), newRequest(t, spec.ByID(tc.op).Path, []byte(tc.body)))
			if err == nil {
				t.Errorf("the validator accepted %.200s", tc.body)
			} else if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("the validator's error does not name %s: %.300v", tc.field, err)
			}
			p := spec.ByID(tc.op).CheckJSON([]byte(tc.body))
			// encoding/json names a field of the wrong type without its
			// indexes (UpdateItem.SnsItem.Value); the generated checks
			// name it with them.
			if p == nil || noIndexes(p.Field) != noIndexes(tc.path) {
				t.Errorf("the generated check: got %#v, want a problem at %q", p, tc.path)
			}
		})
	}
}

var indexes = regexp.MustCompile(`\[[0-9]+\]`)

func noIndexes(path string) string { return indexes.ReplaceAllString(path, "") }

// TestRejectedQueryParams: the five common query parameters are checked
// against their x-tim-schema, and errors never quote the UserSig.
func TestRejectedQueryParams(t *testing.T) {
	t.Parallel()
	_, v := load(t)
	o := spec.ListGroupIDs
	const sig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NSS1KLUpNTwYoMjMwsDAz0zNS0AEXNCaA_"
	cases := []struct{ name, query, param string }{
		{"sdkappid missing", "identifier=admin&usersig=" + sig + "&random=1&contenttype=json", "sdkappid"},
		{"sdkappid zero", "sdkappid=0&identifier=admin&usersig=" + sig + "&random=1&contenttype=json", "sdkappid"},
		{"sdkappid not a number", "sdkappid=app&identifier=admin&usersig=" + sig + "&random=1&contenttype=json", "sdkappid"},
		{"identifier empty", "sdkappid=1&identifier=&usersig=" + sig + "&random=1&contenttype=json", "identifier"},
		{"usersig missing", "sdkappid=1&identifier=admin&random=1&contenttype=json", "usersig"},
		{"usersig twice", "sdkappid=1&identifier=admin&usersig=" + sig + "&usersig=" + sig + "&random=1&contenttype=json", "usersig"},
		{"random over 32 bits", "sdkappid=1&identifier=admin&usersig=" + sig + "&random=4294967296&contenttype=json", "random"},
		{"random negative", "sdkappid=1&identifier=admin&usersig=" + sig + "&random=-1&contenttype=json", "random"},
		{"contenttype xml", "sdkappid=1&identifier=admin&usersig=" + sig + "&random=1&contenttype=xml", "contenttype"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := newRequest(t, o.Path, []byte("{}"))
			req.URL.RawQuery = tc.query
			err := v.ValidateRequest(context.Background(), req)
			if err == nil {
				t.Fatalf("the validator accepted %s", tc.query)
			}
			if !strings.Contains(err.Error(), tc.param) {
				t.Errorf("the error does not name %s: %v", tc.param, err)
			}
			if strings.Contains(err.Error(), sig) {
				t.Errorf("the error quotes the UserSig")
			}
		})
	}
}
