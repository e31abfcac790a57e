package timrest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// TestProfileSetChecksTagTypes: portrait_set's standard tags are checked
// against x-tim-tags (type, enum, byte limit, 32 bits) before sending.
// (Found by the issue 10 review.)
func TestProfileSetChecksTagTypes(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{Accounts: []emulator.Account{{UserID: "alice"}}}}, true)
	cases := map[string]gen.ProfileItem{
		"gender outside enum":    {Tag: timrest.TagGender, Value: tag.String("Gender_Type_Robot")},
		"location > 16 bytes":    {Tag: timrest.TagLocation, Value: tag.String(strings.Repeat("L", 17))},
		"nick as integer":        {Tag: timrest.TagNick, Value: tag.Int(7)},
		"level as string":        {Tag: timrest.TagLevel, Value: tag.String("12")},
		"level beyond uint32":    {Tag: timrest.TagLevel, Value: tag.Int(1 << 33)},
		"allowtype outside enum": {Tag: timrest.TagAllowType, Value: tag.String("AllowType_Type_Maybe")},
	}
	for name, it := range cases {
		_, err := c.Profiles.Set(context.Background(), gen.SetProfileRequest{FromAccount: "alice", ProfileItem: []gen.ProfileItem{it}})
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s: want a *ValidationError before sending, got %v", name, err)
		}
	}
}

// TestFriendUpdateChecksTagTypes: friend_update's tags are checked (Remark a
// string of at most 96 bytes, Tag_SNS_IM_Group an array of list names, a
// custom tag a string or an integer) before sending. (Found by the issue 10
// review.)
func TestFriendUpdateChecksTagTypes(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{
		Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}},
		Friends:  map[string][]gen.AddFriendItem{"alice": {{ToAccount: "bob", AddSource: "AddSource_Type_Web"}}},
	}}, true)
	cases := map[string]gen.FriendUpdateTag{
		"remark > 96 bytes":    {Tag: timrest.TagRemark, Value: tag.String(strings.Repeat("r", 97))},
		"remark as integer":    {Tag: timrest.TagRemark, Value: tag.Int(1)},
		"list name > 30 bytes": {Tag: timrest.TagFriendLists, Value: tag.Strings(strings.Repeat("g", 31))},
		"list name empty":      {Tag: timrest.TagFriendLists, Value: tag.Strings("")},
		"lists as a string":    {Tag: timrest.TagFriendLists, Value: tag.String("work")},
		"custom tag as a list": {Tag: "Tag_SNS_Custom_Rank", Value: tag.Strings("a", "b")},
	}
	for name, st := range cases {
		res, err := c.Friends.Update(context.Background(), []gen.UpdateFriendsRequest{{FromAccount: "alice",
			UpdateItem: []gen.FriendUpdateItem{{ToAccount: "bob", SNSItem: []gen.FriendUpdateTag{st}}}}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var ve *timrest.ValidationError
		if it := res.Items[0]; !errors.As(it.Err, &ve) {
			t.Errorf("%s: want a *ValidationError (not sent), got code %d: %v", name, it.Code, it.Err)
		}
	}
}
