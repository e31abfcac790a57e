package timrest_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/regions"
)

// Example_generatedClient uses the generated client on its own, with
// auth's Signer and a region's base URL: every answer must then be checked
// by hand (README: "The generated client").
func Example_generatedClient() {
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

// Example_quickStart is the README's quick start (TestReadmeExamples
// checks that the README shows this code).
func Example_quickStart() {
	ctx := context.Background()
	c, err := timrest.New(timrest.Config{
		SDKAppID:  1400000001,
		SecretKey: os.Getenv("TIM_SECRET_KEY"),
		Admin:     "administrator",
		Region:    regions.Singapore,
	})
	if err != nil {
		log.Fatal(err) // names the bad field, e.g. Config.SecretKey
	}

	// Any number of friends: split into requests of 1000, retried, rate
	// limited, and every item accounted for.
	remark := "Bobby"
	res, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{
		FromAccount: "alice",
		AddFriendItem: []gen.AddFriendItem{
			{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &remark, GroupName: []string{"work"}},
			{ToAccount: "carol", AddSource: "AddSource_Type_Web"},
		},
	}})
	if res == nil || timrest.StopsBatch(err) {
		log.Fatal(err) // an invalid request, or a wrong key or admin: nothing else was sent
	}
	for _, item := range res.Failed() { // a partial failure is a result, not an error
		fmt.Println(item.Key, item.Code, item.Err)
	}

	// Every group ID of the app, page by page.
	for id, err := range c.Groups.AllIDs(ctx, gen.ListGroupIDsRequest{}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(id)
	}
}
