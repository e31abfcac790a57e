package conformance

import (
	"context"
	"encoding/json"
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
// get wrong, do not validate; the error names the field.
func TestRejectedRequests(t *testing.T) {
	t.Parallel()
	_, v := load(t)
	items := make([]map[string]string, 1001)
	for i := range items {
		items[i] = map[string]string{"To_Account": "u", "AddSource": "AddSource_Type_Web"}
	}
	tooMany, _ := json.Marshal(map[string]any{"From_Account": "a", "AddFriendItem": items})
	cases := []struct {
		name, op, body, field string
	}{
		{"1001 friends in one import", "ImportFriends", string(tooMany), "AddFriendItem"},
		{"empty import", "ImportFriends", `{"From_Account":"a","AddFriendItem":[]}`, "AddFriendItem"},
		{"AddSource without prefix", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"Web"}]}`, "AddSource"},
		{"AddSource suffix over 8 letters", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_TooLongName"}]}`, "AddSource"},
		{"AddSource missing", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b"}]}`, "AddSource"},
		{"33 friend lists", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":[` + strings.Repeat(`"g",`, 32) + `"g"]}]}`, "GroupName"},
		{"empty list name", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","GroupName":[""]}]}`, "GroupName"},
		{"remark over 96", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","Remark":"` + strings.Repeat("r", 97) + `"}]}`, "Remark"},
		{"custom tag not SNS custom", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_Profile_IM_Nick","Value":"x"}]}]}`, "Tag"},
		{"custom value is a list", "ImportFriends", `{"From_Account":"a","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web","CustomItem":[{"Tag":"Tag_SNS_Custom_X","Value":["x"]}]}]}`, "Value"},
		{"UserID over 32", "ImportFriends", `{"From_Account":"` + strings.Repeat("a", 33) + `","AddFriendItem":[{"To_Account":"b","AddSource":"AddSource_Type_Web"}]}`, "From_Account"},
		{"Limit over 10000", "ListGroupIDs", `{"Limit":10001}`, "Limit"},
		{"Limit zero", "ListGroupIDs", `{"Limit":0}`, "Limit"},
		{"negative Next", "ListGroupIDs", `{"Next":-1}`, "Next"},
		{"filter sent as Type", "ListGroupIDs", `{"Type":"Public"}`, "Type"},
		{"unknown GroupType", "ListGroupIDs", `{"GroupType":"Secret"}`, "GroupType"},
		{"NeedFriend other value", "GetFriendLists", `{"From_Account":"a","NeedFriend":"Yes"}`, "NeedFriend"},
		{"From_Account missing", "GetFriendLists", `{}`, "From_Account"},
		{"TagList missing", "GetFriends", `{"From_Account":"a","To_Account":["b"]}`, "TagList"},
		{"bad tag name", "GetFriends", `{"From_Account":"a","To_Account":["b"],"TagList":["Nick"]}`, "TagList"},
		{"empty body", "ListGroupIDs", ``, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := v.ValidateRequest(context.Background(), newRequest(t, spec.ByID(tc.op).Path, []byte(tc.body)))
			if err == nil {
				t.Fatalf("the validator accepted %.200s", tc.body)
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Errorf("the error does not name %s: %v", tc.field, err)
			}
		})
	}
}

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
