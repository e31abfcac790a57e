package timrest_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
)

// TestCallRefusesNull: Client.Call refuses JSON null for a field, naming it:
// no request field is nullable, and decoding would take null as the zero
// value (a StartIndex of 0) or as absent. (Found by the issue 10 review.)
func TestCallRefusesNull(t *testing.T) {
	c, _ := startEmulator(t, emulator.Config{Seed: &emulator.Seed{Accounts: []emulator.Account{{UserID: "alice"}, {UserID: "bob"}}}}, false)
	bodies := map[string]string{
		"ListFriends":      `{"From_Account":"alice","StartIndex":null}`,
		"GetFriendLists":   `{"From_Account":"alice","GroupName":null}`,
		"AddFriends":       `{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","Remark":null}]}`,
		"DeleteAllFriends": `{"From_Account":"alice","DeleteType":null}`,
	}
	for op, body := range bodies {
		_, err := c.Call(context.Background(), op, json.RawMessage(body))
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("%s %s: want a *ValidationError (null is not a value of the field's type), got %v", op, body, err)
		}
	}
}
