package emulator

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
	"github.com/timrest/timrest/tag"
)

// The profiles family (the document's tag profile): each account's
// profile tags, standard (Tag_Profile_IM_*, typed as spec.Tags says) and
// custom (Tag_Profile_Custom_*), and the behaviours of portrait_set
// (SetProfile) and portrait_get (GetProfiles). friend_get_list reads the
// profiles too (of); account_import and multiaccount_import set the
// nickname and photo (setTagLocked), account_delete removes a profile
// (forgetLocked).

// Profile error codes (spec.Operation.Errors of SetProfile and
// GetProfiles, the family's set) the emulator answers with. The tests
// check each against the document, class included.
const (
	codeProfileNoAccount = 40003 // the account has not been imported
	codeProfileNoTag     = 40009 // no such profile tag
	codeProfileTooLong   = 40601 // a string value over spec.LimitProfileValueBytes bytes
	codeProfileBadValue  = 40605 // a standard tag's value outside its enum, its range or its own byte limit
	codeProfileWrongType = 40610 // a standard tag's value of another type than the tag's
)

// profileFamily holds the profiles; Emulator.mu guards it.
type profileFamily struct {
	e    *Emulator                       // set by New
	tags map[string]map[string]tag.Value // UserID → tag → value; nil for none
}

func newProfileFamily() *profileFamily {
	return &profileFamily{tags: map[string]map[string]tag.Value{}}
}

// register implements family.
func (p *profileFamily) register(b *behaviours) {
	b.SetProfile = p.setProfile
	b.GetProfiles = p.getProfiles
}

// of returns the profile tags of the account id, nil for none. The caller
// holds Emulator.mu and must not modify the map.
func (p *profileFamily) of(id string) map[string]tag.Value { return p.tags[id] }

// setLocked sets the profile tags of the account id (checked by
// checkProfileTag). The caller holds Emulator.mu for writing.
func (p *profileFamily) setLocked(id string, items []gen.TagItem) {
	for _, it := range items {
		p.setTagLocked(id, it.Tag, it.Value)
	}
}

// setTagLocked sets the profile tag name of the account id to v (checked
// by checkProfileTag). The caller holds Emulator.mu for writing.
func (p *profileFamily) setTagLocked(id, name string, v tag.Value) {
	m := p.tags[id]
	if m == nil {
		m = map[string]tag.Value{}
		p.tags[id] = m
	}
	m[name] = v
}

// forgetLocked removes the profile of the account id. The caller holds
// Emulator.mu for writing.
func (p *profileFamily) forgetLocked(id string) { delete(p.tags, id) }

// profileTags are the standard profile tags of spec.Tags, by name.
var profileTags = func() map[string]*spec.Tag {
	m := map[string]*spec.Tag{}
	for i := range spec.Tags {
		if t := &spec.Tags[i]; t.Family == "profile" {
			m[t.Name] = t
		}
	}
	return m
}()

// profileTagNamed returns the name of the standard profile tag whose Go
// name (x-tim-tags go) is goName; the emulator cannot start without it.
func profileTagNamed(goName string) string {
	for _, t := range spec.Tags {
		if t.Family == "profile" && t.GoName == goName {
			return t.Name
		}
	}
	panic("emulator: the document has no standard profile tag " + goName)
}

// The standard profile tags that account_import and multiaccount_import
// set from Nick and FaceUrl.
var (
	tagNick  = profileTagNamed("Nick")
	tagImage = profileTagNamed("Image")
)

// tagKinds maps the type of a standard tag to the kind of its value.
var tagKinds = map[spec.TagType]tag.Kind{spec.TagString: tag.KindString, spec.TagInteger: tag.KindInt, spec.TagStrings: tag.KindStrings}

// checkProfileTag checks one profile tag (of a seed account, or of a
// portrait_set): a standard profile tag of spec.Tags with a value of its
// type, or a custom profile tag, Tag_Profile_Custom_ and a name as a
// custom friend tag's (CustomFriendItem.Tag after Tag_SNS_Custom_), with
// a string or an integer. Strings are at most
// spec.LimitProfileValueBytes bytes, and a standard tag's at most its
// own x-tim-max-bytes.
func checkProfileTag(name string, v tag.Value) error {
	_, err := profileTagProblem(name, v)
	return err
}

