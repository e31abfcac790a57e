package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/redact"
	"github.com/timrest/timrest/tag"
)

// newFriendsCmd returns the "friends" group: read friend lists and
// friends, and import friends.
func newFriendsCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("friends", "Read and import friends (relationship chains)",
		`Read a user's friend lists and friends, and import friends in bulk.

These commands call the REST API through the timrest client, with its
batching, retries and rate limits. They need the app's SDKAppID, secret key
and data center: the global flags --sdkappid, --key, --region (or --base-url)
or their variables `+envSDKAppID+`, `+envSecretKey+`, `+envRegion+` (`+envBaseURL+`).`)
	cmd.AddCommand(
		newFriendsListsCmd(a),
		newFriendsGetCmd(a),
		newFriendsImportCmd(a),
	)
	cmd.AddCommand(writeCommands(a, "friends")...)
	cmd.AddCommand(readCommands(a, "friends")...)
	return cmd
}

// friendListsOutput is the JSON output of "friends lists".
type friendListsOutput struct {
	FromAccount     string           `json:"From_Account"`
	CurrentSequence *int64           `json:"CurrentSequence,omitempty"`
	Lists           []api.FriendList `json:"Lists"`
}

// newFriendsListsCmd returns "friends lists" (v4/sns/group_get).
func newFriendsListsCmd(a *app) *cobra.Command {
	var (
		from        string
		lists       []string
		withFriends bool
	)
	cmd := &cobra.Command{
		Use:   "lists --from U [--list NAME]... [--with-friends]",
		Short: "Show a user's friend lists (v4/sns/group_get)",
		Long: `Show the friend lists of --from: each list's name and size, and with
--with-friends its members. --list (repeatable) shows only the named lists;
the service then always adds their members.

json output: {"From_Account", "CurrentSequence", "Lists": [{"GroupName",
"FriendNumber", "To_Account": [...]}]}. table output: one row per list.`,
		Example: `  timrest friends lists --from alice --with-friends
  timrest friends lists --from alice --list work --list family -o json`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return usageErrorf("missing --from: the user whose lists to show")
			}
			format, err := a.output(cmd)
			if err != nil {
				return err
			}
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			req := api.GetFriendListsRequest{FromAccount: from, GroupName: lists}
			if withFriends {
				yes := api.NeedFriendYes
				req.NeedFriend = &yes
			}
			resp, err := c.Friends.Lists(cmd.Context(), req)
			if err != nil {
				return requestError(err, map[string]string{"From_Account": "--from", "GroupName": "--list"})
			}
			out := friendListsOutput{FromAccount: from, CurrentSequence: resp.CurrentSequence, Lists: resp.ResultItem}
			if out.Lists == nil {
				out.Lists = []api.FriendList{}
			}
			if format == outputJSON {
				return writeJSON(a.stdout, out)
			}
			return printFriendLists(a.stdout, out, withFriends || len(lists) > 0)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&from, "from", "", "the user (From_Account) whose friend lists to show (required)")
	fs.StringArrayVar(&lists, "list", nil, "show only this list; repeat for more")
	fs.BoolVar(&withFriends, "with-friends", false, "show each list's members")
	return cmd
}

// printFriendLists writes the table output of "friends lists".
func printFriendLists(w io.Writer, out friendListsOutput, members bool) error {
	if len(out.Lists) == 0 {
		_, err := fmt.Fprintf(w, "%s has no friend lists\n", safeText(out.FromAccount))
		return err
	}
	tw := newTable(w)
	if members {
		fmt.Fprintln(tw, "LIST\tFRIENDS\tMEMBERS")
	} else {
		fmt.Fprintln(tw, "LIST\tFRIENDS")
	}
	for _, l := range out.Lists {
		n := "-"
		if l.FriendNumber != nil {
			n = strconv.FormatInt(*l.FriendNumber, 10)
		}
		if members {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", safeText(l.GroupName), n, safeText(strings.Join(l.ToAccount, ", ")))
		} else {
			fmt.Fprintf(tw, "%s\t%s\n", safeText(l.GroupName), n)
		}
	}
	return tw.Flush()
}

// requestError turns a *timrest.ValidationError about a whole request
// into a usage error naming the flag that gave the field (flags maps the
// request's field to it); other errors are returned as they are.
func requestError(err error, flags map[string]string) error {
	ve, ok := errors.AsType[*timrest.ValidationError](err)
	if !ok {
		return err
	}
	field, _, _ := strings.Cut(ve.Field, ".")
	flag, ok := flags[field]
	if !ok {
		return err
	}
	if ve.Index >= 0 {
		return usageErrorf("invalid %s (value %d): %s", flag, ve.Index+1, ve.Reason)
	}
	return usageErrorf("invalid %s: %s", flag, ve.Reason)
}

