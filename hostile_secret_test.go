package timrest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/timrest/timrest/gen"
)

// TestKeyNotEchoedInValidationError: a secret key pasted into a UserID or
// From_Account is not echoed in the *ValidationError the client makes.
// (Found by the issue 10 review.)
func TestKeyNotEchoedInValidationError(t *testing.T) {
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) { return answer(okAnswer), nil })
	c, _ := newClient(t, rt)
	res, _ := c.Accounts.Check(context.Background(), []gen.CheckAccountsRequest{{CheckItem: []gen.CheckAccountItem{{UserID: testKey}}}})
	if msg := res.Items[0].Err.Error(); strings.Contains(msg, testKey) {
		t.Errorf("the secret key is in an item error: %s", msg)
	}
	_, err := c.Profiles.Set(context.Background(), gen.SetProfileRequest{FromAccount: testKey})
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Errorf("the secret key is in an error: %s", err)
	}
}
