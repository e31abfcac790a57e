package timrest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/gen"
)

// TestAccountsImport: c.Accounts.Import sends AccountList in requests of
// at most 100 (never Accounts); the answer has only the fail list
// FailAccounts, so an item in it fails and every other item sent
// succeeds; a repeated UserID is sent again in a later request (the
// import updates an existing account, so the last entry wins); an
// invalid item is not sent.
func TestAccountsImport(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.ImportAccountsRequest
		r.decode(t, &req)
		if req.Accounts != nil {
			t.Errorf("request %d carries Accounts", r.N)
		}
		a := gen.ImportAccountsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
		for _, it := range req.AccountList {
			if strings.HasPrefix(it.UserID, "bad") {
				a.FailAccounts = append(a.FailAccounts, it.UserID)
			}
		}
		return answerJSON(t, a), nil
	})
	c, _ := newClient(t, rt)
	var items []gen.ImportAccountItem
	for i := range 205 {
		items = append(items, gen.ImportAccountItem{UserID: fmt.Sprintf("user%03d", i)})
	}
	items[1] = gen.ImportAccountItem{UserID: "bad1", Nick: ptr("Bad"), FaceURL: ptr("https://example.com/bad.png")}
	items[150].UserID = "bad2"
	items[7].Nick = ptr(strings.Repeat("界", 167)) // 501 bytes: not sent
	items[8].UserID = strings.Repeat("u", 33)     // not a UserID: not sent
	items = append(items, gen.ImportAccountItem{UserID: "bad1"}, gen.ImportAccountItem{UserID: "user004"})

	res, err := c.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{{AccountList: items}})
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	reqs := rt.requests()
	var bad1 []gen.ImportAccountItem
	for k, r := range reqs {
		var req gen.ImportAccountsRequest
		r.decode(t, &req)
		if n := len(req.AccountList); n > 100 || n == 0 {
			t.Errorf("request %d has %d accounts, want 1 to 100", r.N, n)
		}
		for _, it := range req.AccountList {
			if sent[it.UserID]++; sent[it.UserID] > 1 && k < 3 {
				t.Errorf("%s sent again in request %d of 4, before the requests of the first occurrences were answered", it.UserID, k+1)
			}
			if it.UserID == "bad1" {
				bad1 = append(bad1, it)
			}
		}
	}
	if len(reqs) != 4 {
		t.Errorf("%d requests, want 4 (203 distinct valid accounts, then the 2 repeated)", len(reqs))
	}
	for id, n := range sent {
		if want := map[bool]int{true: 2, false: 1}[id == "bad1" || id == "user004"]; n != want {
			t.Errorf("%s sent %d times, want %d", id, n, want)
		}
	}
	if len(bad1) != 2 || bad1[0].Nick == nil || *bad1[0].Nick != "Bad" || bad1[0].FaceURL == nil || bad1[1].Nick != nil {
		t.Errorf("bad1 sent as %+v, want with its Nick and FaceUrl, then without (in input order)", bad1)
	}
	if sent[items[8].UserID] != 0 || sent["user007"] != 0 {
		t.Error("an invalid item was sent")
	}
	if len(res.Items) != len(items) {
		t.Fatalf("%d results for %d items", len(res.Items), len(items))
	}
	for i, it := range res.Items {
		if it.Index != i || it.Key != items[i].UserID || it.Result != nil {
			t.Errorf("item %d: index %d key %q result %v", i, it.Index, it.Key, it.Result)
		}
		var e *timrest.Error
		var ve *timrest.ValidationError
		switch {
		case strings.HasPrefix(it.Key, "bad"):
			if !errors.As(it.Err, &e) || e.Account != it.Key || e.Op != "ImportAccounts" {
				t.Errorf("item %d %s: err %v, want an *Error for it", i, it.Key, it.Err)
			}
			// No code was given: the message makes none up.
			if want := `timrest: ImportAccounts: UserID "` + it.Key + `": listed as failed in the answer`; it.Err.Error() != want {
				t.Errorf("item %d: %q, want %q", i, it.Err, want)
			}
		case i == 7:
			if !errors.As(it.Err, &ve) || ve.Field != "AccountList.Nick" || ve.Index != 7 || ve.Reason != "is 501 bytes, want at most 500" {
				t.Errorf("item 7: err %#v, want AccountList[7].Nick refused", it.Err)
			}
		case i == 8:
			if !errors.As(it.Err, &ve) || ve.Field != "AccountList.UserID" || ve.Index != 8 {
				t.Errorf("item 8: err %#v, want AccountList[8].UserID refused", it.Err)
			}
		default:
			if it.Err != nil {
				t.Errorf("item %d %s: %v, want success (not in FailAccounts)", i, it.Key, it.Err)
			}
		}
	}
	if diff := cmp.Diff(map[string][]string{"": {"bad1", "bad2", "bad1"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
	if got := res.Succeeded(); got != len(items)-5 {
		t.Errorf("%d succeeded, want %d", got, len(items)-5)
	}
}

// TestAccountsImportOneShape: the method sends AccountList only: a
// request that also carries Accounts (the older shape) is refused by the
// generated check, as a whole, before anything is sent.
func TestAccountsImportOneShape(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(okAnswer), nil })
	c, _ := newClient(t, rt)
	for _, req := range []gen.ImportAccountsRequest{
		{AccountList: []gen.ImportAccountItem{{UserID: "a"}}, Accounts: []string{"b"}},
		{Accounts: []string{"b"}},
	} {
		res, err := c.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{req})
		var ve *timrest.ValidationError
		if !errors.As(err, &ve) || res != nil || ve.Op != "ImportAccounts" || !strings.Contains(ve.Reason, "AccountList, Accounts, want at most 1") {
			t.Errorf("%+v: result %v, err %v; want the request refused", req, res, err)
		}
	}
	if n := len(rt.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestAccountsOnlineStatus: c.Accounts.OnlineStatus sends To_Account in
// requests of at most 500; a result has no code (the account succeeded);
// an ErrorList entry makes its account's item an *Error with the entry's
// code (70107: errors.Is ErrNotFound); an account in neither list is
// ErrMissingResult; a repeated account is asked once and shares its
// outcome.
func TestAccountsOnlineStatus(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.GetOnlineStatusRequest
		r.decode(t, &req)
		a := gen.GetOnlineStatusResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
		for _, to := range slices.Backward(req.ToAccount) {
			switch {
			case strings.HasPrefix(to, "ghost"):
				a.ErrorList = append(a.ErrorList, gen.OnlineStatusError{ToAccount: to, ErrorCode: 70107})
			case strings.HasPrefix(to, "gone"):
			case strings.HasPrefix(to, "sdk"): // the SDKs' spelling
				a.QueryResult = append(a.QueryResult, gen.OnlineStatusResult{ToAccount: to, Status: ptr(gen.OnlineStatePushOnline)})
			default:
				res := gen.OnlineStatusResult{ToAccount: to, State: ptr(gen.OnlineStateOnline)}
				if req.IsNeedDetail != nil && *req.IsNeedDetail == 1 {
					res.Detail = []gen.OnlineStatusDetail{{Platform: ptr("Web"), Status: ptr(gen.OnlineStateOnline)}}
				}
				a.QueryResult = append(a.QueryResult, res)
			}
		}
		return answerJSON(t, a), nil
	})
	c, _ := newClient(t, rt, timrest.WithConcurrency(2))
	var to []string
	for i := range 1001 {
		to = append(to, fmt.Sprintf("user%04d", i))
	}
	to[3], to[600], to[1000] = "ghost1", "gone1", "sdk1"
	to = append(to, "ghost1", "user0004")

	res, err := c.Accounts.OnlineStatus(context.Background(), []gen.GetOnlineStatusRequest{{ToAccount: to, IsNeedDetail: ptr(int32(1))}})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rt.requests()
	var sizes []int
	for _, r := range reqs {
		var req gen.GetOnlineStatusRequest
		r.decode(t, &req)
		sizes = append(sizes, len(req.ToAccount))
		if req.IsNeedDetail == nil || *req.IsNeedDetail != 1 {
			t.Errorf("request %d lost IsNeedDetail", r.N)
		}
	}
	slices.Sort(sizes)
	if !slices.Equal(sizes, []int{1, 500, 500}) {
		t.Errorf("requests of %v accounts, want 500, 500 and 1", sizes)
	}
	if len(res.Items) != len(to) {
		t.Fatalf("%d results for %d accounts", len(res.Items), len(to))
	}
	for i, it := range res.Items {
		if it.Index != i || it.Key != to[i] {
			t.Fatalf("item %d is index %d, key %q", i, it.Index, it.Key)
		}
		switch it.Key {
		case "ghost1":
			var e *timrest.Error
			if !errors.As(it.Err, &e) || e.Code != 70107 || e.Account != "ghost1" || it.Code != 70107 || !errors.Is(it.Err, timrest.ErrNotFound) || it.Result != nil {
				t.Errorf("item %d ghost1: code %d err %v result %v, want 70107 not found", i, it.Code, it.Err, it.Result)
			}
			if !strings.Contains(it.Err.Error(), `To_Account "ghost1"`) {
				t.Errorf("item %d: %q does not name the account", i, it.Err)
			}
		case "gone1":
			if !errors.Is(it.Err, timrest.ErrMissingResult) {
				t.Errorf("item %d gone1: %v, want ErrMissingResult", i, it.Err)
			}
		case "sdk1":
			if it.Err != nil || it.Result == nil || it.Result.Status == nil || *it.Result.Status != gen.OnlineStatePushOnline {
				t.Errorf("item %d sdk1: err %v result %+v", i, it.Err, it.Result)
			}
		default:
			if it.Err != nil || it.Code != 0 || it.Info != "" || it.Result == nil || it.Result.ToAccount != it.Key ||
				it.Result.State == nil || *it.Result.State != gen.OnlineStateOnline || len(it.Result.Detail) != 1 {
				t.Errorf("item %d %s: code %d err %v result %+v", i, it.Key, it.Code, it.Err, it.Result)
			}
		}
	}
	if len(res.Fail) != 0 {
		t.Errorf("Fail %v: the operation has no fail list", res.Fail)
	}
	if got := len(res.Failed()); got != 3 {
		t.Errorf("%d failed, want 3 (ghost1 twice, gone1)", got)
	}
}

