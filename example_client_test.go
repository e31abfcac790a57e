package timrest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"time"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/regions"
)

// exampleKey is the throwaway key of the examples' local emulator.
const exampleKey = "example-key-not-a-secret"

// exampleEmulator starts a local emulator (the examples' stand-in for the
// service) and returns its base URL and a function that stops it.
func exampleEmulator(cfg emulator.Config, accounts ...string) (*emulator.Emulator, string, func()) {
	cfg.SDKAppID, cfg.Key = 1400000001, exampleKey
	emu, err := emulator.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	if err := emu.AddAccounts(accounts...); err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	return emu, srv.URL, srv.Close
}

// A Client for an app in the Singapore data center. Every call checks the
// answer, retries what is safe to retry, keeps under the call rates and
// signs each attempt with a fresh UserSig.
func ExampleNew() {
	c, err := timrest.New(timrest.Config{
		SDKAppID:  1400000001,
		SecretKey: os.Getenv("TIM_SECRET_KEY"),
		Admin:     "administrator",
		Region:    regions.Singapore,
	})
	if err != nil {
		log.Fatal(err) // a *timrest.ValidationError naming the field, e.g. Config.SecretKey
	}
	_ = c
}

// New refuses a configuration before anything is sent, naming the field.
func ExampleValidationError() {
	_, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: "example-key-0123456789", Admin: "administrator",
		BaseURL: "http://im.example.com"})
	var ve *timrest.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field)
	}
	// Output:
	// Config.BaseURL
}

// Errors: a failed call is a *timrest.Error with the operation, the code
// and the service's text; errors.Is tests its class without knowing codes.
func ExampleError() {
	_, base, stop := exampleEmulator(emulator.Config{}, "alice")
	defer stop()
	// A client with the wrong key: the service refuses its UserSig (70009).
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: "not-the-key-0123456789", Admin: "administrator", BaseURL: base})
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Friends.Lists(context.Background(), gen.GetFriendListsRequest{FromAccount: "alice"})

	var e *timrest.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, e.Code, e.Class())
	}
	switch {
	case errors.Is(err, timrest.ErrUserSig):
		fmt.Println("check the secret key and the admin account")
	case errors.Is(err, timrest.ErrRetryable):
		fmt.Println("the service kept failing; try again later")
	}
	// Output:
	// GetFriendLists 70009 auth
	// check the secret key and the admin account
}

// Retries: transient failures are retried with backoff and jitter, each
// attempt signed afresh; the logger shows one line per attempt. Here the
// emulator fails half the calls with its transient codes.
func ExampleRetryPolicy() {
	_, base, stop := exampleEmulator(emulator.Config{Faults: emulator.Faults{Seed: 3, Transient: 0.5}}, "alice")
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Key {
			case slog.TimeKey, "duration", "delay": // vary from run to run
				return slog.Attr{}
			}
			return a
		},
	}))
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base},
		timrest.WithRetry(timrest.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond}),
		timrest.WithLogger(logger))
	if err != nil {
		log.Fatal(err)
	}
	lists, err := c.Friends.Lists(context.Background(), gen.GetFriendListsRequest{FromAccount: "alice"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("lists:", len(lists.ResultItem))
	// Output:
	// level=WARN msg="timrest: attempt" op=GetFriendLists attempt=1 status=200 code=30006 next=backoff
	// level=WARN msg="timrest: attempt" op=GetFriendLists attempt=2 status=200 code=30007 next=backoff
	// level=WARN msg="timrest: attempt" op=GetFriendLists attempt=3 status=200 code=30007 next=backoff
	// lists: 0
}

// Rate limits: by default every operation is limited to the rate the
// document gives (200 calls/s for friend_import). A lower share of the
// budget, for one of several clients of the app:
func ExampleNewLimiter() {
	_, base, stop := exampleEmulator(emulator.Config{RateLimits: true}, "alice", "bob", "carol", "dave")
	defer stop()
	limiter, err := timrest.NewLimiter(map[string]float64{"ImportFriends": 10}) // 10 calls a second
	if err != nil {
		log.Fatal(err)
	}
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base},
		timrest.WithRateLimiter(limiter))
	if err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	var reqs []gen.ImportFriendsRequest
	for _, from := range []string{"alice", "bob", "carol"} { // three requests
		reqs = append(reqs, gen.ImportFriendsRequest{FromAccount: from,
			AddFriendItem: []gen.AddFriendItem{{ToAccount: "dave", AddSource: "AddSource_Type_Web"}}})
	}
	res, err := c.Friends.Import(context.Background(), reqs)
	if err != nil {
		log.Fatal(err)
	}
	r, _ := limiter.Rate("ImportFriends")
	fmt.Printf("%d imported at %v calls/s, spread over at least 0.2s: %v\n", res.Succeeded(), r, time.Since(start) >= 190*time.Millisecond)
	// Output:
	// 3 imported at 10 calls/s, spread over at least 0.2s: true
}

