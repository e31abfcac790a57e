package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// Seed is the initial state of an [Emulator]: accounts with their profile
// tags, groups with their type, friend lists, one-way friends and
// blocklists. Its JSON form (see [LoadSeed] and the package
// documentation) uses the API's own shapes: friends are the AddFriendItem
// objects of friend_import, a blocklist is the To_Account list of
// black_list_add, friend lists are the GroupName list of group_add.
// [Emulator.Snapshot] returns the state of an emulator as a Seed.
type Seed struct {
	// Accounts are the imported accounts. Friends and Blocklists may only
	// name these (or accounts the emulator already has).
	Accounts []Account `json:"Accounts,omitempty"`
	// Groups are the app's groups, in the order get_appid_group_list
	// pages through them.
	Groups []Group `json:"Groups,omitempty"`
	// Friends maps a From_Account to its friends, applied as
	// friend_import would, one account after another in key order. A
	// pair that a blocklist separates cannot be friends.
	Friends map[string][]gen.AddFriendItem `json:"Friends,omitempty"`
	// Blocklists maps a From_Account to the accounts it blocks, in the
	// order they are blocked, applied as black_list_add would (before the
	// friends), stamped with the time of loading.
	Blocklists map[string][]string `json:"Blocklists,omitempty"`
	// Lists maps a From_Account to the friend lists it has, in the order
	// they are created, as group_add would create them without members
	// (after the blocklists, before the friends; each name at most 30
	// bytes, once, and not a list the account has already). A friend's
	// GroupName may name these lists; the lists it names that are not
	// here are created as friend_import would create them, after these.
	// Lists is how a seed holds a list without members. The lists of an
	// account, these and its friends' together, are at most
	// spec.LimitFriendListsPerAccount.
	Lists map[string][]string `json:"Lists,omitempty"`
}

// Account is an imported account: its UserID and its profile tags
// (standard Tag_Profile_IM_* tags with values of their type, and
// Tag_Profile_Custom_* tags with string or integer values).
type Account struct {
	UserID  string        `json:"UserID"`
	Profile []gen.TagItem `json:"Profile,omitempty"`
}

// Group is a group of the app: its ID and its type (Public, Private or
// Work, ChatRoom or Meeting, AVChatRoom, BChatRoom, Community).
type Group struct {
	GroupID string        `json:"GroupId"`
	Type    gen.GroupType `json:"Type"`
}