// defaultFriendTags are the tags "friends get" asks for without --tag:
// the standard relationship-chain (SNS) fields.
var defaultFriendTags = []string{
	timrest.TagFriendLists, timrest.TagRemark, timrest.TagAddSource,
	timrest.TagAddWording, timrest.TagAddTime, timrest.TagRemarkTime,
}

// friendsOutput is the JSON output of "friends get".
type friendsOutput struct {
	FromAccount string         `json:"From_Account"`
	Friends     []friendOutput `json:"Friends"`
	FailAccount []string       `json:"Fail_Account,omitempty"`
}

// friendOutput is one account of "friends get": its tags, or why it was
// not returned.
type friendOutput struct {
	ToAccount  string      `json:"To_Account"`
	Tags       orderedTags `json:"Tags,omitempty"`
	ResultCode int         `json:"ResultCode,omitempty"`
	ResultInfo string      `json:"ResultInfo,omitempty"`
	Error      string      `json:"Error,omitempty"`
}

// orderedTags are a friend's tags, written as a JSON object in the
// service's order: {"Tag_SNS_IM_Remark": "Bobby", ...}.
type orderedTags []api.TagItem

// MarshalJSON writes the tags as one object.
func (t orderedTags) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	seen := map[string]bool{}
	for _, it := range t {
		if seen[it.Tag] {
			continue // the first wins, as with timrest.Tags.Get
		}
		seen[it.Tag] = true
		if len(b) > 1 {
			b = append(b, ',')
		}
		k, err := json.Marshal(it.Tag)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(it.Value)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// newFriendsGetCmd returns "friends get" (v4/sns/friend_get_list).
func newFriendsGetCmd(a *app) *cobra.Command {
	var (
		from   string
		to     []string
		toFile string
		tags   []string
	)
	cmd := &cobra.Command{
		Use:   "get --from U --to A,B,... [--tag TAG]...",
		Short: "Show friends' data as a user sees them (v4/sns/friend_get_list)",
		Long: `Show the data of the friends --to (comma-separated or repeated, any number;
--to-file reads one account a line, "-" for stdin) of --from: the tags --tag
(repeatable), by default the standard friend fields Tag_SNS_IM_Group,
_Remark, _AddSource, _AddWording, _AddTime and _RemarkTime. Profile tags
(Tag_Profile_IM_Nick, ...) and custom tags (Tag_SNS_Custom_X,
Tag_Profile_Custom_X) can be asked for too. The client sends 100 accounts per
request and merges the answers in order.

json output: {"From_Account", "Friends": [{"To_Account", "Tags": {tag: value},
or "ResultCode", "ResultInfo", "Error"}], "Fail_Account"}; values keep their
types (strings, integers, lists). table output: one row per account, times
in RFC 3339 UTC.

Exit status 1 when some account was not returned (for example 30001: not a
friend, or its request failed as a whole after the client's retries); the
output still lists every account, with the reason.`,
		Example: `  timrest friends get --from alice --to bob,carol
  timrest friends get --from alice --to bob --tag Tag_Profile_IM_Nick --tag Tag_SNS_IM_Remark
  cut -d, -f2 friends.csv | timrest friends get --from alice --to-file - -o json`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return usageErrorf("missing --from: the user whose friends to show")
			}
			accounts := trimAll(to)
			if toFile != "" {
				more, err := readAccounts(a, toFile)
				if err != nil {
					return err
				}
				accounts = append(accounts, more...)
			}
			if len(accounts) == 0 {
				return usageErrorf("missing --to: the friends to show (or --to-file)")
			}
			tagList := trimAll(tags)
			if len(tagList) == 0 {
				tagList = defaultFriendTags
			}
			format, err := a.output(cmd)
			if err != nil {
				return err
			}
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			res, callErr := c.Friends.Get(cmd.Context(), []api.GetFriendsRequest{{FromAccount: from, ToAccount: accounts, TagList: tagList}})
			if res == nil {
				return requestError(callErr, map[string]string{"From_Account": "--from", "TagList": "--tag"})
			}
			// GetFriends items belong to no account: their fail lists are under "".
			out := friendsOutput{FromAccount: from, Friends: make([]friendOutput, len(res.Items)), FailAccount: res.Fail[from]}
			failed := 0
			for i, f := range res.Items {
				o := friendOutput{ToAccount: f.Key}
				if f.Result != nil {
					o.Tags = orderedTags(f.Result.SNSProfileItem)
				}
				if f.Err != nil {
					failed++
					o.ResultCode, o.ResultInfo, o.Error = f.Code, f.Info, a.scrub(f.Err.Error())
				}
				out.Friends[i] = o
			}
			if format == outputJSON {
				err = writeJSON(a.stdout, out)
			} else {
				err = printFriends(a.stdout, out, tagList)
			}
			if err != nil {
				return err
			}
			if callErr != nil { // some request failed as a whole; its accounts carry the error
				return callErr
			}
			if failed > 0 {
				return fmt.Errorf("%d of %d accounts were not returned", failed, len(res.Items))
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&from, "from", "", "the user (From_Account) whose friends to show (required)")
	fs.StringSliceVar(&to, "to", nil, "the friends (To_Account) to show: comma-separated, repeatable")
	fs.StringVar(&toFile, "to-file", "", `read more friends to show from this file, one a line ("-": stdin)`)
	fs.StringSliceVar(&tags, "tag", nil, "a tag to show; repeatable (default: the standard Tag_SNS_IM_* friend fields)")
	return cmd
}

// trimAll returns the non-empty entries of ss, trimmed.
func trimAll(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// readAccounts reads one account a line from the file path ("-": stdin),
// skipping blank lines.
func readAccounts(a *app, path string) ([]string, error) {
	var r io.Reader = a.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageErrorf("cannot read --to-file: %v", err)
		}
		defer f.Close()
		r = f
	}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			out = append(out, s)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, usageErrorf("cannot read --to-file: %v", err)
	}
	return out, nil
}

