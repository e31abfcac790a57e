package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	api "github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/tag"
)

// Deterministic generators of large migration inputs, in every file
// format of the migration commands (accounts, profiles, friends,
// blocklist, lists, and the --accounts list), for the crash tests and
// the memory measurement. A file is written record by record through a
// buffer, so writing one costs the same memory at ten records as at ten
// million. Record i is a function of the generator's settings and i
// alone (migGen.record), so a test can recompute any record, and the
// state a run should leave, without keeping the file or the records.
//
// The records name accounts of a pool, migUserID(0) to
// migUserID(g.accounts()-1), which a test creates first (for friends,
// blocklist and lists) or which the file creates (accounts). Relations
// are laid out by From_Account: record i of friends, blocklist or lists
// belongs to the account i/g.per(), and names accounts at fixed offsets
// after it in the pool (modulo its size), so that
//   - no pair appears twice, and no account names itself;
//   - friends take offsets 1 to per (at most the service's 3000 friends
//     per account), blocklists offsets migBlockOffset+1 to
//     migBlockOffset+per (at most 1000 per account), and the pool is big
//     enough that no blocked pair is a friend pair either way, so the
//     friends and blocklist of one settings can be imported together;
//   - the members of the lists of the lists kind are the friends at
//     offsets 1 to migListMaxOffset, friends of the friends kind when its
//     per is at least that.

// The kinds of migGen.
const (
	migAccounts    = "accounts"    // accounts import / check / delete
	migProfiles    = "profiles"    // profiles set
	migFriends     = "friends"     // friends import / add / update / verify / delete / check
	migBlocklist   = "blocklist"   // blocklist import / check
	migLists       = "lists"       // lists add / delete
	migAccountList = "accountlist" // --accounts F: one UserID per line, no header
)

// migKinds are the kinds of migGen, in the order the tests try them.
var migKinds = []string{migAccounts, migProfiles, migFriends, migBlocklist, migLists, migAccountList}

// The file formats of migGen (those of formats.md).
const (
	migCSV   = "csv"
	migJSONL = "jsonl"
)

// The outcomes a generated record is made for.
const (
	migOK      = "ok"      // valid, and should succeed
	migInvalid = "invalid" // refused by the command before it is sent (a bad value)
	migUnknown = "unknown" // valid, names an account that is not in the pool: the service fails it
)

// Default records per From_Account, and the offsets of the layout.
const (
	migDefaultFriendsPer = 100
	migDefaultBlockPer   = 20
	migBlockOffset       = 3000 // blocklist offsets start after every possible friend's
	migMaxBlockPer       = 1000
	migMaxFriendsPer     = 3000
	migListMaxOffset     = 5 // the lists' members are the friends at offsets 1..5
)

// migListLayout is the layout of one account's list rows, repeated: a
// list made with a row without To_Account and three members, a list made
// by a row without To_Account alone (it stays empty), a list made by two
// member rows. Offset 0 is a row without To_Account.
var migListLayout = []struct{ list, offset int }{
	{0, 0}, {0, 1}, {0, 2}, {0, 3},
	{1, 0},
	{2, 4}, {2, 5},
}

// The columns of the friends CSV: the friends import format, RemarkTime,
// and one column per custom friend tag.
var migFriendColumns = []string{"From_Account", "To_Account", "AddSource", "Remark", "RemarkTime", "GroupName", "AddWording", "AddTime", "Tag_SNS_Custom_Rank", "Tag_SNS_Custom_Note"}

// migProfileTags are the profile tags the profiles kind sets, in the
// order of its CSV columns after UserID, with whether each takes an
// integer.
var migProfileTags = []struct {
	name string
	int  bool
}{
	{"Tag_Profile_IM_Nick", false}, {"Tag_Profile_IM_Gender", false}, {"Tag_Profile_IM_BirthDay", true},
	{"Tag_Profile_IM_Level", true}, {"Tag_Profile_IM_AllowType", false},
	{"Tag_Profile_Custom_Hobby", false}, {"Tag_Profile_Custom_Score", true},
}

