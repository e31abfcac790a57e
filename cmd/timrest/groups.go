package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	api "github.com/timrest/timrest/gen"
)

// maxPageSize is the largest Limit of get_appid_group_list.
const maxPageSize = 10000

// newGroupsCmd returns the "groups" group.
func newGroupsCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("groups", "List the app's groups",
		`List the app's groups. The commands need the app's SDKAppID, secret key and
data center: the global flags --sdkappid, --key, --region (or --base-url) or
their variables `+envSDKAppID+`, `+envSecretKey+`, `+envRegion+` (`+envBaseURL+`).`)
	cmd.AddCommand(newGroupsIDsCmd(a))
	return cmd
}

// newGroupsIDsCmd returns "groups ids" (v4/group_open_http_svc/get_appid_group_list).
func newGroupsIDsCmd(a *app) *cobra.Command {
	var (
		typ      groupTypeValue
		pageSize int64
	)
	cmd := &cobra.Command{
		Use:   "ids [--type TYPE] [--page-size N]",
		Short: "Print every group ID of the app (v4/group_open_http_svc/get_appid_group_list)",
		Long: `Print the ID of every group of the app, or of the groups of --type (Public,
Private, ChatRoom, AVChatRoom, BChatRoom, Community; Work and Meeting, the new
names of Private and ChatRoom, too), one a line, page after page as they
arrive: each page (--page-size IDs, 1 to 10000, default 10000) is written out
before the next is asked for. The service allows one call a second, so a
large app takes a while; the output streams meanwhile.

table output: the bare IDs. json output: JSON Lines, one JSON string a line
("@TGS#2J4SZEAEL"), so that any ID is safe to parse; jq -r . turns it back
into bare IDs.

If a page fails (after the client's retries), the IDs printed so far stay
printed, and the command exits 1.`,
		Example: `  timrest groups ids > groups.txt
  timrest groups ids --type Community --page-size 1000 -o json | jq -r .`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pageSize < 1 || pageSize > maxPageSize {
				return usageErrorf("invalid --page-size: want 1 to %d", maxPageSize)
			}
			format, err := a.output(cmd)
			if err != nil {
				return err
			}
			c, err := a.newClient(cmd)
			if err != nil {
				return err
			}
			var first int64 // the first page's position, sent as 0 as before
			req := api.ListGroupIDsRequest{Limit: &pageSize, Next: &first}
			if typ != "" {
				t := api.GroupType(typ)
				req.GroupType = &t
			}
			// One page at a time: each is written out before the next is
			// asked for. The pager stops on a Next it gave before.
			w := bufio.NewWriter(a.stdout)
			for page, err := range c.Groups.IDPages(cmd.Context(), req) {
				if err != nil {
					w.Flush()
					return requestError(err, map[string]string{"GroupType": "--type", "Limit": "--page-size"})
				}
				for _, it := range page.GroupIDList {
					if format == outputJSON {
						b, err := json.Marshal(it.GroupID)
						if err != nil {
							return err
						}
						w.Write(b)
						w.WriteByte('\n')
					} else {
						w.WriteString(safeText(it.GroupID))
						w.WriteByte('\n')
					}
				}
				if err := w.Flush(); err != nil { // streaming
					return err
				}
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.Var(&typ, "type", "only groups of this type: Public, Private, ChatRoom, AVChatRoom, BChatRoom or Community")
	fs.Int64Var(&pageSize, "page-size", maxPageSize, "group IDs per call, 1 to 10000")
	return cmd
}

// groupTypes are the values --type accepts, as the API spells them.
var groupTypes = []api.GroupType{
	api.GroupTypePublic, api.GroupTypePrivate, api.GroupTypeWork, api.GroupTypeChatRoom,
	api.GroupTypeMeeting, api.GroupTypeAVChatRoom, api.GroupTypeBChatRoom, api.GroupTypeCommunity,
}

// groupTypeValue is a pflag.Value for --type: a group type, matched
// without regard to case. "" means all types.
type groupTypeValue string

func (v *groupTypeValue) String() string { return string(*v) }
func (v *groupTypeValue) Type() string   { return "type" }

func (v *groupTypeValue) Set(s string) error {
	s = strings.TrimSpace(s)
	for _, t := range groupTypes {
		if strings.EqualFold(s, string(t)) {
			*v = groupTypeValue(t)
			return nil
		}
	}
	return errors.New("want Public, Private, ChatRoom, AVChatRoom, BChatRoom or Community (or Work, Meeting)")
}