// printFriends writes the table output of "friends get": one row per
// account, one column per tag asked for, and the result.
func printFriends(w io.Writer, out friendsOutput, tagList []string) error {
	tw := newTable(w)
	head := []string{"ACCOUNT"}
	for _, t := range tagList {
		head = append(head, strings.ToUpper(shortTag(t)))
	}
	fmt.Fprintln(tw, strings.Join(append(head, "RESULT"), "\t"))
	for _, f := range out.Friends {
		row := []string{safeText(f.ToAccount)}
		ts := timrest.Tags(f.Tags)
		for _, t := range tagList {
			row = append(row, cell(t, ts))
		}
		result := "ok"
		switch {
		case f.ResultCode != 0:
			result = fmt.Sprintf("%d %s", f.ResultCode, safeText(f.ResultInfo))
		case f.Error != "":
			result = safeText(f.Error)
		}
		fmt.Fprintln(tw, strings.Join(append(row, result), "\t"))
	}
	return tw.Flush()
}

// shortTag is a tag's column name: Tag_SNS_IM_Remark → Remark,
// Tag_Profile_IM_Nick → Nick, Tag_SNS_Custom_Rank → SNS_Custom_Rank.
func shortTag(t string) string {
	for _, p := range []string{"Tag_SNS_IM_", "Tag_Profile_IM_", "Tag_"} {
		if s, ok := strings.CutPrefix(t, p); ok && s != "" {
			return s
		}
	}
	return t
}

// cell formats the value of the tag t for a table: "-" when absent,
// lists comma-separated, the standard time tags in RFC 3339 UTC, text
// escaped for the terminal (safeText).
func cell(t string, ts timrest.Tags) string {
	return safeText(rawCell(t, ts))
}

// rawCell is cell before escaping.
func rawCell(t string, ts timrest.Tags) string {
	v, ok := ts.Get(t)
	if !ok {
		return "-"
	}
	switch v.Kind() {
	case tag.KindString:
		s, _ := v.AsString()
		if s == "" {
			return `""`
		}
		return s
	case tag.KindInt:
		n, _ := v.AsInt()
		if t == timrest.TagAddTime || t == timrest.TagRemarkTime {
			return time.Unix(n, 0).UTC().Format(time.RFC3339)
		}
		return strconv.FormatInt(n, 10)
	case tag.KindStrings:
		ss, _ := v.AsStrings()
		if len(ss) == 0 {
			return "-"
		}
		return strings.Join(ss, ",")
	}
	return v.String()
}

// scrub removes the secrets the command knows (the key) from s.
func (a *app) scrub(s string) string {
	return redact.Text(s, a.secrets...)
}