// TestAccountsOnlineStatusLimit: 500 accounts per request is the
// document's hard limit: 500 go in one request.
func TestAccountsOnlineStatusLimit(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, func(*recorded) (*http.Response, error) { return answer(okAnswer), nil })
	c, _ := newClient(t, rt)
	to := make([]string, 500)
	for i := range to {
		to[i] = fmt.Sprintf("u%d", i)
	}
	if _, err := c.Accounts.OnlineStatus(context.Background(), []gen.GetOnlineStatusRequest{{ToAccount: to}}); err != nil {
		t.Fatal(err)
	}
	if n := len(rt.requests()); n != 1 {
		t.Errorf("%d requests for 500 accounts, want 1", n)
	}
}

// accountsServer answers account_delete and account_check: results in
// reverse order, by UserID; "ghost*" does not exist (70107); check
// answers Imported for "user*", NotImported otherwise.
func accountsServer(t *testing.T) func(r *recorded) (*http.Response, error) {
	return func(r *recorded) (*http.Response, error) {
		switch r.Op {
		case "DeleteAccounts":
			var req gen.DeleteAccountsRequest
			r.decode(t, &req)
			a := gen.DeleteAccountsResponse{ActionStatus: gen.ActionStatusOK}
			for _, it := range slices.Backward(req.DeleteItem) {
				res := gen.AccountDeleteResult{UserID: it.UserID, ResultInfo: ptr("")}
				if strings.HasPrefix(it.UserID, "ghost") {
					res.ResultCode, res.ResultInfo = 70107, ptr("Err_TLS_PT_Open_Login_Account_Not_Exist")
				}
				a.ResultItem = append(a.ResultItem, res)
			}
			return answerJSON(t, a), nil
		case "CheckAccounts":
			var req gen.CheckAccountsRequest
			r.decode(t, &req)
			a := gen.CheckAccountsResponse{ActionStatus: gen.ActionStatusOK}
			for _, it := range slices.Backward(req.CheckItem) {
				status := gen.AccountStatusNotImported
				if strings.HasPrefix(it.UserID, "user") {
					status = gen.AccountStatusImported
				}
				a.ResultItem = append(a.ResultItem, gen.AccountCheckResult{UserID: it.UserID, AccountStatus: &status})
			}
			return answerJSON(t, a), nil
		}
		t.Errorf("unexpected %s", r.Path)
		return answer(okAnswer), nil
	}
}