// migGen describes a generated input.
type migGen struct {
	Kind   string // one of migKinds
	Format string // migCSV or migJSONL; the accountlist kind has one format
	N      int    // how many records
	Seed   uint64 // varies the optional fields and the values, not the layout
	// Per is the number of records of one From_Account (friends,
	// blocklist, lists); 0 for the default (migDefaultFriendsPer,
	// migDefaultBlockPer, len(migListLayout)).
	Per int
	// Invalid makes every Invalid-th record (i%Invalid == Invalid-1)
	// invalid (migInvalid); 0 for none.
	Invalid int
	// Pool is the size of the account pool of friends, blocklist and
	// lists; 0 for the default (accounts). Inputs of these kinds that
	// are imported together must have the same Pool.
	Pool int
	// Unknown makes every Unknown-th record (i%Unknown == Unknown/2,
	// unless it is invalid) name an account outside the pool
	// (migUnknown): a To_Account, or the UserID of profiles. It has no
	// effect on accounts and the accountlist; 0 for none.
	Unknown int
}

// migRecord is one generated record; which fields it has depends on the
// kind.
type migRecord struct {
	Line    int    // its line in the file, 1-based (a CSV header is line 1)
	Outcome string // migOK, migInvalid or migUnknown

	UserID  string // accounts, profiles, accountlist
	Nick    string // accounts: "" for none
	FaceURL string // accounts: "" for none
	// Tags are the profile tags set (profiles), in migProfileTags order.
	Tags []api.TagItem

	From   string            // friends, blocklist, lists
	Friend api.AddFriendItem // friends (ToAccount is the To_Account)
	To     string            // blocklist; lists ("" for a row without To_Account)
	List   string            // lists: GroupName
}

// migUserID is the UserID of the account k of the pool.
func migUserID(k int) string { return fmt.Sprintf("u%08d", k) }

// per returns the records per From_Account of g's kind.
func (g migGen) per() int {
	if g.Per > 0 {
		return g.Per
	}
	switch g.Kind {
	case migFriends:
		return migDefaultFriendsPer
	case migBlocklist:
		return migDefaultBlockPer
	case migLists:
		return len(migListLayout)
	}
	return 1
}

// check reports settings the layout cannot honour.
func (g migGen) check() error {
	switch {
	case g.N < 0:
		return fmt.Errorf("migGen: N %d", g.N)
	case g.Kind == migFriends && g.per() > migMaxFriendsPer:
		return fmt.Errorf("migGen: %d friends per account, the service takes %d", g.per(), migMaxFriendsPer)
	case g.Kind == migBlocklist && g.per() > migMaxBlockPer:
		return fmt.Errorf("migGen: %d blocked per account, the service takes %d", g.per(), migMaxBlockPer)
	case g.Kind == migLists && (g.per()+len(migListLayout)-1)/len(migListLayout)*3 > 32:
		return fmt.Errorf("migGen: %d list rows per account make more than 32 lists", g.per())
	case g.relational() && g.Pool > 0 && g.Pool < g.minPool():
		return fmt.Errorf("migGen: a pool of %d accounts, want at least %d", g.Pool, g.minPool())
	case g.Kind != migAccountList && g.Format != migCSV && g.Format != migJSONL:
		return fmt.Errorf("migGen: format %q", g.Format)
	}
	for _, k := range migKinds {
		if k == g.Kind {
			return nil
		}
	}
	return fmt.Errorf("migGen: kind %q", g.Kind)
}

// accounts returns the size of the pool the records name: N for the
// accounts, profiles and accountlist kinds (record i is account i); for
// the others Pool, or by default the smallest pool that holds every
// From_Account and in which no offset wraps onto another
// (g.minPool()).
func (g migGen) accounts() int {
	if g.relational() {
		if g.Pool > 0 {
			return g.Pool
		}
		return g.minPool()
	}
	return g.N
}