// profileTagProblem is checkProfileTag with the code portrait_set answers
// for the problem: 40009 a tag that does not exist (not a standard tag,
// or a custom name the console could not have set up), 40610 a value of
// the wrong type, 40601 a string over spec.LimitProfileValueBytes bytes,
// 40605 a standard tag's value outside its enum, its 32 bits or its own
// (smaller) byte limit. It returns 0 and nil for a good tag.
func profileTagProblem(name string, v tag.Value) (int, error) {
	if suffix, ok := strings.CutPrefix(name, prefixProfileCustom); ok {
		p := spec.CheckCustomFriendItem(&gen.CustomFriendItem{Tag: prefixSNSCustom + suffix, Value: v})
		switch {
		case p != nil && p.Field == "Tag":
			return codeProfileNoTag, fmt.Errorf("custom profile tag %q: want Tag_Profile_Custom_ and a name as a custom friend tag's: %s%s %s", name, prefixSNSCustom, suffix, p.Reason)
		case p != nil:
			return codeProfileWrongType, fmt.Errorf("%s: value %s", name, p.Reason)
		}
		if s, ok := v.AsString(); ok && len(s) > spec.LimitProfileValueBytes {
			return codeProfileTooLong, fmt.Errorf("%s: value is %d bytes, want at most %d", name, len(s), spec.LimitProfileValueBytes)
		}
		return 0, nil
	}
	t, ok := profileTags[name]
	if !ok {
		return codeProfileNoTag, fmt.Errorf("unknown profile tag %q (want a standard Tag_Profile_IM_* tag or Tag_Profile_Custom_*)", name)
	}
	if want := tagKinds[t.Type]; v.Kind() != want {
		return codeProfileWrongType, fmt.Errorf("%s: value is %s, want %s", name, v.Kind(), want)
	}
	if s, ok := v.AsString(); ok {
		switch {
		case len(s) > spec.LimitProfileValueBytes:
			return codeProfileTooLong, fmt.Errorf("%s: value is %d bytes, want at most %d", name, len(s), spec.LimitProfileValueBytes)
		case t.Enum != nil && !slices.Contains(t.Enum, s):
			return codeProfileBadValue, fmt.Errorf("%s: value %q is not one of %s", name, s, strings.Join(t.Enum, ", "))
		case t.MaxBytes > 0 && len(s) > t.MaxBytes:
			return codeProfileBadValue, fmt.Errorf("%s: value is %d bytes, want at most %d", name, len(s), t.MaxBytes)
		}
	}
	if n, ok := v.AsInt(); ok && t.Uint32 && (n < 0 || n > math.MaxUint32) {
		return codeProfileBadValue, fmt.Errorf("%s: value %d is not in 0..4294967295", name, n)
	}
	return 0, nil
}

// setProfile serves v4/profile/portrait_set: it sets the tags of
// ProfileItem on From_Account's profile, in order (a tag given twice
// takes the later value).
//
// From_Account must have been imported, else the call fails with 40003.
// Each item must be a tag that exists with a value it takes (see
// profileTagProblem for the codes). The vendor's page does not say what
// happens to the good items of a call with a bad one; the emulator
// refuses the whole call with the code of the first bad item and changes
// nothing, so that a failed call never leaves a half-set profile.
func (p *profileFamily) setProfile(_ context.Context, req gen.SetProfileRequestObject) (gen.SetProfileResponseObject, error) {
	e := p.e
	b := req.Body
	fail := func(code int, info string) (gen.SetProfileResponseObject, error) {
		return gen.SetProfile200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(code), ErrorInfo: ptr(info), ErrorDisplay: ptr("")}, nil
	}
	if r := spec.CheckUserID(b.FromAccount); r != "" {
		return fail(e.env.codes[spec.SetProfile.ID].badRequest, "Err_Profile_Invalid_Param: From_Account "+r)
	}
	// The items are checked before the lock; a bad one is answered after
	// the account's existence, which goes first.
	badCode, badInfo := 0, ""
	for i, it := range b.ProfileItem {
		if code, err := profileTagProblem(it.Tag, it.Value); err != nil {
			badCode, badInfo = code, fmt.Sprintf("Err_Profile_Invalid_Item: ProfileItem[%d]: %s", i, clip(err.Error()))
			break
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case !e.accounts.exists(b.FromAccount):
		return fail(codeProfileNoAccount, fmt.Sprintf("Err_Profile_Account_Not_Exist: From_Account %q has not been imported", b.FromAccount))
	case badCode != 0:
		return fail(badCode, badInfo)
	}
	for _, it := range b.ProfileItem {
		p.setTagLocked(b.FromAccount, it.Tag, it.Value)
	}
	return gen.SetProfile200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}, nil
}