// Batches: any number of items; the client splits them into requests of at
// most 1000, one account's requests in sequence, and reports every item.
// A partial failure is a result, not an error.
func ExampleFriendsService_Import() {
	accounts := []string{"alice"}
	var items []gen.AddFriendItem
	for i := range 2500 {
		to := fmt.Sprintf("user%04d", i)
		accounts = append(accounts, to)
		items = append(items, gen.AddFriendItem{ToAccount: to, AddSource: "AddSource_Type_Import"})
	}
	items[10].ToAccount = "nobody"  // not an account of the app: the service refuses the item (30003)
	items[20].AddSource = "Website" // not AddSource_Type_*: refused before sending
	emu, base, stop := exampleEmulator(emulator.Config{}, accounts...)
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base})
	if err != nil {
		log.Fatal(err)
	}

	reqs := []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: items}}
	res, err := c.Friends.Import(context.Background(), reqs)
	if err != nil {
		log.Fatal(err) // an invalid From_Account, or a request that failed as a whole
	}
	fmt.Println("imported:", res.Succeeded(), "of", len(res.Items))
	for _, it := range res.Failed() {
		fmt.Printf("item %d (%s): %v\n", it.Index, it.Key, it.Err)
	}
	fmt.Println("Fail_Account:", res.Fail["alice"])
	fmt.Println("requests:", emu.Stats().Calls["ImportFriends"])
	// Output:
	// imported: 2498 of 2500
	// item 10 (nobody): timrest: ImportFriends: To_Account "nobody": error 30003 (The requested account does not exist): Err_SNS_FriendImport_Account_Not_Exist
	// item 20 (user0020): timrest: ImportFriends: AddFriendItem[20].AddSource (To_Account "user0020"): does not match ^AddSource_Type_[A-Za-z]{1,8}$
	// Fail_Account: [nobody]
	// requests: 3
}