// minPool returns the smallest pool of the friends, blocklist and lists
// kinds: every From_Account, and at least 2×(migBlockOffset +
// migMaxBlockPer)+1 accounts, so that a pair of accounts is never a
// friend pair one way and a blocked pair the other.
func (g migGen) minPool() int {
	return max(g.froms(), 2*(migBlockOffset+migMaxBlockPer)+1)
}

// relational reports whether g's kind names pairs of accounts of a pool
// (friends, blocklist, lists).
func (g migGen) relational() bool {
	return g.Kind == migFriends || g.Kind == migBlocklist || g.Kind == migLists
}

// froms returns how many From_Accounts the records have (friends,
// blocklist, lists): the accounts 0 to froms()-1 of the pool.
func (g migGen) froms() int { return (g.N + g.per() - 1) / g.per() }

// header returns the CSV header of g's kind (nil for the accountlist).
func (g migGen) header() []string {
	switch g.Kind {
	case migAccounts:
		return []string{"UserID", "Nick", "FaceUrl"}
	case migProfiles:
		h := []string{"UserID"}
		for _, t := range migProfileTags {
			h = append(h, t.name)
		}
		return h
	case migFriends:
		return migFriendColumns
	case migBlocklist:
		return []string{"From_Account", "To_Account"}
	case migLists:
		return []string{"From_Account", "GroupName", "To_Account"}
	}
	return nil
}

// lines returns how many lines the file has.
func (g migGen) lines() int {
	if g.Kind != migAccountList && g.Format == migCSV {
		return g.N + 1
	}
	return g.N
}

