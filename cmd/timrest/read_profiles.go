package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// profilesGetBatch is how many accounts "profiles get" asks for together
// (the client sends requests of 100, the service's recommendation).
const profilesGetBatch = 1000

// standardProfileTags are the document's standard profile tags, in its
// order: what "profiles get" asks for without --tags.
func standardProfileTags() []string {
	var out []string
	for _, t := range spec.Tags {
		if t.Family == "profile" {
			out = append(out, t.Name)
		}
	}
	return out
}

// profileRow is one account's profile in the profiles set format (JSON
// Lines): {"UserID": "u1", "Tags": {"Tag_Profile_IM_Nick": "n", ...}}.
type profileRow struct {
	UserID string      `json:"UserID"`
	Tags   orderedTags `json:"Tags"`
}

// profileSink writes profiles in the profiles set format, as they come:
// CSV UserID plus one column per tag asked for (an empty cell: the
// account has no such tag), or JSON Lines.
type profileSink struct {
	tags []string
	w    *bufio.Writer
	csv  *csv.Writer
	enc  *json.Encoder
	row  []string
}

func newProfileSink(tags []string) func(format string, w io.Writer) (*profileSink, error) {
	return func(format string, w io.Writer) (*profileSink, error) {
		s := &profileSink{tags: tags, w: bufio.NewWriterSize(w, 64<<10)}
		if format == formatJSONL {
			s.enc = json.NewEncoder(s.w)
			s.enc.SetEscapeHTML(false)
			return s, nil
		}
		s.csv = csv.NewWriter(s.w)
		s.row = make([]string, 1+len(tags))
		return s, s.csv.Write(append([]string{"UserID"}, tags...))
	}
}

// write writes a profile; it returns the tags it could not write in CSV:
// a value that is neither a string nor an integer, or a string that
// profiles set would read back otherwise (empty, or a custom tag's string
// that reads as an integer).
func (s *profileSink) write(id string, items []api.TagItem) ([]string, error) {
	if s.enc != nil {
		if items == nil {
			items = []api.TagItem{}
		}
		return nil, s.enc.Encode(profileRow{UserID: id, Tags: orderedTags(items)})
	}
	clear(s.row)
	s.row[0] = id
	var lost []string
	ts := timrest.Tags(items)
	for i, t := range s.tags {
		v, ok := ts.Get(t)
		if !ok {
			continue
		}
		switch v.Kind() {
		case tag.KindString:
			str, _ := v.AsString()
			// A CSV cell has no type: profiles set reads an empty cell as
			// no tag, and a custom tag's canonical integer as an integer,
			// so such a string would come back changed.
			if _, isInt := csvTagValue(str).AsInt(); str == "" || (isInt && strings.HasPrefix(t, "Tag_Profile_Custom_")) {
				lost = append(lost, t)
				continue
			}
			s.row[1+i] = str
		case tag.KindInt:
			n, _ := v.AsInt()
			s.row[1+i] = strconv.FormatInt(n, 10)
		default:
			lost = append(lost, t)
		}
	}
	return lost, s.csv.Write(s.row)
}

func (s *profileSink) finish() error {
	if s.csv != nil {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			return err
		}
	}
	return s.w.Flush()
}

func (s *profileSink) customTags() []string { return nil }
func (s *profileSink) close()               {}

// newProfilesGetCmd returns "profiles get" (v4/profile/portrait_get).
func newProfilesGetCmd(a *app) *cobra.Command {
	var (
		fl   exportFlags
		tags []string
	)
	cmd := &cobra.Command{
		Use:   "get --accounts F | --from U [--tags T,...] [--file OUT] [--format csv|jsonl] [--failures FILE]",
		Short: "Read profiles, written in the format profiles set reads (v4/profile/portrait_get)",
		Long: `Read the profiles of the accounts of --accounts (one UserID a line) or of
--from, and write them in the profiles set format:

  CSV: UserID, then one column per tag asked for, named by the tag; an empty
  cell is a tag the account does not have.

  JSON Lines: {"UserID": "u1", "Tags": {"Tag_Profile_IM_Nick": "n",
  "Tag_Profile_IM_Level": 3}}, values with their types.

--tags (comma-separated, repeatable) names the tags to read; by default every
standard profile tag of the document (Tag_Profile_IM_*). Custom profile tags
(Tag_Profile_Custom_*) cannot be listed by the service: name them in --tags
(with the standard ones you want). Accounts are read 1000 at a time, in
requests of 100; the service fails a whole request when one of its accounts
was not imported (check them first with "accounts check").

--file is written atomically; without it the profiles go to stdout, with it
a summary goes to stdout. --failures FILE lists the accounts whose profile
could not be read, one a line.

Exit status: 0 when every profile was read; 1 when some were not; 2 on a bad
command line.`,
		Example: `  timrest profiles get --accounts users.txt --file profiles.csv
  timrest profiles get --from alice --tags Tag_Profile_IM_Nick,Tag_Profile_Custom_Hobby --format jsonl`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tagList := trimAll(tags)
			if len(tagList) == 0 {
				tagList = standardProfileTags()
			}
			sum := &exportSummary{what: "profiles"}
			r := &exportRun{a: a, cmd: cmd, flags: &fl, sum: sum, defaultF: formatCSV, batch: profilesGetBatch}
			return runExportBatch(r, newProfileSink(tagList), func(ctx context.Context, c *timrest.Client, accounts []accountAt, sink *profileSink) []error {
				ids := make([]string, len(accounts))
				for i, at := range accounts {
					ids[i] = at.id
				}
				errs := make([]error, len(accounts))
				res, err := c.Profiles.Get(ctx, []api.GetProfilesRequest{{ToAccount: ids, TagList: tagList}})
				if res == nil {
					for i := range errs {
						errs[i] = err
					}
					return errs
				}
				for i, it := range res.Items {
					if it.Err != nil {
						errs[i] = it.Err
						continue
					}
					var items []api.TagItem
					if it.Result != nil {
						items = it.Result.ProfileItem
					}
					lost, werr := sink.write(ids[i], items)
					if werr != nil {
						errs[i] = &exportWriteError{werr}
						return errs
					}
					sum.written++
					if len(lost) > 0 {
						sum.incomplete++
						sum.addProblem(exportProblem{From: ids[i], Error: "written without " + strings.Join(lost, ", ") + " (a value CSV cannot hold)"})
					}
				}
				return errs
			})
		},
	}
	fl.register(cmd, "profile")
	fs := cmd.Flags()
	fs.StringSliceVar(&tags, "tags", nil, "the profile tags to read: comma-separated, repeatable (default: every standard profile tag)")
	if f := fs.Lookup("from"); f != nil {
		f.Usage = "read the profile of this account"
	}
	if f := fs.Lookup("failures"); f != nil {
		f.Usage = "write the accounts whose profile could not be read to this file, one a line"
	}
	return cmd
}