// LoadSeed reads a seed in JSON from r, strictly: unknown fields, trailing
// data, tags of the wrong type, friends and blocklists naming unknown
// accounts are errors, and the error names the offending item (for
// example `Accounts[2] "bob": Profile[0]: ...`).
func LoadSeed(r io.Reader) (*Seed, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("emulator: reading the seed: %w", err)
	}
	var top struct {
		Accounts   []json.RawMessage
		Groups     []json.RawMessage
		Friends    map[string][]json.RawMessage
		Blocklists map[string][]json.RawMessage
		Lists      map[string][]json.RawMessage
	}
	if err := strictDecode(data, &top); err != nil {
		return nil, fmt.Errorf("emulator: seed: %w", err)
	}
	s := &Seed{}
	for i, raw := range top.Accounts {
		var a Account
		if err := strictDecode(raw, &a); err != nil {
			return nil, fmt.Errorf("emulator: seed: Accounts[%d]: %w", i, err)
		}
		s.Accounts = append(s.Accounts, a)
	}
	for i, raw := range top.Groups {
		var g Group
		if err := strictDecode(raw, &g); err != nil {
			return nil, fmt.Errorf("emulator: seed: Groups[%d]: %w", i, err)
		}
		s.Groups = append(s.Groups, g)
	}
	if top.Friends != nil {
		s.Friends = make(map[string][]gen.AddFriendItem, len(top.Friends))
	}
	for from, raws := range top.Friends {
		items := make([]gen.AddFriendItem, 0, len(raws))
		for i, raw := range raws {
			var it gen.AddFriendItem
			if err := strictDecode(raw, &it); err != nil {
				return nil, fmt.Errorf("emulator: seed: Friends[%q][%d]: %w", from, i, err)
			}
			items = append(items, it)
		}
		s.Friends[from] = items
	}
	if top.Blocklists != nil {
		s.Blocklists = make(map[string][]string, len(top.Blocklists))
	}
	for from, raws := range top.Blocklists {
		tos := make([]string, 0, len(raws))
		for i, raw := range raws {
			var to string
			if err := strictDecode(raw, &to); err != nil {
				return nil, fmt.Errorf("emulator: seed: Blocklists[%q][%d]: %w", from, i, err)
			}
			tos = append(tos, to)
		}
		s.Blocklists[from] = tos
	}
	if top.Lists != nil {
		s.Lists = make(map[string][]string, len(top.Lists))
	}
	for from, raws := range top.Lists {
		names := make([]string, 0, len(raws))
		for i, raw := range raws {
			var name string
			if err := strictDecode(raw, &name); err != nil {
				return nil, fmt.Errorf("emulator: seed: Lists[%q][%d]: %w", from, i, err)
			}
			names = append(names, name)
		}
		s.Lists[from] = names
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// strictDecode decodes one JSON value into v, refusing unknown fields and
// trailing data.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// Validate checks the seed on its own: every account, group, friend list,
// friend and blocklist is well formed, no UserID or GroupId appears
// twice, no account has a friend list twice or more lists than
// spec.LimitFriendListsPerAccount, friends, friend lists and blocklists
// name accounts of the seed, and no friend is separated from its account
// by a blocklist. [New] and [Emulator.Apply] check the
// same against the emulator's state.
func (s *Seed) Validate() error {
	known := map[string]bool{}
	for _, a := range s.Accounts {
		known[a.UserID] = true
	}
	return validateSeed(s, func(id string) bool { return known[id] }, func(string) bool { return false }, func(string, string) bool { return false })
}

// validateSeed checks s. account reports whether a UserID exists (in the
// seed or the state); groupTaken whether a GroupId exists in the state;
// blocked whether one of two accounts has blocked the other in the
// state.
func validateSeed(s *Seed, account func(string) bool, groupTaken func(string) bool, blocked func(a, b string) bool) error {
	seen := map[string]bool{}
	for i, a := range s.Accounts {
		where := fmt.Sprintf("Accounts[%d] %q", i, a.UserID)
		if err := checkUserID(a.UserID); err != nil {
			return fmt.Errorf("emulator: seed: %s: UserID: %w", where, err)
		}
		if seen[a.UserID] {
			return fmt.Errorf("emulator: seed: %s: UserID appears twice", where)
		}
		seen[a.UserID] = true
		tags := map[string]bool{}
		for j, p := range a.Profile {
			if tags[p.Tag] {
				return fmt.Errorf("emulator: seed: %s: Profile[%d]: tag %s appears twice", where, j, p.Tag)
			}
			tags[p.Tag] = true
			if err := checkProfileTag(p.Tag, p.Value); err != nil {
				return fmt.Errorf("emulator: seed: %s: Profile[%d]: %w", where, j, err)
			}
		}
	}
	groups := map[string]bool{}
	for i, g := range s.Groups {
		where := fmt.Sprintf("Groups[%d] %q", i, g.GroupID)
		switch {
		case g.GroupID == "":
			return fmt.Errorf("emulator: seed: %s: GroupId is empty", where)
		case groups[g.GroupID] || groupTaken(g.GroupID):
			return fmt.Errorf("emulator: seed: %s: GroupId appears twice", where)
		}
		// The GroupType schema's rule.
		if r := spec.CheckGroupType(string(g.Type)); r != "" {
			return fmt.Errorf("emulator: seed: %s: Type %q is not a group type: %s", where, g.Type, r)
		}
		groups[g.GroupID] = true
	}
	inSeed, err := validateBlocklists(s, account)
	if err != nil {
		return err
	}
	if err := validateLists(s, account); err != nil {
		return err
	}
	for _, from := range slices.Sorted(maps.Keys(s.Friends)) {
		items := s.Friends[from]
		if !account(from) {
			return fmt.Errorf("emulator: seed: Friends[%q]: no such account", from)
		}
		to := map[string]bool{}
		lists := map[string]bool{}
		for _, l := range s.Lists[from] {
			lists[l] = true
		}
		for i := range items {
			it := &items[i]
			where := fmt.Sprintf("Friends[%q][%d] (To_Account %q)", from, i, it.ToAccount)
			if p := spec.CheckAddFriendItem(it); p != nil {
				return fmt.Errorf("emulator: seed: %s: %w", where, p)
			}
			switch {
			case !account(it.ToAccount):
				return fmt.Errorf("emulator: seed: %s: no such account", where)
			case it.ToAccount == from:
				return fmt.Errorf("emulator: seed: %s: an account cannot be its own friend", where)
			case to[it.ToAccount]:
				return fmt.Errorf("emulator: seed: %s: friend appears twice", where)
			}
			to[it.ToAccount] = true
			for _, l := range it.GroupName {
				lists[l] = true
			}
			if len(lists) > spec.LimitFriendListsPerAccount {
				return fmt.Errorf("emulator: seed: %s: more than %d friend lists", where, spec.LimitFriendListsPerAccount)
			}
			if len(to) > spec.LimitFriendsPerAccount {
				return fmt.Errorf("emulator: seed: %s: more than %d friends", where, spec.LimitFriendsPerAccount)
			}
			if blocked(from, it.ToAccount) || inSeed[blockPair{from, it.ToAccount}] || inSeed[blockPair{it.ToAccount, from}] {
				return fmt.Errorf("emulator: seed: %s: one of the pair has blocked the other (a blocked pair cannot be friends)", where)
			}
		}
	}
	return nil
}

// blockPair is a block of b by a.
type blockPair struct{ a, b string }

// validateBlocklists checks the blocklists of s and returns the blocks
// they make.
func validateBlocklists(s *Seed, account func(string) bool) (map[blockPair]bool, error) {
	pairs := map[blockPair]bool{}
	for _, from := range slices.Sorted(maps.Keys(s.Blocklists)) {
		tos := s.Blocklists[from]
		if !account(from) {
			return nil, fmt.Errorf("emulator: seed: Blocklists[%q]: no such account", from)
		}
		if len(tos) > spec.LimitBlocklistPerAccount {
			return nil, fmt.Errorf("emulator: seed: Blocklists[%q]: more than %d accounts", from, spec.LimitBlocklistPerAccount)
		}
		for i, to := range tos {
			where := fmt.Sprintf("Blocklists[%q][%d] %q", from, i, to)
			switch {
			case !account(to):
				return nil, fmt.Errorf("emulator: seed: %s: no such account", where)
			case to == from:
				return nil, fmt.Errorf("emulator: seed: %s: an account cannot block itself", where)
			case pairs[blockPair{from, to}]:
				return nil, fmt.Errorf("emulator: seed: %s: blocked twice", where)
			}
			pairs[blockPair{from, to}] = true
		}
	}
	return pairs, nil
}

// friendListName is the rule of a friend list's name: the items of the
// standard friend tag FriendLists (Tag_SNS_IM_Group).
var friendListName = func() *spec.StringRule {
	for _, t := range spec.Tags {
		if t.Family == "friend" && t.GoName == "FriendLists" && t.Items != nil {
			return t.Items
		}
	}
	panic("emulator: the document gives no rule for the names of friend lists")
}()

// validateLists checks the friend lists of s: each names an account,
// each name is well formed and given once, and no account has more than
// spec.LimitFriendListsPerAccount lists.
func validateLists(s *Seed, account func(string) bool) error {
	for _, from := range slices.Sorted(maps.Keys(s.Lists)) {
		names := s.Lists[from]
		if !account(from) {
			return fmt.Errorf("emulator: seed: Lists[%q]: no such account", from)
		}
		if len(names) > spec.LimitFriendListsPerAccount {
			return fmt.Errorf("emulator: seed: Lists[%q]: more than %d friend lists", from, spec.LimitFriendListsPerAccount)
		}
		seen := make(map[string]bool, len(names))
		for i, n := range names {
			where := fmt.Sprintf("Lists[%q][%d] %q", from, i, n)
			if r := friendListName.Reason(n); r != "" {
				return fmt.Errorf("emulator: seed: %s: %s", where, r)
			}
			if seen[n] {
				return fmt.Errorf("emulator: seed: %s: friend list appears twice", where)
			}
			seen[n] = true
		}
	}
	return nil
}

// checkUserID checks a UserID against the UserID schema (its length in
// bytes included).
func checkUserID(id string) error {
	if r := spec.CheckUserID(id); r != "" {
		return errors.New(r)
	}
	return nil
}

// AddAccounts imports bare accounts (no profile tags). UserIDs that exist
// already, or appear twice in ids, are left as they are; checking and
// adding happen under one lock, so concurrent calls naming the same
// UserID both succeed.
func (e *Emulator) AddAccounts(ids ...string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := &Seed{}
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !e.accounts.exists(id) && !seen[id] {
			seen[id] = true
			s.Accounts = append(s.Accounts, Account{UserID: id})
		}
	}
	return e.applyLocked(s)
}