// migMix returns 64 well-mixed bits of (seed, i, salt) (SplitMix64's
// finaliser), so that record i's choices do not depend on the others.
func migMix(seed uint64, i int, salt uint64) uint64 {
	z := seed ^ uint64(i)*0x9e3779b97f4a7c15 ^ salt*0xbf58476d1ce4e5b9
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Values the generated fields take: awkward for CSV on purpose (commas,
// quotes, non-ASCII), never with a ';' in a list name or a space at
// either end of a cell.
var (
	migSources  = []string{"AddSource_Type_Web", "AddSource_Type_Android", "AddSource_Type_iOS", "AddSource_Type_Import"}
	migListName = []string{"Family", "Work", "Old School", "同学"}
	migHobbies  = []string{"chess", "climbing, bouldering", `the "blues"`, "书法"}
	migGenders  = []string{"Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male"}
	migAllow    = []string{"AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny", "AllowType_Type_DenyAny"}
)

// record returns record i of g (0 ≤ i < N).
func (g migGen) record(i int) migRecord {
	r := migRecord{Line: i + 1, Outcome: migOK}
	if g.Kind != migAccountList && g.Format == migCSV {
		r.Line++
	}
	switch {
	case g.Invalid > 0 && i%g.Invalid == g.Invalid-1:
		r.Outcome = migInvalid
	case g.Unknown > 0 && i%g.Unknown == g.Unknown/2 && g.Kind != migAccounts && g.Kind != migAccountList:
		r.Outcome = migUnknown
	}
	h := func(salt uint64) uint64 { return migMix(g.Seed, i, salt) }
	ghost := fmt.Sprintf("ghost%d", i)
	tooLong := strings.Repeat("x", 33) // a UserID over 32 bytes
	from, k := i/g.per(), i%g.per()
	pool := g.accounts()
	at := func(offset int) string { return migUserID((from + offset) % pool) }
	switch g.Kind {
	case migAccountList:
		r.UserID = migUserID(i)
		if r.Outcome == migInvalid {
			r.UserID = tooLong
		}
	case migAccounts:
		r.UserID = migUserID(i)
		if h(1)%4 != 0 {
			r.Nick = fmt.Sprintf("Nick %d", i)
			if h(2)%3 == 0 {
				r.Nick = fmt.Sprintf("李, \"%d\"", i)
			}
		}
		if h(3)%2 == 0 {
			r.FaceURL = fmt.Sprintf("https://example.com/a/%d.png", i)
		}
		if r.Outcome == migInvalid {
			r.UserID = tooLong
		}
	case migProfiles:
		r.UserID = migUserID(i)
		if r.Outcome == migUnknown {
			r.UserID = ghost
		}
		for j, t := range migProfileTags {
			if j > 0 && h(uint64(10+j))%2 == 0 {
				continue // Nick (j 0) is always set: a record sets a tag
			}
			var v tag.Value
			switch t.name {
			case "Tag_Profile_IM_Nick":
				v = tag.String(fmt.Sprintf("Nick %d", i))
			case "Tag_Profile_IM_Gender":
				v = tag.String(migGenders[h(20)%3])
			case "Tag_Profile_IM_BirthDay":
				v = tag.Int(19500101 + int64(h(21)%500000))
			case "Tag_Profile_IM_Level":
				v = tag.Int(int64(h(22) % 100))
			case "Tag_Profile_IM_AllowType":
				v = tag.String(migAllow[h(23)%3])
			case "Tag_Profile_Custom_Hobby":
				v = tag.String(migHobbies[h(24)%4])
			case "Tag_Profile_Custom_Score":
				v = tag.Int(int64(h(25) % 100000))
			}
			r.Tags = append(r.Tags, api.TagItem{Tag: t.name, Value: v})
		}
		if r.Outcome == migInvalid {
			r.Tags[0] = api.TagItem{Tag: "Tag_Profile_IM_Gender", Value: tag.String("F")}
			r.Tags = r.Tags[:1]
		}
	case migFriends:
		r.From = migUserID(from)
		it := api.AddFriendItem{ToAccount: at(1 + k), AddSource: migSources[h(1)%4]}
		if r.Outcome == migUnknown {
			it.ToAccount = ghost
		}
		if r.Outcome == migInvalid {
			it.AddSource = "Web" // not AddSource_Type_ and a name
		}
		switch h(2) % 6 {
		case 0, 1:
		case 2:
			it.Remark = migPtr(fmt.Sprintf("Lee, Ann %d", i))
		case 3:
			it.Remark = migPtr(fmt.Sprintf(`say "hi" %d`, i))
		default:
			it.Remark = migPtr(fmt.Sprintf("小明%d", i))
		}
		if it.Remark != nil && h(3)%2 == 0 {
			it.RemarkTime = migPtr(int64(1_600_000_000 + h(4)%100_000_000))
		}
		for n, j := int(h(5)%3), 0; j < n; j++ {
			it.GroupName = append(it.GroupName, migListName[(h(6)+uint64(j))%uint64(len(migListName))])
		}
		if h(7)%3 == 0 {
			it.AddWording = migPtr(fmt.Sprintf("hi, it's %d", i))
		}
		if h(8)%4 != 0 {
			it.AddTime = migPtr(int64(1_500_000_000 + h(9)%200_000_000))
		}
		if h(10)%2 == 0 {
			it.CustomItem = append(it.CustomItem, api.CustomFriendItem{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(int64(h(11) % 1000))})
		}
		if h(12)%3 == 0 {
			it.CustomItem = append(it.CustomItem, api.CustomFriendItem{Tag: "Tag_SNS_Custom_Note", Value: tag.String(fmt.Sprintf("note %d, ok", i))})
		}
		r.Friend = it
	case migBlocklist:
		r.From, r.To = migUserID(from), at(migBlockOffset+1+k)
		switch r.Outcome {
		case migUnknown:
			r.To = ghost
		case migInvalid:
			r.To = tooLong
		}
	case migLists:
		l := migListLayout[k%len(migListLayout)]
		r.From = migUserID(from)
		r.List = fmt.Sprintf("list%02d", k/len(migListLayout)*3+l.list)
		if l.offset > 0 {
			r.To = at(l.offset)
		}
		switch r.Outcome {
		case migUnknown:
			r.To = ghost
		case migInvalid:
			r.List = strings.Repeat("n", 31) // over 30 bytes
		}
	}
	return r
}

// migPtr returns a pointer to v.
func migPtr[T any](v T) *T { return &v }

// migDeref returns *p, or "" for nil.
func migDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// csvRow returns r as a row under g.header().
func (g migGen) csvRow(r *migRecord) []string {
	switch g.Kind {
	case migAccounts:
		return []string{r.UserID, r.Nick, r.FaceURL}
	case migProfiles:
		row := make([]string, 1+len(migProfileTags))
		row[0] = r.UserID
		for _, t := range r.Tags {
			for j, pt := range migProfileTags {
				if pt.name == t.Tag {
					row[1+j] = migCell(t.Value)
				}
			}
		}
		return row
	case migFriends:
		it := &r.Friend
		row := []string{r.From, it.ToAccount, it.AddSource, migDeref(it.Remark), "", strings.Join(it.GroupName, ";"), migDeref(it.AddWording), "", "", ""}
		if it.RemarkTime != nil {
			row[4] = strconv.FormatInt(*it.RemarkTime, 10)
		}
		if it.AddTime != nil {
			row[7] = strconv.FormatInt(*it.AddTime, 10)
		}
		for _, c := range it.CustomItem {
			for j, col := range migFriendColumns {
				if col == c.Tag {
					row[j] = migCell(c.Value)
				}
			}
		}
		return row
	case migBlocklist:
		return []string{r.From, r.To}
	case migLists:
		return []string{r.From, r.List, r.To}
	}
	return []string{r.UserID}
}

// migCell is a tag value as a CSV cell.
func migCell(v tag.Value) string {
	if n, ok := v.AsInt(); ok {
		return strconv.FormatInt(n, 10)
	}
	s, _ := v.AsString()
	return s
}

// The JSON Lines shapes of the kinds.
type (
	migAccountJSON struct {
		UserID  string `json:"UserID"`
		Nick    string `json:"Nick,omitempty"`
		FaceURL string `json:"FaceUrl,omitempty"`
	}
	migProfileJSON struct {
		UserID string               `json:"UserID"`
		Tags   map[string]tag.Value `json:"Tags"`
	}
	migFriendJSON struct {
		From string `json:"From_Account"`
		api.AddFriendItem
	}
	migBlockJSON struct {
		From string `json:"From_Account"`
		To   string `json:"To_Account"`
	}
	migListJSON struct {
		From string `json:"From_Account"`
		List string `json:"GroupName"`
		To   string `json:"To_Account,omitempty"`
	}
)

// jsonValue returns r in the JSON Lines shape of g's kind.
func (g migGen) jsonValue(r *migRecord) any {
	switch g.Kind {
	case migAccounts:
		return migAccountJSON{r.UserID, r.Nick, r.FaceURL}
	case migProfiles:
		tags := make(map[string]tag.Value, len(r.Tags))
		for _, t := range r.Tags {
			tags[t.Tag] = t.Value
		}
		return migProfileJSON{r.UserID, tags}
	case migFriends:
		return migFriendJSON{r.From, r.Friend}
	case migBlocklist:
		return migBlockJSON{r.From, r.To}
	case migLists:
		return migListJSON{r.From, r.List, r.To}
	}
	return nil
}

// write writes g's file to w, one record at a time.
func (g migGen) write(w io.Writer) error {
	if err := g.check(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	switch {
	case g.Kind == migAccountList:
		for i := range g.N {
			r := g.record(i)
			if _, err := bw.WriteString(r.UserID + "\n"); err != nil {
				return err
			}
		}
	case g.Format == migCSV:
		cw := csv.NewWriter(bw)
		if err := cw.Write(g.header()); err != nil {
			return err
		}
		for i := range g.N {
			r := g.record(i)
			if err := cw.Write(g.csvRow(&r)); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	default:
		enc := json.NewEncoder(bw) // one value and "\n" per record
		enc.SetEscapeHTML(false)
		for i := range g.N {
			r := g.record(i)
			if err := enc.Encode(g.jsonValue(&r)); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// writeFile writes g's file at path.
func (g migGen) writeFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := g.write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// migParse reads the file of g back, independently of the writer:
// CSV by its header's names, JSON Lines strictly into the kind's shape.
// It returns the records without Line and Outcome.
func migParse(t *testing.T, g migGen, data []byte) []migRecord {
	t.Helper()
	var out []migRecord
	switch {
	case g.Kind == migAccountList:
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			out = append(out, migRecord{UserID: l})
		}
	case g.Format == migCSV:
		rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(g.header(), rows[0]); diff != "" {
			t.Fatalf("header (-want +got):\n%s", diff)
		}
		for _, row := range rows[1:] {
			cell := map[string]string{}
			for j, name := range rows[0] {
				cell[name] = row[j]
			}
			opt := func(name string) *string {
				if s := cell[name]; s != "" {
					return &s
				}
				return nil
			}
			num := func(name string) *int64 {
				if s := cell[name]; s != "" {
					n, err := strconv.ParseInt(s, 10, 64)
					if err != nil {
						t.Fatalf("%s %q: %v", name, s, err)
					}
					return &n
				}
				return nil
			}
			var r migRecord
			switch g.Kind {
			case migAccounts:
				r = migRecord{UserID: cell["UserID"], Nick: cell["Nick"], FaceURL: cell["FaceUrl"]}
			case migProfiles:
				r.UserID = cell["UserID"]
				for _, pt := range migProfileTags {
					switch s := cell[pt.name]; {
					case s == "":
					case pt.int:
						r.Tags = append(r.Tags, api.TagItem{Tag: pt.name, Value: tag.Int(*num(pt.name))})
					default:
						r.Tags = append(r.Tags, api.TagItem{Tag: pt.name, Value: tag.String(s)})
					}
				}
			case migFriends:
				r.From = cell["From_Account"]
				r.Friend = api.AddFriendItem{ToAccount: cell["To_Account"], AddSource: cell["AddSource"],
					Remark: opt("Remark"), RemarkTime: num("RemarkTime"), AddWording: opt("AddWording"), AddTime: num("AddTime")}
				if s := cell["GroupName"]; s != "" {
					r.Friend.GroupName = strings.Split(s, ";")
				}
				if n := num("Tag_SNS_Custom_Rank"); n != nil {
					r.Friend.CustomItem = append(r.Friend.CustomItem, api.CustomFriendItem{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(*n)})
				}
				if s := cell["Tag_SNS_Custom_Note"]; s != "" {
					r.Friend.CustomItem = append(r.Friend.CustomItem, api.CustomFriendItem{Tag: "Tag_SNS_Custom_Note", Value: tag.String(s)})
				}
			case migBlocklist:
				r = migRecord{From: cell["From_Account"], To: cell["To_Account"]}
			case migLists:
				r = migRecord{From: cell["From_Account"], List: cell["GroupName"], To: cell["To_Account"]}
			}
			out = append(out, r)
		}
	default:
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			strict := func(v any) {
				dec := json.NewDecoder(strings.NewReader(l))
				dec.DisallowUnknownFields()
				if err := dec.Decode(v); err != nil {
					t.Fatalf("line %q: %v", l, err)
				}
			}
			var r migRecord
			switch g.Kind {
			case migAccounts:
				var v migAccountJSON
				strict(&v)
				r = migRecord{UserID: v.UserID, Nick: v.Nick, FaceURL: v.FaceURL}
			case migProfiles:
				var v struct {
					UserID string
					Tags   map[string]json.RawMessage
				}
				strict(&v)
				r.UserID = v.UserID
				for _, pt := range migProfileTags {
					raw, ok := v.Tags[pt.name]
					if !ok {
						continue
					}
					var val tag.Value
					if err := json.Unmarshal(raw, &val); err != nil {
						t.Fatal(err)
					}
					if _, isInt := val.AsInt(); isInt != pt.int {
						t.Errorf("line %q: %s is %s", l, pt.name, val.Kind())
					}
					r.Tags = append(r.Tags, api.TagItem{Tag: pt.name, Value: val})
				}
				if len(r.Tags) != len(v.Tags) {
					t.Errorf("line %q: tags that are not of migProfileTags", l)
				}
			case migFriends:
				var v migFriendJSON
				strict(&v)
				r = migRecord{From: v.From, Friend: v.AddFriendItem}
			case migBlocklist:
				var v migBlockJSON
				strict(&v)
				r = migRecord{From: v.From, To: v.To}
			case migLists:
				var v migListJSON
				strict(&v)
				r = migRecord{From: v.From, List: v.List, To: v.To}
			}
			out = append(out, r)
		}
	}
	return out
}

// TestMigGenerators writes a small file of every kind and format and
// reads it back: as many lines as it says, every record what
// migGen.record says, the outcomes where the settings put them, the
// same bytes for the same settings.
func TestMigGenerators(t *testing.T) {
	t.Parallel()
	for _, kind := range migKinds {
		for _, format := range []string{migCSV, migJSONL} {
			if kind == migAccountList && format == migJSONL {
				continue
			}
			g := migGen{Kind: kind, Format: format, N: 60, Seed: 3, Invalid: 13, Unknown: 7}
			t.Run(kind+"/"+format, func(t *testing.T) {
				t.Parallel()
				path := filepath.Join(t.TempDir(), "in")
				if err := g.writeFile(path); err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if n := bytes.Count(data, []byte("\n")); n != g.lines() || !bytes.HasSuffix(data, []byte("\n")) {
					t.Errorf("%d lines, want %d", n, g.lines())
				}
				got := migParse(t, g, data)
				if len(got) != g.N {
					t.Fatalf("%d records, want %d", len(got), g.N)
				}
				var outcomes []string
				for i := range g.N {
					want := g.record(i)
					if want.Line != g.lines()-g.N+i+1 {
						t.Errorf("record %d: Line %d", i, want.Line)
					}
					outcomes = append(outcomes, want.Outcome)
					want.Line, want.Outcome = 0, ""
					if diff := cmp.Diff(want, got[i]); diff != "" {
						t.Errorf("record %d (-record +file):\n%s", i, diff)
					}
				}
				counts := map[string]int{}
				for _, o := range outcomes {
					counts[o]++
				}
				wantCounts := map[string]int{migOK: 60 - 4 - 8, migInvalid: 4, migUnknown: 8} // 12 25 38 51; 3 10 17 24 31 45 52 59
				if kind == migAccounts || kind == migAccountList {
					wantCounts = map[string]int{migOK: 60 - 4, migInvalid: 4}
				}
				if diff := cmp.Diff(wantCounts, counts); diff != "" {
					t.Errorf("outcomes (-want +got):\n%s", diff)
				}
				var again bytes.Buffer
				if err := g.write(&again); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(data, again.Bytes()) {
					t.Error("the same settings wrote another file")
				}
			})
		}
	}
}

// TestMigGenLayout checks the layout of the relations, at the service's
// limits per account and with a pool so full that the offsets wrap: no
// pair twice, no account naming itself, the limits per account, the
// accounts named in the pool, no blocked pair a friend pair either way,
// every list member a friend, and only the outcomes asked for.
func TestMigGenLayout(t *testing.T) {
	t.Parallel()
	t.Run("limits", func(t *testing.T) {
		t.Parallel()
		checkMigLayout(t,
			migGen{Kind: migFriends, Format: migCSV, N: 3 * migMaxFriendsPer, Per: migMaxFriendsPer, Seed: 9},
			migGen{Kind: migBlocklist, Format: migCSV, N: 3 * migMaxBlockPer, Per: migMaxBlockPer},
			migGen{Kind: migLists, Format: migCSV, N: 3 * len(migListLayout)})
	})
	t.Run("wrapping", func(t *testing.T) {
		t.Parallel()
		pool := migGen{Kind: migFriends, N: 1}.minPool()
		checkMigLayout(t,
			migGen{Kind: migFriends, Format: migCSV, N: pool * migListMaxOffset, Per: migListMaxOffset},
			migGen{Kind: migBlocklist, Format: migCSV, N: pool, Per: 1},
			migGen{Kind: migLists, Format: migCSV, N: pool * len(migListLayout)})
	})
	if err := (migGen{Kind: migFriends, Format: migCSV, N: 10, Pool: 10}).check(); err == nil {
		t.Error("a pool too small is taken")
	}
}

// checkMigLayout checks the relations of friends, block and lists, which
// have the same From_Accounts and pool.
func checkMigLayout(t *testing.T, friends, block, lists migGen) {
	for _, g := range []migGen{friends, block, lists} {
		if err := g.check(); err != nil {
			t.Fatal(err)
		}
		if g.froms() != lists.froms() || g.accounts() != lists.accounts() {
			t.Fatalf("%s: %d From_Accounts in a pool of %d, lists %d in %d", g.Kind, g.froms(), g.accounts(), lists.froms(), lists.accounts())
		}
	}
	inPool := func(id string) bool {
		n, err := strconv.Atoi(strings.TrimPrefix(id, "u"))
		return err == nil && id == migUserID(n) && n < friends.accounts()
	}
	type pair struct{ a, b string }
	pairs := func(g migGen, to func(migRecord) string, limit int) map[pair]bool {
		seen := map[pair]bool{}
		per := map[string]int{}
		for i := range g.N {
			r := g.record(i)
			p := pair{r.From, to(r)}
			switch {
			case r.Outcome != migOK:
				t.Errorf("%s record %d: outcome %s", g.Kind, i, r.Outcome)
			case seen[p]:
				t.Errorf("%s record %d: %v twice", g.Kind, i, p)
			case p.a == p.b || !inPool(p.a) || !inPool(p.b):
				t.Errorf("%s record %d: %v", g.Kind, i, p)
			}
			seen[p] = true
			if per[p.a]++; per[p.a] > limit {
				t.Errorf("%s: %s has more than %d", g.Kind, p.a, limit)
			}
		}
		return seen
	}
	fp := pairs(friends, func(r migRecord) string { return r.Friend.ToAccount }, migMaxFriendsPer)
	bp := pairs(block, func(r migRecord) string { return r.To }, migMaxBlockPer)
	for p := range bp {
		if fp[p] || fp[pair{p.b, p.a}] {
			t.Errorf("%v is blocked and friends", p)
		}
	}
	members, names := map[pair]bool{}, map[string]map[string]bool{}
	for i := range lists.N {
		r := lists.record(i)
		if names[r.From] == nil {
			names[r.From] = map[string]bool{}
		}
		names[r.From][r.List] = true
		if r.To == "" {
			continue
		}
		p := pair{r.From, r.To}
		if !fp[p] || members[pair{r.From + "/" + r.List, r.To}] {
			t.Errorf("lists record %d: %+v not a friend, or twice", i, r)
		}
		members[pair{r.From + "/" + r.List, r.To}] = true
	}
	if len(names) != lists.froms() {
		t.Errorf("lists of %d accounts, want %d", len(names), lists.froms())
	}
	for from, n := range names {
		if len(n) != 3 {
			t.Errorf("%s has lists %v", from, n)
		}
	}
}