// TestAccountsDeleteAndCheck: c.Accounts.Delete and Check send at most
// 100 items per request and match results to items by UserID.
func TestAccountsDeleteAndCheck(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, accountsServer(t))
	c, _ := newClient(t, rt)
	ctx := context.Background()
	var del []gen.DeleteAccountItem
	var chk []gen.CheckAccountItem
	for i := range 250 {
		id := fmt.Sprintf("user%03d", i)
		if i%50 == 7 {
			id = fmt.Sprintf("ghost%03d", i)
		}
		del = append(del, gen.DeleteAccountItem{UserID: id})
		chk = append(chk, gen.CheckAccountItem{UserID: id})
	}
	dres, err := c.Accounts.Delete(ctx, []gen.DeleteAccountsRequest{{DeleteItem: del}})
	if err != nil {
		t.Fatal(err)
	}
	cres, err := c.Accounts.Check(ctx, []gen.CheckAccountsRequest{{CheckItem: chk}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range rt.requests() {
		var m map[string][]map[string]string
		r.decode(t, &m)
		for key, list := range m {
			if len(list) > 100 {
				t.Errorf("%s request %d: %d %s, want at most 100", r.Op, r.N, len(list), key)
			}
		}
		count[r.Op]++
	}
	if count["DeleteAccounts"] != 3 || count["CheckAccounts"] != 3 {
		t.Errorf("requests %v, want 3 of each", count)
	}
	if len(dres.Items) != 250 || len(cres.Items) != 250 {
		t.Fatalf("%d and %d results for 250 items", len(dres.Items), len(cres.Items))
	}
	for i := range 250 {
		d, k := dres.Items[i], cres.Items[i]
		id := del[i].UserID
		if d.Key != id || k.Key != id || d.Result == nil || d.Result.UserID != id || k.Result == nil || k.Result.UserID != id {
			t.Fatalf("item %d: delete %+v, check %+v, want %s", i, d, k, id)
		}
		if strings.HasPrefix(id, "ghost") {
			if d.Code != 70107 || !errors.Is(d.Err, timrest.ErrNotFound) || !strings.Contains(d.Err.Error(), `UserID "`+id+`"`) {
				t.Errorf("delete %s: code %d err %v, want 70107 naming the UserID", id, d.Code, d.Err)
			}
			if k.Err != nil || *k.Result.AccountStatus != gen.AccountStatusNotImported {
				t.Errorf("check %s: %v %v", id, k.Err, *k.Result.AccountStatus)
			}
			continue
		}
		if d.Err != nil || k.Err != nil || *k.Result.AccountStatus != gen.AccountStatusImported {
			t.Errorf("item %d %s: delete %v, check %v %v", i, id, d.Err, k.Err, *k.Result.AccountStatus)
		}
	}
}

// TestAccountsItemErrorsNameUserID: the errors of an item of a batch
// keyed by UserID (AccountList, DeleteItem, CheckItem) name it as
// UserID, as the document does, not To_Account.
func TestAccountsItemErrorsNameUserID(t *testing.T) {
	t.Parallel()
	rt := newFakeRT(t, accountsServer(t))
	c, _ := newClient(t, rt)
	res, err := c.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{{AccountList: []gen.ImportAccountItem{
		{UserID: "user1", Nick: ptr(strings.Repeat("n", 501))},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `timrest: ImportAccounts: AccountList[0].Nick (UserID "user1"): is 501 bytes, want at most 500`
	if got := fmt.Sprint(res.Items[0].Err); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	dres, err := c.Accounts.Delete(context.Background(), []gen.DeleteAccountsRequest{{DeleteItem: []gen.DeleteAccountItem{{UserID: "ghost1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(dres.Items[0].Err); !strings.HasPrefix(got, `timrest: DeleteAccounts: UserID "ghost1": error 70107`) {
		t.Errorf("got %s", got)
	}
}

// TestAccountsImportRepeatsInRounds: ImportAccounts belongs to no account,
// so its requests go in parallel; a UserID's k-th entry goes in a request
// sent only after every request with an earlier entry was answered, so the
// entries are applied in input order and the last one wins. The fail list
// is concatenated in the order the requests were sent.
func TestAccountsImportRepeatsInRounds(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	answered := 0          // requests answered so far
	inFlight, most := 0, 0 // requests being answered at once
	var order []string     // the Nick of every "dup" entry, in arrival order
	rt := newFakeRT(t, func(r *recorded) (*http.Response, error) {
		var req gen.ImportAccountsRequest
		r.decode(t, &req)
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		before := answered
		for _, it := range req.AccountList {
			if it.UserID == "dup" {
				order = append(order, *it.Nick)
				// The k-th entry (k from 1) comes after the 3 requests of
				// the first entries and one of each later entry.
				if k, _ := strconv.Atoi(strings.TrimPrefix(*it.Nick, "v")); before < 3+(k-2) && k > 1 {
					t.Errorf("entry v%d sent when %d requests were answered", k, before)
				}
			}
		}
		mu.Unlock()
		// The first two requests wait (a while) for each other: they are
		// sent in parallel.
		for deadline := time.Now().Add(2 * time.Second); r.N < 2 && time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			mu.Lock()
			both := most >= 2
			mu.Unlock()
			if both {
				break
			}
		}
		time.Sleep(time.Duration(r.N%3) * time.Millisecond)
		mu.Lock()
		inFlight--
		answered++
		mu.Unlock()
		a := gen.ImportAccountsResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr("")}
		for _, it := range req.AccountList {
			if it.UserID == "dup" || it.UserID == "user007" {
				a.FailAccounts = append(a.FailAccounts, it.UserID)
			}
		}
		return answerJSON(t, a), nil
	})
	c, _ := newClient(t, rt, timrest.WithConcurrency(4))
	var items []gen.ImportAccountItem
	for i := range 250 {
		items = append(items, gen.ImportAccountItem{UserID: fmt.Sprintf("user%03d", i)})
	}
	for k := 1; k <= 3; k++ {
		items = slices.Insert(items, 40*k, gen.ImportAccountItem{UserID: "dup", Nick: ptr(fmt.Sprintf("v%d", k))})
	}
	res, err := c.Accounts.Import(context.Background(), []gen.ImportAccountsRequest{{AccountList: items}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"v1", "v2", "v3"}, order); diff != "" {
		t.Errorf("dup's entries in arrival order (-want +got):\n%s", diff)
	}
	if n := len(rt.requests()); n != 5 {
		t.Errorf("%d requests, want 5 (251 first entries in 3, then one per later entry)", n)
	}
	if most < 2 {
		t.Errorf("at most %d request at once: the first entries' requests were not sent in parallel", most)
	}
	if diff := cmp.Diff(map[string][]string{"": {"user007", "dup", "dup", "dup"}}, res.Fail); diff != "" {
		t.Errorf("Fail (-want +got):\n%s", diff)
	}
	for i, it := range res.Items {
		if it.Key == "dup" && it.Err == nil {
			t.Errorf("item %d (dup) succeeded, want its failure", i)
		}
	}
}
