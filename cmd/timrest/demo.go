package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest/auth"
	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
)

// demoSDKAppID is the app of the demo's emulator.
const demoSDKAppID = 1400000000

// newDemoCmd returns "demo": the four endpoints against a local emulator.
func newDemoCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Call every endpoint against a local emulator with sample data",
		Long: `Start the emulator in-process on a free loopback port with the sample data
and a random throwaway key, then call each endpoint with the generated client
signed by auth's Signer, as your program would, and print the results.

It needs no account, key or network access and takes a moment.`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), a.stdout)
		},
	}
}

// runDemo runs the demo, writing to w.
func runDemo(ctx context.Context, w io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	// A throwaway key: the demo signs and verifies with it, then forgets it.
	kb := make([]byte, 32)
	if _, err := rand.Read(kb); err != nil {
		return err
	}
	key := hex.EncodeToString(kb)
	emu, err := emulator.New(emulator.Config{SDKAppID: demoSDKAppID, Key: key, Seed: emulator.SampleSeed()})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("cannot listen on loopback: %w", err)
	}
	// The emulator's own server, with its default limits, until the demo
	// ends.
	serveCtx, stopServing := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- emulator.Serve(serveCtx, ln, emu, emulator.ServerConfig{}) }()
	defer func() {
		stopServing()
		<-served
	}()
	baseURL := "http://" + ln.Addr().String()

	// From here on, this is what a program using timrest's generated
	// client does, with the emulator's URL instead of a region's.
	signer, err := auth.NewSigner(demoSDKAppID, key, emulator.DefaultAdmin)
	if err != nil {
		return err
	}
	client, err := api.NewClientWithResponses(baseURL, api.WithRequestEditorFn(signer.Edit))
	if err != nil {
		return err
	}
	d := &demo{ctx: ctx, w: w, client: client}
	fmt.Fprintf(w, "Emulator with sample data at %s (SDKAppID %d, admin %q, a random throwaway key).\n",
		baseURL, demoSDKAppID, emulator.DefaultAdmin)
	fmt.Fprintln(w, "Every call below is signed with a fresh UserSig and random by auth.Signer.")
	for _, step := range []func() error{d.friendLists, d.friends, d.groups, d.importFriends, d.friendListsAgain} {
		if err := step(); err != nil {
			return err
		}
	}
	st := emu.Stats()
	calls := 0
	for _, n := range st.Calls {
		calls += n
	}
	fmt.Fprintf(w, "\nDone: %d calls. Run your own program against `timrest emulator`, or a region's URL with your app's key.\n", calls)
	return nil
}

type demo struct {
	ctx    context.Context
	w      io.Writer
	client *api.ClientWithResponses
}

func (d *demo) section(title string) {
	fmt.Fprintf(d.w, "\n== %s\n", title)
}

