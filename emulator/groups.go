package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"sync"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/spec"
)

// The groups family (the document's tag group): the app's groups with
// their type, and the behaviour of get_appid_group_list (ListGroupIDs).

// cursorBase offsets get_appid_group_list cursors: Next is cursorBase plus
// the key of the last group of the page, so every cursor is above 2^32,
// as the service's are, and a client that keeps Next in 32 bits breaks
// here as it would there.
const cursorBase = 1 << 32

// group is a group of the app. key orders the groups and makes the
// get_appid_group_list cursor.
type group struct {
	id  string
	typ gen.GroupType
	key uint64
}

// groupFamily holds the groups; Emulator.mu guards all but the cursors.
type groupFamily struct {
	e          *Emulator
	list       []*group // sorted by key
	ids        map[string]bool
	typeCounts map[gen.GroupType]int64 // by canonical type
	lastKey    uint64

	// cursors holds the group key of every cursor (Next) an answer has
	// carried. It has its own lock, since answers are made under
	// Emulator.mu's read lock; it holds at most one entry per group.
	cursorMu sync.Mutex
	cursors  map[uint64]struct{}
}

func newGroupFamily(e *Emulator) *groupFamily {
	return &groupFamily{e: e, ids: map[string]bool{}, typeCounts: map[gen.GroupType]int64{}, cursors: map[uint64]struct{}{}}
}

// register implements family.
func (g *groupFamily) register(b *behaviours) {
	b.ListGroupIDs = g.listGroupIDs
}

// exists reports whether a group has the ID id. The caller holds
// Emulator.mu.
func (g *groupFamily) exists(id string) bool { return g.ids[id] }

// addLocked adds a group after the others. The caller holds Emulator.mu
// for writing.
func (g *groupFamily) addLocked(gr Group) {
	g.lastKey++
	g.list = append(g.list, &group{id: gr.GroupID, typ: gr.Type, key: g.lastKey})
	g.ids[gr.GroupID] = true
	g.typeCounts[canonicalType(gr.Type)]++
}

// issueCursor records that an answer carries the cursor of key.
func (g *groupFamily) issueCursor(key uint64) {
	g.cursorMu.Lock()
	g.cursors[key] = struct{}{}
	g.cursorMu.Unlock()
}

// issuedCursor reports whether an answer has carried the cursor of key.
func (g *groupFamily) issuedCursor(key uint64) bool {
	g.cursorMu.Lock()
	defer g.cursorMu.Unlock()
	_, ok := g.cursors[key]
	return ok
}

// encodedGroupList is a get_appid_group_list answer already encoded: the
// emulator encodes it once to measure it against the 1 MB cap, and sends
// those bytes.
type encodedGroupList struct {
	body []byte
	code int32
}

// VisitListGroupIDsResponse writes the answer.
func (a encodedGroupList) VisitListGroupIDsResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(a.body)
	return err
}

// errorCode implements coded.
func (a encodedGroupList) errorCode() int32 { return a.code }

// listGroupIDs serves v4/group_open_http_svc/get_appid_group_list: up to
// Limit group IDs after the cursor Next, of GroupType when given (old and
// new names of a type match each other). TotalCount counts the app's
// groups, or those of GroupType, whatever Limit and Next are. Next is 0
// on the last page. A Next other than 0 that no earlier answer carried
// (at most 2^32, past the last group, or simply never handed out) fails
// with 10004. An answer over spec.LimitGroupAnswerBytes fails with 10018.
func (g *groupFamily) listGroupIDs(_ context.Context, req gen.ListGroupIDsRequestObject) (gen.ListGroupIDsResponseObject, error) {
	e := g.e
	b := req.Body
	limit := defaultGroupPage
	if b.Limit != nil {
		limit = int(*b.Limit)
	}
	var after uint64
	if b.Next != nil && *b.Next != 0 {
		// Every cursor is above 2^32; the schema keeps Next non-negative.
		if *b.Next <= cursorBase || !g.issuedCursor(uint64(*b.Next-cursorBase)) {
			return gen.ListGroupIDs200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: int32(e.env.codes[spec.ListGroupIDs.ID].badRequest), ErrorInfo: ptr("invalid Next: pass 0 or the Next of an earlier answer")}, nil
		}
		after = uint64(*b.Next - cursorBase)
	}
	var filter gen.GroupType
	if b.GroupType != nil {
		filter = canonicalType(*b.GroupType)
	}

	e.mu.RLock()
	total := int64(len(g.list))
	if filter != "" {
		total = g.typeCounts[filter]
	}
	groups := g.list
	i := sort.Search(len(groups), func(i int) bool { return groups[i].key > after })
	list := make([]gen.GroupIDItem, 0, min(limit, len(groups)-i))
	var last *group
	more := false
	for ; i < len(groups); i++ {
		gr := groups[i]
		if filter != "" && canonicalType(gr.typ) != filter {
			continue
		}
		if len(list) == limit {
			more = true
			break
		}
		list = append(list, gen.GroupIDItem{GroupID: gr.id})
		last = gr
	}
	e.mu.RUnlock()

	var next int64
	if more {
		next = cursorBase + int64(last.key)
	}
	// No ErrorDisplay: the vendor's sample answer of this API has none.
	body, err := json.Marshal(gen.ListGroupIDs200JSONResponse{
		ActionStatus: gen.ActionStatusOK, ErrorCode: 0, ErrorInfo: ptr(""),
		TotalCount: &total, GroupIDList: list, Next: &next,
	})
	if err != nil {
		return nil, err
	}
	body = append(body, '\n')
	if len(body) > spec.LimitGroupAnswerBytes {
		return gen.ListGroupIDs200JSONResponse{ActionStatus: gen.ActionStatusFail, ErrorCode: codeGroupAnswerLimit, ErrorInfo: ptr("rsp pkg too large: the answer would exceed 1 MB, lower Limit")}, nil
	}
	if more {
		g.issueCursor(last.key)
	}
	return encodedGroupList{body: body}, nil
}
