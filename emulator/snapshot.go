package emulator

import (
	"maps"
	"slices"

	"github.com/timrest/timrest/gen"
)

// Snapshot returns the emulator's app state as a [Seed], from one
// consistent moment: every account with its profile tags, every group,
// every account's friend lists, friends and blocklist. Applied to an
// emulator without state ([New], then [Emulator.Apply]), it makes an
// emulator whose Snapshot is equal to this one, so tests can compare
// whole states, and a state can be saved as a seed file (its JSON form
// is what [LoadSeed] reads).
//
// The order is stable: accounts sorted by UserID, each account's profile
// tags sorted by tag name; groups in the order get_appid_group_list pages
// through them; an account's friend lists in the order they were
// created, its friends in the order they became friends, its blocklist
// in the order blocked. A friend has every field friend_import takes:
// AddSource, AddTime and, when set, GroupName (in the friend's own
// order), Remark, RemarkTime (also when it is 0 beside a remark, so that
// loading does not stamp it), AddWording, and CustomItem sorted by tag.
// Maps hold only the accounts that have something (Friends, Blocklists,
// Lists), and are nil when none has.
//
// What a seed cannot hold is left out: the time each account was
// blocked (loading stamps the time of loading), the sequences of the
// relationship chain (CurrentSequence, StandardSequence,
// CustomSequence), which start again from a seed, and the
// get_appid_group_list cursors that answers have carried.
func (e *Emulator) Snapshot() *Seed {
	e.mu.RLock()
	defer e.mu.RUnlock()
	s := &Seed{}
	for _, id := range slices.Sorted(maps.Keys(e.accounts.ids)) {
		a := Account{UserID: id}
		profile := e.profiles.of(id)
		for _, name := range slices.Sorted(maps.Keys(profile)) {
			a.Profile = append(a.Profile, gen.TagItem{Tag: name, Value: profile[name]})
		}
		s.Accounts = append(s.Accounts, a)
	}
	for _, g := range e.groups.list {
		s.Groups = append(s.Groups, Group{GroupID: g.id, Type: g.typ})
	}
	for _, id := range slices.Sorted(maps.Keys(e.sns.chains)) {
		ch := e.sns.chains[id]
		if len(ch.lists) > 0 {
			if s.Lists == nil {
				s.Lists = map[string][]string{}
			}
			s.Lists[id] = slices.Clone(ch.lists)
		}
		if len(ch.friends) > 0 {
			if s.Friends == nil {
				s.Friends = map[string][]gen.AddFriendItem{}
			}
			items := make([]gen.AddFriendItem, 0, len(ch.friends))
			for _, f := range ch.friends {
				items = append(items, friendItem(f))
			}
			s.Friends[id] = items
		}
		if len(ch.blocked) > 0 {
			if s.Blocklists == nil {
				s.Blocklists = map[string][]string{}
			}
			tos := make([]string, 0, len(ch.blocked))
			for _, b := range ch.blocked {
				tos = append(tos, b.ToAccount)
			}
			s.Blocklists[id] = tos
		}
	}
	return s
}

// friendItem returns f as the friend_import item that makes it again:
// AddTime always (else loading stamps the time of loading), RemarkTime
// whenever there is a remark or a time (else loading stamps one), the
// other fields when set, custom tags sorted by name.
func friendItem(f *Friend) gen.AddFriendItem {
	it := gen.AddFriendItem{ToAccount: f.ToAccount, AddSource: f.AddSource, AddTime: ptr(f.AddTime)}
	if len(f.GroupName) > 0 {
		it.GroupName = slices.Clone(f.GroupName)
	}
	if f.Remark != "" {
		it.Remark = ptr(f.Remark)
	}
	if f.Remark != "" || f.RemarkTime != 0 {
		it.RemarkTime = ptr(f.RemarkTime)
	}
	if f.AddWording != "" {
		it.AddWording = ptr(f.AddWording)
	}
	for _, name := range slices.Sorted(maps.Keys(f.Custom)) {
		it.CustomItem = append(it.CustomItem, gen.CustomFriendItem{Tag: name, Value: f.Custom[name]})
	}
	return it
}