// checked returns the decoded answer of a call of the generated client,
// or why there is none: the call's error, an answer that is not JSON, or
// a FAIL (ActionStatus/ErrorCode, read from the body every answer type
// shares).
func checked[A any](op string, resp interface {
	GetJSON200() *A
	GetBody() []byte
	Status() string
}, err error) (*A, error) {
	if err != nil { // resp is nil: call no method on it
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	a := resp.GetJSON200()
	if a == nil {
		return nil, fmt.Errorf("%s: HTTP %s, no JSON answer", op, resp.Status())
	}
	var env struct {
		ActionStatus api.ActionStatus
		ErrorCode    int32
		ErrorInfo    string
	}
	if err := json.Unmarshal(resp.GetBody(), &env); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if env.ActionStatus != api.ActionStatusOK || env.ErrorCode != 0 {
		return nil, fmt.Errorf("%s: ActionStatus %s, ErrorCode %d: %s", op, env.ActionStatus, env.ErrorCode, env.ErrorInfo)
	}
	return a, nil
}

func (d *demo) friendLists() error {
	d.section("v4/sns/group_get: alice's friend lists, with members (NeedFriend=Need_Friend_Type_Yes)")
	yes := api.NeedFriendYes
	resp, err := d.client.GetFriendListsWithResponse(d.ctx, api.GetFriendListsRequest{FromAccount: "alice", NeedFriend: &yes})
	answer, err := checked[api.GetFriendListsResponse]("group_get", resp, err)
	if err != nil {
		return err
	}
	return d.printLists(answer)
}

func (d *demo) printLists(a *api.GetFriendListsResponse) error {
	tw := tabwriter.NewWriter(d.w, 0, 0, 2, ' ', 0)
	for _, l := range a.ResultItem {
		n := int64(0)
		if l.FriendNumber != nil {
			n = *l.FriendNumber
		}
		fmt.Fprintf(tw, "  %s\t%d friend(s)\t%s\n", safeText(l.GroupName), n, safeText(strings.Join(l.ToAccount, ", ")))
	}
	tw.Flush()
	if a.CurrentSequence != nil {
		fmt.Fprintf(d.w, "  CurrentSequence %d\n", *a.CurrentSequence)
	}
	return nil
}

func (d *demo) friends() error {
	d.section("v4/sns/friend_get_list: alice's friends bob, carol and dave (not a friend), selected tags")
	resp, err := d.client.GetFriendsWithResponse(d.ctx, api.GetFriendsRequest{
		FromAccount: "alice",
		ToAccount:   []string{"bob", "carol", "dave"},
		TagList: []string{"Tag_Profile_IM_Nick", "Tag_Profile_IM_Gender", "Tag_Profile_IM_Level", "Tag_Profile_Custom_Hobby",
			"Tag_SNS_IM_Remark", "Tag_SNS_IM_Group", "Tag_SNS_IM_AddTime", "Tag_SNS_Custom_Rank", "Tag_SNS_Custom_Note"},
	})
	answer, err := checked[api.GetFriendsResponse]("friend_get_list", resp, err)
	if err != nil {
		return err
	}
	for _, it := range answer.InfoItem {
		if it.ResultCode != 0 {
			fmt.Fprintf(d.w, "  %s: ResultCode %d, %s\n", safeText(it.ToAccount), it.ResultCode, safeText(deref(it.ResultInfo)))
			continue
		}
		fmt.Fprintf(d.w, "  %s:\n", safeText(it.ToAccount))
		tw := tabwriter.NewWriter(d.w, 0, 0, 2, ' ', 0)
		for _, t := range it.SNSProfileItem {
			fmt.Fprintf(tw, "    %s\t%s\t(%s)\n", safeText(t.Tag), safeText(t.Value.String()), t.Value.Kind())
		}
		tw.Flush()
	}
	if f := answer.FailAccount; len(f) > 0 {
		fmt.Fprintf(d.w, "  Fail_Account: %s\n", safeText(strings.Join(f, ", ")))
	}
	return nil
}

func (d *demo) groups() error {
	d.section("v4/group_open_http_svc/get_appid_group_list: every group ID, 10 per page")
	limit, next := int64(10), int64(0)
	total := 0
	for page := 1; ; page++ {
		resp, err := d.client.ListGroupIDsWithResponse(d.ctx, api.ListGroupIDsRequest{Limit: &limit, Next: &next})
		a, err := checked[api.ListGroupIDsResponse]("get_appid_group_list", resp, err)
		if err != nil {
			return err
		}
		total += len(a.GroupIDList)
		first, last := "", ""
		if n := len(a.GroupIDList); n > 0 {
			first, last = a.GroupIDList[0].GroupID, a.GroupIDList[n-1].GroupID
		}
		fmt.Fprintf(d.w, "  page %d: %2d IDs (%s .. %s), TotalCount %d, Next %d\n", page, len(a.GroupIDList), first, last, *a.TotalCount, *a.Next)
		if *a.Next == 0 {
			break
		}
		next = *a.Next // a 64-bit cursor: it does not fit in 32 bits
	}
	fmt.Fprintf(d.w, "  %d IDs in all; Next 0 ended the walk\n", total)
	typ := api.GroupTypePublic
	resp, err := d.client.ListGroupIDsWithResponse(d.ctx, api.ListGroupIDsRequest{GroupType: &typ})
	answer, err := checked[api.ListGroupIDsResponse]("get_appid_group_list", resp, err)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.w, "  GroupType=Public: TotalCount %d (the filter changes TotalCount), %d IDs\n", *answer.TotalCount, len(answer.GroupIDList))
	return nil
}

func (d *demo) importFriends() error {
	d.section("v4/sns/friend_import: three friends for alice, two of which fail")
	remark := "Dave from ops"
	resp, err := d.client.ImportFriendsWithResponse(d.ctx, api.ImportFriendsRequest{
		FromAccount: "alice",
		AddFriendItem: []api.AddFriendItem{
			{ToAccount: "dave", AddSource: "AddSource_Type_Demo", GroupName: []string{"work", "oncall"}, Remark: &remark},
			{ToAccount: "ghost", AddSource: "AddSource_Type_Demo"},
			{ToAccount: "alice", AddSource: "AddSource_Type_Demo"},
		},
	})
	answer, err := checked[api.ImportFriendsResponse]("friend_import", resp, err)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(d.w, 0, 0, 2, ' ', 0)
	for _, r := range answer.ResultItem {
		info := deref(r.ResultInfo)
		if r.ResultCode == 0 {
			info = "imported"
		}
		fmt.Fprintf(tw, "  %s\tResultCode %d\t%s\n", r.ToAccount, r.ResultCode, info)
	}
	tw.Flush()
	fmt.Fprintf(d.w, "  ActionStatus %s with Fail_Account: %s (per-item failures are results, not errors)\n",
		answer.ActionStatus, strings.Join(answer.FailAccount, ", "))
	return nil
}

func (d *demo) friendListsAgain() error {
	d.section("v4/sns/group_get again: the import added a list and moved the sequence")
	resp, err := d.client.GetFriendListsWithResponse(d.ctx, api.GetFriendListsRequest{FromAccount: "alice", GroupName: []string{"work", "oncall"}})
	answer, err := checked[api.GetFriendListsResponse]("group_get", resp, err)
	if err != nil {
		return err
	}
	return d.printLists(answer)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
