package timrest_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/regions"
)

// The README's quick start is this function's body (TestReadmeQuickStart
// checks it), so the README always shows code that compiles.
func Example_quickStart() {
	ctx := context.Background()

	// The admin's UserSig is made from the app's secret key, cached and
	// renewed before it expires; Edit signs every request.
	signer, err := auth.NewSigner(1400000001, os.Getenv("TIM_SECRET_KEY"), "administrator")
	if err != nil {
		log.Fatal(err)
	}
	c, err := gen.NewClientWithResponses(regions.Singapore.BaseURL(),
		gen.WithRequestEditorFn(signer.Edit))
	if err != nil {
		log.Fatal(err)
	}

	remark := "Bobby"
	resp, err := c.ImportFriendsWithResponse(ctx, gen.ImportFriendsRequest{
		FromAccount: "alice",
		AddFriendItem: []gen.AddFriendItem{
			{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &remark, GroupName: []string{"work"}},
		},
	})
	if err != nil {
		log.Fatal(err) // network trouble; the service itself always answers HTTP 200
	}
	answer := resp.JSON200
	if answer == nil || answer.ActionStatus != gen.ActionStatusOK {
		log.Fatalf("friend_import failed: HTTP %d %s", resp.StatusCode(), resp.Body)
	}
	for _, item := range answer.ResultItem { // a batch is OK even when items failed
		fmt.Println(item.ToAccount, item.ResultCode)
	}
}