// getProfiles serves v4/profile/portrait_get: for each To_Account, in
// order (an account named again is answered again), the tags of TagList
// it has, in TagList order, with ResultCode 0. Tags it lacks, and names
// that are no tag at all, are left out.
//
// Every To_Account must have been imported: one that has not fails the
// whole call with 40003, as the vendor's page says, naming the first such
// account. So no item ever fails alone and Fail_Account is never sent.
func (p *profileFamily) getProfiles(_ context.Context, req gen.GetProfilesRequestObject) (gen.GetProfilesResponseObject, error) {
	e := p.e
	b := req.Body
	fail := func(code int, info string) (gen.GetProfilesResponseObject, error) {
		return gen.GetProfiles200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(code), ErrorInfo: ptr(info), ErrorDisplay: ptr("")}, nil
	}
	for i, to := range b.ToAccount {
		if r := spec.CheckUserID(to); r != "" {
			return fail(e.env.codes[spec.GetProfiles.ID].badRequest, fmt.Sprintf("Err_Profile_Invalid_Param: To_Account[%d] %s", i, r))
		}
	}
	tags := uniq(b.TagList)
	pos := make(map[string]int, len(tags)) // tag → its place in the answer
	for i, t := range tags {
		pos[t] = i
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	for i, to := range b.ToAccount {
		if !e.accounts.exists(to) {
			return fail(codeProfileNoAccount, fmt.Sprintf("Err_Profile_Account_Not_Exist: To_Account[%d] %q has not been imported", i, to))
		}
	}
	resp := gen.GetProfiles200JSONResponse{ActionStatus: gen.ActionStatusOK, ErrorInfo: ptr(""), ErrorDisplay: ptr("")}
	resp.UserProfileItem = make([]gen.UserProfile, 0, len(b.ToAccount))
	// An account named again gets the tags found the first time: the
	// cost is per distinct account, not per name.
	found := map[string][]gen.TagItem{}
	for _, to := range b.ToAccount {
		items, ok := found[to]
		if !ok {
			items = profileTagItems(p.tags[to], tags, pos)
			found[to] = items
		}
		resp.UserProfileItem = append(resp.UserProfileItem, gen.UserProfile{ToAccount: to, ProfileItem: items, ResultCode: 0, ResultInfo: ptr("")})
	}
	return resp, nil
}

// profileTagItems returns the tags of tags that profile has, with their
// values, in the order of tags; never nil. tags has no repeats and pos
// maps each to its index. It costs the smaller of the two: TagList may
// name any number of tags.
func profileTagItems(profile map[string]tag.Value, tags []string, pos map[string]int) []gen.TagItem {
	if len(tags) <= len(profile) {
		items := make([]gen.TagItem, 0, len(tags))
		for _, t := range tags {
			if v, ok := profile[t]; ok {
				items = append(items, gen.TagItem{Tag: t, Value: v})
			}
		}
		return items
	}
	hits := make([]int, 0, len(profile)) // indexes into tags
	for t := range profile {
		if i, ok := pos[t]; ok {
			hits = append(hits, i)
		}
	}
	slices.Sort(hits)
	items := make([]gen.TagItem, 0, len(hits))
	for _, i := range hits {
		items = append(items, gen.TagItem{Tag: tags[i], Value: profile[tags[i]]})
	}
	return items
}

// maxInfo caps the part of an ErrorInfo that quotes the request (a tag
// name has no length limit).
const maxInfo = 256

// clip cuts s to at most maxInfo bytes, on a character boundary, marking
// the cut with "...".
func clip(s string) string {
	if len(s) <= maxInfo {
		return s
	}
	return strings.ToValidUTF8(s[:maxInfo], "") + "..."
}