// Get takes any number of accounts (sent 100 at a time); Tags reads the
// answer's tags with their types.
func ExampleFriendsService_Get() {
	_, base, stop := exampleEmulator(emulator.Config{}, "alice", "bob", "carol")
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	remark := "Bobby"
	if _, err := c.Friends.Import(ctx, []gen.ImportFriendsRequest{{FromAccount: "alice", AddFriendItem: []gen.AddFriendItem{
		{ToAccount: "bob", AddSource: "AddSource_Type_Web", Remark: &remark, GroupName: []string{"work", "chess"}},
	}}}); err != nil {
		log.Fatal(err)
	}

	res, err := c.Friends.Get(ctx, []gen.GetFriendsRequest{{FromAccount: "alice", ToAccount: []string{"bob", "carol"},
		TagList: []string{timrest.TagRemark, timrest.TagFriendLists}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Items {
		if !f.OK() {
			fmt.Println(f.Key, "failed:", f.Code)
			continue
		}
		tags := timrest.Tags(f.Result.SNSProfileItem)
		r, _ := tags.Remark()
		lists, _ := tags.FriendLists()
		fmt.Println(f.Key, r, lists)
	}
	// Output:
	// bob Bobby [work chess]
	// carol failed: 30001
}

// Paging: AllIDs walks every page; the loop sees one ID at a time.
func ExampleGroupsService_AllIDs() {
	_, base, stop := exampleEmulator(emulator.Config{Seed: &emulator.Seed{Groups: emulator.GenerateGroups(25, 1)}})
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base},
		timrest.WithoutRateLimit()) // the service allows 1 call/s; the emulator here does not limit
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	limit := int64(10)
	for id, err := range c.Groups.AllIDs(context.Background(), gen.ListGroupIDsRequest{Limit: &limit}) {
		if err != nil {
			log.Fatal(err) // an error ends the loop
		}
		_ = id
		n++
	}
	fmt.Println(n, "groups")
	// Output:
	// 25 groups
}

// IDPages walks the pages themselves, for the other fields of each answer.
func ExampleGroupsService_IDPages() {
	_, base, stop := exampleEmulator(emulator.Config{Seed: &emulator.Seed{Groups: emulator.GenerateGroups(25, 1)}})
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base},
		timrest.WithoutRateLimit())
	if err != nil {
		log.Fatal(err)
	}
	limit := int64(10)
	for page, err := range c.Groups.IDPages(context.Background(), gen.ListGroupIDsRequest{Limit: &limit}) {
		if err != nil {
			log.Fatal(err) // an error ends the loop
		}
		fmt.Println(len(page.GroupIDList), "of", *page.TotalCount)
	}
	// Output:
	// 10 of 25
	// 10 of 25
	// 5 of 25
}

// One page at a time, for a caller that stores the cursor.
func ExampleGroupsService_IDs() {
	_, base, stop := exampleEmulator(emulator.Config{Seed: &emulator.Seed{Groups: emulator.GenerateGroups(25, 1)}})
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base},
		timrest.WithoutRateLimit())
	if err != nil {
		log.Fatal(err)
	}
	limit := int64(10)
	req := gen.ListGroupIDsRequest{Limit: &limit}
	for {
		page, err := c.Groups.IDs(context.Background(), req)
		if err != nil {
			log.Fatal(err)
		}
		last := page.Next == nil || *page.Next == 0
		fmt.Println(len(page.GroupIDList), "IDs, last:", last)
		if last {
			break
		}
		req.Next = page.Next // save it to resume later
	}
	// Output:
	// 10 IDs, last: false
	// 10 IDs, last: false
	// 5 IDs, last: true
}

// Call is the escape hatch: any operation of the document, by its
// operationId or its path, with a request of any type that encodes to
// the request's JSON; it is signed, rate limited and retried like the
// others, and a failed answer is an *Error.
func ExampleClient_Call() {
	_, base, stop := exampleEmulator(emulator.Config{}, "alice", "bob")
	defer stop()
	c, err := timrest.New(timrest.Config{SDKAppID: 1400000001, SecretKey: exampleKey, Admin: "administrator", BaseURL: base})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Call(ctx, "ImportFriends", json.RawMessage(
		`{"From_Account":"alice","AddFriendItem":[{"To_Account":"bob","AddSource":"AddSource_Type_Web","GroupName":["work"]}]}`)); err != nil {
		log.Fatal(err)
	}

	raw, err := c.Call(ctx, "v4/sns/group_get", map[string]any{"From_Account": "alice"})
	if err != nil {
		log.Fatal(err) // a *timrest.Error for a failed answer
	}
	var answer struct {
		ResultItem []struct {
			GroupName    string
			FriendNumber int
		}
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		log.Fatal(err)
	}
	fmt.Println(answer.ResultItem)

	_, err = c.Call(ctx, "GetFriendLists", map[string]any{"From_Account": "nobody"})
	var e *timrest.Error
	if errors.As(err, &e) {
		fmt.Println(e.Op, e.Code, e.Class())
	}
	// Output:
	// [{work 1}]
	// GetFriendLists 30003 not_found
}
