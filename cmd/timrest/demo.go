package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/emulator"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// demoSDKAppID is the app of the demo's emulator.
const demoSDKAppID = 1400000000

// demoUsers is how many accounts the demo's migration imports: enough for
// several requests of every batch and several pages of friend_get.
const demoUsers = 1200

// newDemoCmd returns "demo": a migration against a local emulator.
func newDemoCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Migrate a small social graph into a local emulator, step by step",
		Long: `Start the emulator in-process on a free loopback port with the sample data
and a random throwaway key, then migrate a social graph into it with the
timrest client, as your program would: import accounts, set profiles, import
friends into lists, check relations, block one, page the friend list. Each
step prints what it sent and what came back, failures included.

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

	// From here on, this is what a program using timrest does, with the
	// emulator's URL instead of a region.
	c, err := timrest.New(timrest.Config{SDKAppID: demoSDKAppID, SecretKey: key, Admin: emulator.DefaultAdmin, BaseURL: baseURL})
	if err != nil {
		return err
	}
	d := &demo{ctx: ctx, w: w, c: c, emu: emu, counted: map[string]int{}}
	fmt.Fprintf(w, "Emulator with sample data at %s (SDKAppID %d, admin %q, a random throwaway key).\n",
		baseURL, demoSDKAppID, emulator.DefaultAdmin)
	fmt.Fprintln(w, "Every call is checked against the API's document, signed with a fresh UserSig, rate limited and retried by the client.")
	for _, step := range []func() error{
		d.importAccounts, d.setProfiles, d.importFriends, d.checkRelations, d.block, d.pageFriends, d.groups,
	} {
		if err := step(); err != nil {
			return err
		}
	}
	st := emu.Stats()
	calls, fallback := 0, 0
	for _, n := range st.Calls {
		calls += n
	}
	for _, n := range st.NotStateful {
		fallback += n
	}
	fmt.Fprintf(w, "\nDone: %d calls, %d answered from the emulator's state (%d by example only).\n", calls, calls-fallback, fallback)
	fmt.Fprintln(w, "Run your own program against `timrest emulator`, or a region with your app's key.")
	return nil
}

type demo struct {
	ctx context.Context
	w   io.Writer
	c   *timrest.Client
	emu *emulator.Emulator
	// counted is the requests of each operation the steps have counted.
	counted map[string]int
}

func (d *demo) section(title string) {
	fmt.Fprintf(d.w, "\n== %s\n", title)
}

// sent returns how many requests of the operation op the emulator has
// received since the last call of sent for op (the demo's steps each
// count their own).
func (d *demo) sent(op string) int {
	n := d.emu.Stats().Calls[op] - d.counted[op]
	d.counted[op] += n
	return n
}

// failures prints the failed items of a batch result, at most max.
func failures[R any](w io.Writer, res *timrest.BatchResult[R], max int) {
	failed := res.Failed()
	for i, it := range failed {
		if i == max {
			fmt.Fprintf(w, "  ... and %d more\n", len(failed)-max)
			break
		}
		fmt.Fprintf(w, "  failed: item %d of request %d (%s): %s\n", it.Index, it.Request, safeText(it.Key), safeText(it.Err.Error()))
	}
}

// userID is the demo's n-th migrated account.
func userID(n int) string { return fmt.Sprintf("user%04d", n) }

func (d *demo) importAccounts() error {
	d.section(fmt.Sprintf("1. Import accounts: erin and %d users (multiaccount_import, at most 100 per request)", demoUsers))
	erinNick, erinFace := "Erin", "https://example.com/erin.png"
	items := []api.ImportAccountItem{{UserID: "erin", Nick: &erinNick, FaceURL: &erinFace}}
	for n := 1; n <= demoUsers; n++ {
		nick := fmt.Sprintf("User %d", n)
		items = append(items, api.ImportAccountItem{UserID: userID(n), Nick: &nick})
	}
	// A UserID over 32 bytes: the client refuses that item and sends the rest.
	items = append(items, api.ImportAccountItem{UserID: strings.Repeat("x", 33)})
	res, err := d.c.Accounts.Import(d.ctx, []api.ImportAccountsRequest{{AccountList: items}})
	if err != nil {
		return err
	}
	fmt.Fprintf(d.w, "  %d of %d accounts imported in %d requests\n", res.Succeeded(), len(items), d.sent("ImportAccounts"))
	failures(d.w, res, 3)

	check, err := d.c.Accounts.Check(d.ctx, []api.CheckAccountsRequest{{CheckItem: []api.CheckAccountItem{{UserID: "erin"}, {UserID: userID(demoUsers)}, {UserID: "nobody"}}}})
	if err != nil {
		return err
	}
	for _, it := range check.Items {
		if it.Err != nil {
			return it.Err
		}
		status := api.AccountStatus("")
		if it.Result.AccountStatus != nil {
			status = *it.Result.AccountStatus
		}
		fmt.Fprintf(d.w, "  account_check %-9s %s\n", safeText(it.Key), status)
	}
	return nil
}

func (d *demo) setProfiles() error {
	d.section("2. Set profiles (portrait_set), then read them back (portrait_get)")
	set := func(who string, items ...api.ProfileItem) {
		if _, err := d.c.Profiles.Set(d.ctx, api.SetProfileRequest{FromAccount: who, ProfileItem: items}); err != nil {
			fmt.Fprintf(d.w, "  %s: refused: %s\n", safeText(who), safeText(err.Error()))
			return
		}
		names := make([]string, len(items))
		for i, it := range items {
			names[i] = it.Tag
		}
		fmt.Fprintf(d.w, "  %s: set %s\n", safeText(who), strings.Join(names, ", "))
	}
	set("erin",
		api.ProfileItem{Tag: timrest.TagGender, Value: tag.String("Gender_Type_Female")},
		api.ProfileItem{Tag: timrest.TagAllowType, Value: tag.String("AllowType_Type_AllowAny")},
		api.ProfileItem{Tag: timrest.TagLevel, Value: tag.Int(12)},
		api.ProfileItem{Tag: timrest.TagProfileCustomPrefix + "Hobby", Value: tag.String("climbing")})
	set(userID(1), api.ProfileItem{Tag: timrest.TagLocation, Value: tag.String("Lisbon")})
	// A nickname over 500 bytes: refused before it is sent, naming the field.
	set(userID(2), api.ProfileItem{Tag: timrest.TagNick, Value: tag.String(strings.Repeat("n", 501))})

	res, err := d.c.Profiles.Get(d.ctx, []api.GetProfilesRequest{{
		ToAccount: []string{"erin", userID(1)},
		TagList:   []string{timrest.TagNick, timrest.TagGender, timrest.TagLevel, timrest.TagLocation, timrest.TagImage, timrest.TagProfileCustomPrefix + "Hobby"},
	}})
	if err != nil {
		return err
	}
	for _, it := range res.Items {
		if it.Err != nil {
			return it.Err
		}
		t := timrest.Tags(it.Result.ProfileItem)
		nick, _ := t.Nick()
		gender, _ := t.Gender()
		level, _ := t.Level()
		location, _ := t.Location()
		image, _ := t.Image()
		hobby := ""
		if v, ok := t.ProfileCustom("Hobby"); ok {
			hobby = v.String()
		}
		fmt.Fprintf(d.w, "  %-8s Nick %q, Gender %q, Level %d, Location %q, Image %q, Hobby %q\n", safeText(it.Key),
			safeText(nick), gender, level, safeText(location), safeText(image), safeText(hobby))
	}
	return nil
}

func (d *demo) importFriends() error {
	d.section(fmt.Sprintf("3. Import erin's %d friends into lists (friend_import, at most 1000 per request)", demoUsers))
	var items []api.AddFriendItem
	for n := 1; n <= demoUsers; n++ {
		it := api.AddFriendItem{ToAccount: userID(n), AddSource: "AddSource_Type_Migrate"}
		switch {
		case n <= 3:
			it.GroupName = []string{"climbing", "close"}
		case n%10 == 0:
			it.GroupName = []string{"work"}
		}
		items = append(items, it)
	}
	items = append(items, api.AddFriendItem{ToAccount: "ghost", AddSource: "AddSource_Type_Migrate"})
	reqs := []api.ImportFriendsRequest{
		{FromAccount: "erin", AddFriendItem: items},
		// The other side of two friendships: erin is user0001's and user0002's friend too.
		{FromAccount: userID(1), AddFriendItem: []api.AddFriendItem{{ToAccount: "erin", AddSource: "AddSource_Type_Migrate"}}},
		{FromAccount: userID(2), AddFriendItem: []api.AddFriendItem{{ToAccount: "erin", AddSource: "AddSource_Type_Migrate"}}},
	}
	res, err := d.c.Friends.Import(d.ctx, reqs)
	if err != nil {
		return err
	}
	fmt.Fprintf(d.w, "  %d of %d relations imported in %d requests\n", res.Succeeded(), len(res.Items), d.sent("ImportFriends"))
	failures(d.w, res, 3)

	yes := api.NeedFriendYes
	lists, err := d.c.Friends.Lists(d.ctx, api.GetFriendListsRequest{FromAccount: "erin", NeedFriend: &yes})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(d.w, 0, 0, 2, ' ', 0)
	for _, l := range lists.ResultItem {
		n := int64(0)
		if l.FriendNumber != nil {
			n = *l.FriendNumber
		}
		members := l.ToAccount
		more := ""
		if len(members) > 3 {
			members, more = members[:3], fmt.Sprintf(" and %d more", len(l.ToAccount)-3)
		}
		fmt.Fprintf(tw, "  list %s\t%d friend(s)\t%s%s\n", safeText(l.GroupName), n, safeText(strings.Join(members, ", ")), more)
	}
	tw.Flush()
	if lists.CurrentSequence != nil {
		fmt.Fprintf(d.w, "  CurrentSequence %d\n", *lists.CurrentSequence)
	}
	return nil
}

// relations prints erin's friend relation with each of who.
func (d *demo) relations(who ...string) error {
	res, err := d.c.Friends.Check(d.ctx, []api.CheckFriendsRequest{{FromAccount: "erin", CheckType: api.FriendCheckTypeBoth, ToAccount: who}})
	if err != nil {
		return err
	}
	for _, it := range res.Items {
		if it.Err != nil {
			fmt.Fprintf(d.w, "  friend_check erin - %-8s failed: %s\n", safeText(it.Key), safeText(it.Err.Error()))
			continue
		}
		fmt.Fprintf(d.w, "  friend_check erin - %-8s %s\n", safeText(it.Key), it.Result.Relation)
	}
	return nil
}

func (d *demo) checkRelations() error {
	d.section("4. Check relations (friend_check, both ways)")
	return d.relations(userID(1), userID(3), "bob")
}

func (d *demo) block() error {
	d.section(fmt.Sprintf("5. erin blocks %s (black_list_add): the friendship ends both ways", userID(2)))
	res, err := d.c.Friends.Block(d.ctx, []api.BlockAccountsRequest{{FromAccount: "erin", ToAccount: []string{userID(2)}}})
	if err != nil {
		return err
	}
	failures(d.w, res, 3)
	if err := d.relations(userID(2)); err != nil {
		return err
	}
	check, err := d.c.Friends.CheckBlocked(d.ctx, []api.CheckBlockedRequest{{FromAccount: "erin", CheckType: api.BlockCheckTypeBoth, ToAccount: []string{userID(2), userID(3)}}})
	if err != nil {
		return err
	}
	for _, it := range check.Items {
		if it.Err != nil {
			return it.Err
		}
		fmt.Fprintf(d.w, "  black_list_check erin - %s %s\n", safeText(it.Key), it.Result.Relation)
	}
	for b, err := range d.c.Friends.AllBlocked(d.ctx, api.ListBlockedRequest{FromAccount: "erin", MaxLimited: 100}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(d.w, "  black_list_get: %s, blocked at %s\n", safeText(b.ToAccount), time.Unix(deref64(b.AddBlackTimeStamp), 0).UTC().Format(time.RFC3339))
	}
	return nil
}

func (d *demo) pageFriends() error {
	d.section("6. Page erin's friend list (friend_get: StartIndex, NextStartIndex, CompleteFlag)")
	total, page := 0, 0
	var last *api.ListFriendsResponse
	for p, err := range d.c.Friends.Pages(d.ctx, api.ListFriendsRequest{FromAccount: "erin"}) {
		if err != nil {
			return err
		}
		page++
		total += len(p.UserDataItem)
		first, end := "", ""
		if n := len(p.UserDataItem); n > 0 {
			first, end = p.UserDataItem[0].ToAccount, p.UserDataItem[n-1].ToAccount
		}
		fmt.Fprintf(d.w, "  page %d: %3d friends (%s .. %s), NextStartIndex %d, CompleteFlag %d\n", page, len(p.UserDataItem),
			safeText(first), safeText(end), deref64(p.NextStartIndex), deref32(p.CompleteFlag))
		last = p
	}
	fmt.Fprintf(d.w, "  %d friends in all", total)
	if last != nil && last.FriendNum != nil {
		fmt.Fprintf(d.w, " (FriendNum %d)", *last.FriendNum)
	}
	fmt.Fprintln(d.w)
	// A friend's data, read with the typed tag readers.
	for f, err := range d.c.Friends.All(d.ctx, api.ListFriendsRequest{FromAccount: "erin"}) {
		if err != nil {
			return err
		}
		t := timrest.Tags(f.ValueItem)
		lists, _ := t.FriendLists()
		source, _ := t.AddSource()
		added, _ := t.AddTime()
		fmt.Fprintf(d.w, "  first friend %s: lists %s, AddSource %s, added %s\n", safeText(f.ToAccount),
			safeText(strings.Join(lists, ", ")), safeText(source), added.UTC().Format(time.RFC3339))
		break
	}
	return nil
}

func (d *demo) groups() error {
	d.section("7. The app's groups (get_appid_group_list, 64-bit cursors)")
	n := 0
	for _, err := range d.c.Groups.AllIDs(d.ctx, api.ListGroupIDsRequest{}) {
		if err != nil {
			return err
		}
		n++
	}
	fmt.Fprintf(d.w, "  %d group IDs\n", n)
	return nil
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func deref32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
