package timrest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// TestCustomProfileTagNames: the client and the emulator agree on custom
// profile tag names (Tag_Profile_Custom_ and 1 to 8 letters, as custom
// friend tags): a name the emulator would refuse with 40009 is refused
// before sending, naming the field, and one it takes is sent. Found by
// the issue 10 review: the document's pattern allowed digits, underscores
// and any length.
func TestCustomProfileTagNames(t *testing.T) {
	c, emu := startEmulator(t, emulator.Config{Seed: &emulator.Seed{Accounts: []emulator.Account{{UserID: "alice"}}}}, true)
	for name, ok := range map[string]bool{
		"Tag_Profile_Custom_Hobby":     true,
		"Tag_Profile_Custom_abcdefgh":  true,
		"Tag_Profile_Custom_abcdefghi": false,
		"Tag_Profile_Custom_Level2":    false,
		"Tag_Profile_Custom_Pet_Name":  false,
		"Tag_Profile_Custom_":          false,
	} {
		before := emu.Stats().Calls["SetProfile"]
		_, err := c.Profiles.Set(context.Background(), gen.SetProfileRequest{FromAccount: "alice",
			ProfileItem: []gen.ProfileItem{{Tag: name, Value: tag.String("x")}}})
		sent := emu.Stats().Calls["SetProfile"] - before
		var ve *timrest.ValidationError
		switch {
		case ok && (err != nil || sent != 1):
			t.Errorf("%s: %v, %d sent; want it set", name, err, sent)
		case !ok && (!errors.As(err, &ve) || ve.Field != "ProfileItem.Tag" || sent != 0):
			t.Errorf("%s: %v, %d sent; want a *ValidationError for ProfileItem[0].Tag, nothing sent", name, err, sent)
		}
	}
}