// Apply adds the accounts, groups, friend lists, friends and blocklists
// of s to the emulator's state, checked as [LoadSeed] checks a seed file:
// an account or group that exists already is an error, friends, friend
// lists and blocklists may name accounts of s or of the state, blocks are
// made as black_list_add would make them (a friendship of the pair in the
// state is removed both ways; blocking an account that is blocked already
// is an error), then the friend lists are created as group_add would
// create them (a list the account has already is an error), then friends
// are imported as friend_import would import them (re-importing an
// existing friend updates it; a pair that a blocklist separates is an
// error). On error the state is unchanged.
func (e *Emulator) Apply(s *Seed) error {
	if s == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.applyLocked(s)
}

// applyLocked is Apply with e.mu held for writing. It hands each family
// its part of the seed.
func (e *Emulator) applyLocked(s *Seed) error {
	inSeed := map[string]bool{}
	for _, a := range s.Accounts {
		inSeed[a.UserID] = true
	}
	for _, a := range s.Accounts {
		if e.accounts.exists(a.UserID) {
			return fmt.Errorf("emulator: seed: account %q exists already", a.UserID)
		}
	}
	exists := func(id string) bool { return inSeed[id] || e.accounts.exists(id) }
	if err := validateSeed(s, exists, e.groups.exists, e.sns.eitherBlocked); err != nil {
		return err
	}
	// Blocklists and friends of existing accounts are checked against
	// their current state before anything changes.
	for _, from := range slices.Sorted(maps.Keys(s.Blocklists)) {
		tos := s.Blocklists[from]
		ch := e.sns.chainOf(from)
		for i, to := range tos {
			if ch.blockOf[to] != nil {
				return fmt.Errorf("emulator: seed: Blocklists[%q][%d] %q: blocked already", from, i, to)
			}
		}
		if n := len(ch.blocked) + len(tos); n > spec.LimitBlocklistPerAccount {
			return fmt.Errorf("emulator: seed: Blocklists[%q]: %d blocked accounts, more than %d", from, n, spec.LimitBlocklistPerAccount)
		}
	}
	for _, from := range slices.Sorted(maps.Keys(s.Lists)) {
		ch := e.sns.chainOf(from)
		for i, n := range s.Lists[from] {
			if slices.Contains(ch.lists, n) {
				return fmt.Errorf("emulator: seed: Lists[%q][%d] %q: the account has this friend list already", from, i, n)
			}
		}
		if n := len(ch.lists) + len(s.Lists[from]); n > spec.LimitFriendListsPerAccount {
			return fmt.Errorf("emulator: seed: Lists[%q]: %d friend lists, more than %d", from, n, spec.LimitFriendListsPerAccount)
		}
	}
	for _, from := range slices.Sorted(maps.Keys(s.Friends)) {
		if !e.accounts.exists(from) {
			continue
		}
		probe := e.sns.chainOf(from).cloneForProbe()
		probe.lists = append(probe.lists, s.Lists[from]...)
		w := importWorld{exists: exists, blocked: e.sns.eitherBlocked, changes: changes{}}
		for i, res := range e.sns.importItems(from, probe, s.Friends[from], nil, w) {
			if res.code != 0 {
				return fmt.Errorf("emulator: seed: Friends[%q][%d] (To_Account %q): %d %s", from, i, res.to, res.code, res.info)
			}
		}
	}

	for _, a := range s.Accounts {
		e.accounts.addLocked(a.UserID)
		e.profiles.setLocked(a.UserID, a.Profile)
	}
	for _, g := range s.Groups {
		e.groups.addLocked(g)
	}
	cs := changes{}
	now := e.now().Unix()
	for _, from := range slices.Sorted(maps.Keys(s.Blocklists)) {
		for _, to := range s.Blocklists[from] {
			e.sns.blockLocked(from, to, now, cs)
		}
	}
	for _, from := range slices.Sorted(maps.Keys(s.Lists)) {
		if names := s.Lists[from]; len(names) > 0 {
			ch := e.sns.chainLocked(from)
			ch.lists = append(ch.lists, names...)
			cs.mark(ch, changeLists)
		}
	}
	for _, from := range slices.Sorted(maps.Keys(s.Friends)) {
		w := importWorld{exists: exists, blocked: e.sns.eitherBlocked, changes: cs,
			link: func(ch *chain, f *Friend) { e.sns.linkLocked(from, ch, f, cs) }}
		e.sns.importItems(from, e.sns.chainLocked(from), s.Friends[from], nil, w)
	}
	cs.apply()
	return nil
}

// groupTypeWeights is the mix of group types GenerateGroups draws from,
// old and new names alike, in per mille.
var groupTypeWeights = []struct {
	t gen.GroupType
	w int
}{
	{gen.GroupTypePublic, 300}, {gen.GroupTypeWork, 200}, {gen.GroupTypePrivate, 50}, {gen.GroupTypeMeeting, 150},
	{gen.GroupTypeChatRoom, 50}, {gen.GroupTypeAVChatRoom, 150}, {gen.GroupTypeBChatRoom, 20}, {gen.GroupTypeCommunity, 80},
}

// GenerateGroups returns n groups with IDs in the vendor's style
// ("@TGS#2J4SZEAEL"; community groups "@TGS#_" and 10 characters) and a
// realistic mix of types, old and new names alike (Private and Work,
// ChatRoom and Meeting). The result depends only on n and seed.
func GenerateGroups(n int, seed int64) []Group {
	if n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	seen := make(map[string]bool, n)
	groups := make([]Group, 0, n)
	for len(groups) < n {
		w := rng.IntN(1000)
		t := groupTypeWeights[0].t
		for _, gw := range groupTypeWeights {
			if w < gw.w {
				t = gw.t
				break
			}
			w -= gw.w
		}
		var b strings.Builder
		if t == gen.GroupTypeCommunity {
			b.WriteString("@TGS#_")
			for range 10 {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		} else {
			b.WriteString("@TGS#")
			b.WriteByte("123"[rng.IntN(3)])
			for range 8 {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
		}
		id := b.String()
		if seen[id] {
			continue
		}
		seen[id] = true
		groups = append(groups, Group{GroupID: id, Type: t})
	}
	return groups
}

// SampleSeed returns the sample data of `timrest demo` and of a
// `timrest emulator` started without --seed: five accounts with profiles
// (alice, bob, carol, dave, erin), alice's and bob's friends in lists,
// with remarks and custom friend tags, and 25 groups of mixed types.
// Each call returns a new copy.
func SampleSeed() *Seed {
	str := func(s string) *string { return &s }
	i64 := func(n int64) *int64 { return &n }
	p := func(t string, v tag.Value) gen.TagItem { return gen.TagItem{Tag: t, Value: v} }
	s := &Seed{
		Accounts: []Account{
			{UserID: "alice", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Nick", tag.String("Alice")),
				p("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")),
				p("Tag_Profile_IM_BirthDay", tag.Int(19900415)),
				p("Tag_Profile_IM_Location", tag.String("Shenzhen")),
				p("Tag_Profile_IM_Level", tag.Int(3)),
				p("Tag_Profile_Custom_Hobby", tag.String("chess")),
			}},
			{UserID: "bob", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Nick", tag.String("Bob")),
				p("Tag_Profile_IM_Gender", tag.String("Gender_Type_Male")),
				p("Tag_Profile_IM_BirthDay", tag.Int(19881102)),
				p("Tag_Profile_IM_Image", tag.String("https://example.com/avatars/bob.png")),
				p("Tag_Profile_IM_SelfSignature", tag.String("Ship it.")),
				p("Tag_Profile_IM_Level", tag.Int(7)),
				p("Tag_Profile_Custom_Hobby", tag.String("climbing")),
			}},
			{UserID: "carol", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Nick", tag.String("Carol")),
				p("Tag_Profile_IM_Gender", tag.String("Gender_Type_Female")),
				p("Tag_Profile_IM_AllowType", tag.String("AllowType_Type_AllowAny")),
				p("Tag_Profile_IM_Language", tag.Int(2)),
				p("Tag_Profile_Custom_Score", tag.Int(1250)),
			}},
			{UserID: "dave", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Nick", tag.String("Dave")),
				p("Tag_Profile_IM_Role", tag.Int(1)),
			}},
			{UserID: "erin", Profile: []gen.TagItem{
				p("Tag_Profile_IM_Nick", tag.String("Erin")),
			}},
		},
		Groups: append([]Group{
			{GroupID: "@TGS#2J4SZEAEL", Type: gen.GroupTypePublic},
			{GroupID: "@TGS#2C5SZEAEF", Type: gen.GroupTypeWork},
			{GroupID: "@TGS#3FRIENDS01", Type: gen.GroupTypePrivate},
			{GroupID: "@TGS#aLIVEROOM1", Type: gen.GroupTypeAVChatRoom},
			{GroupID: "@TGS#_GOPHERCLUB", Type: gen.GroupTypeCommunity},
		}, GenerateGroups(20, 1)...),
		Friends: map[string][]gen.AddFriendItem{
			"alice": {
				{
					ToAccount: "bob", AddSource: "AddSource_Type_Web", GroupName: []string{"work"},
					Remark: str("Bobby"), RemarkTime: i64(1700000100),
					AddWording: str("Hi Bob, Alice from the platform team"), AddTime: i64(1700000000),
					CustomItem: []gen.CustomFriendItem{
						{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(1)},
						{Tag: "Tag_SNS_Custom_Note", Value: tag.String("owes me lunch")},
					},
				},
				{
					ToAccount: "carol", AddSource: "AddSource_Type_Android", GroupName: []string{"work", "family"},
					Remark: str("Sis"), AddTime: i64(1600000000),
					CustomItem: []gen.CustomFriendItem{{Tag: "Tag_SNS_Custom_Rank", Value: tag.Int(2)}},
				},
				{ToAccount: "erin", AddSource: "AddSource_Type_iOS", AddTime: i64(1710000000)},
			},
			"bob": {
				{ToAccount: "alice", AddSource: "AddSource_Type_Web", GroupName: []string{"friends"}, AddTime: i64(1700000000)},
			},
		},
	}
	return s
}
