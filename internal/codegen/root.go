package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// emitRoot writes operations.gen.go (package timrest): the services, one
// method (or three, for a paged operation) per operation in the shape
// its extensions give, the glue the generic call, batch and paging code
// needs for each, and the constants of the standard tags.
func emitRoot(m *model, b *bytes.Buffer) error {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("package timrest\n\nimport (\n\t\"context\"\n\t\"iter\"\n\t\"time\"\n\n\t\"github.com/timrest/timrest/gen\"\n\t\"github.com/timrest/timrest/internal/spec\"\n)\n\n")
	p("var (\n\t_ iter.Seq[int]\n\t_ time.Time\n)\n\n")

	// The services.
	p("// services are the client's services: one per family of the API (a\n// tag of the OpenAPI document), each with a method per operation.\ntype services struct {\n")
	for _, f := range m.families {
		t := m.tagOf(f)
		p("\t// %s calls the operations of the family %s: %s\n\t%s *%sService\n", m.services[f], f, strings.TrimSpace(t.Description), m.services[f], m.services[f])
	}
	p("}\n\nfunc (c *Client) initServices() {\n")
	for _, f := range m.families {
		p("\tc.%s = &%sService{c: c}\n", m.services[f], m.services[f])
	}
	p("}\n\n")
	for _, f := range m.families {
		t := m.tagOf(f)
		svc := m.services[f]
		p("// %sService calls the operations of the family %s (%s). Get it\n// from [Client].%s.\ntype %sService struct{ c *Client }\n\n", svc, f, strings.TrimSuffix(strings.TrimSpace(t.Description), "."), svc, svc)
	}

	envs := map[string]bool{}
	for _, o := range m.ops {
		if err := emitOperation(m, o, b, envs); err != nil {
			return fmt.Errorf("%s: %w", o.ID, err)
		}
	}
	names := make([]string, 0, len(envs))
	for n := range envs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, resp := range names {
		g := m.structs[resp]
		get := func(name, typ string) string {
			f, ok := g[name]
			switch {
			case !ok:
				return "nil"
			case f.Type == typ:
				return "a." + f.Name
			case "*"+f.Type == typ:
				return "&a." + f.Name
			}
			return "a." + f.Name
		}
		p("func env%s(a *gen.%s) envelope {\n\treturn envelope{a.%s, a.%s, %s, %s}\n}\n\n", resp, resp,
			g["ActionStatus"].Name, g["ErrorCode"].Name, get("ErrorInfo", "*string"), get("ErrorDisplay", "*string"))
	}

	// The standard tags.
	p("// Names of the standard friend tags (relationship-chain fields) and\n// profile tags (the document's x-tim-tags), for a TagList, with the\n// type of their value. [Tags] reads them.\nconst (\n")
	for _, t := range m.tags {
		typ := map[string]string{"string": "a string", "integer": "an integer", "strings": "a list of strings"}[t.Type]
		if t.UnixTime {
			typ = "Unix seconds"
		}
		if len(t.Enum) > 0 {
			typ += ": " + strings.Join(t.Enum, ", ")
		}
		p("\t// Tag%s is %s: %s (%s).\n\tTag%s = %q\n", t.Go, t.Name, t.Meaning, typ, t.Go, t.Name)
	}
	p(")\n\n")
	for _, t := range m.tags {
		goType, read := "string", "String"
		switch {
		case t.UnixTime:
			goType, read = "time.Time", "unix"
		case t.Type == "integer":
			goType, read = "int64", "Int"
		case t.Type == "strings":
			goType, read = "[]string", "Strings"
		}
		extra := ""
		if len(t.Enum) > 0 {
			extra = ": one of " + strings.Join(t.Enum, ", ")
		}
		p("// %s returns %s, %s%s, and true; or the zero value and false when\n// the tags lack it or hold another type.\nfunc (t Tags) %s() (%s, bool) { return t.%s(Tag%s) }\n\n", t.Go, t.Name, t.Meaning, extra, t.Go, goType, read, t.Go)
	}
	return nil
}

// tagOf returns the document's tag name.
func (m *model) tagOf(name string) *tagInfo {
	for _, t := range m.doc.Tags {
		if t.Name == name {
			return &tagInfo{Description: t.Description}
		}
	}
	return &tagInfo{}
}

type tagInfo struct{ Description string }

// goType qualifies the Go type typ (as written in gen) for use outside
// gen: the package's types get "gen.".
func (m *model) goType(typ string) string {
	prefix := ""
	for strings.HasPrefix(typ, "*") || strings.HasPrefix(typ, "[]") {
		if typ[0] == '*' {
			prefix, typ = prefix+"*", typ[1:]
		} else {
			prefix, typ = prefix+"[]", typ[2:]
		}
	}
	if _, isStruct := m.structs[typ]; isStruct {
		return prefix + "gen." + typ
	}
	if _, isAlias := m.aliases[typ]; isAlias {
		return prefix + "gen." + typ
	}
	return prefix + typ
}

// field returns the Go field of the JSON property name of the struct typ.
func (m *model) field(typ, name string) (goField, error) {
	f, ok := m.structs[typ][name]
	if !ok {
		return goField{}, fmt.Errorf("gen.%s has no field for %s", typ, name)
	}
	return f, nil
}

// owner returns the Go expression of the request's From_Account (the
// account a request is made for, which a ValidationError names), from the
// request pointer r, or "" when the request has none.
func (m *model) owner(reqSchema, r string) string {
	f, ok := m.structs[reqSchema]["From_Account"]
	if !ok {
		return ""
	}
	return asString(r+"."+f.Name, f.Type)
}

// asInt64 is the Go expression of the integer field x of Go type typ.
func asInt64(x, typ string) string {
	if strings.HasPrefix(typ, "*") {
		return "int64(deref(" + x + "))"
	}
	return "int64(" + x + ")"
}

// asString is the Go expression of the string field x of Go type typ.
func asString(x, typ string) string {
	if strings.HasPrefix(typ, "*") {
		return "string(deref(" + x + "))"
	}
	return "string(" + x + ")"
}

// docComment writes the comment of a method: its summary, the
// operation's description, extra, and the vendor's page.
func docComment(b *bytes.Buffer, name string, o *op, extra string) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	summary := strings.TrimSuffix(o.Summary, ".")
	if summary != "" {
		summary = strings.ToLower(summary[:1]) + summary[1:]
	}
	p("// %s calls %s (%s): %s.\n", name, o.ID, o.Path, summary)
	if d := strings.TrimSpace(o.op.Description); d != "" {
		p("//\n")
		for _, line := range strings.Split(d, "\n") {
			p("// %s\n", strings.TrimRight(line, " "))
		}
	}
	if extra != "" {
		p("//\n")
		for _, line := range strings.Split(strings.TrimSpace(extra), "\n") {
			p("// %s\n", line)
		}
	}
	p("//\n// Tencent IM API docs: %s\n//\n//meta:operation POST %s\n", o.Doc, o.Path)
}

func emitOperation(m *model, o *op, b *bytes.Buffer, envs map[string]bool) error {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	req, resp := "gen."+o.Req, "gen."+o.Resp
	svc := o.Service + "Service"
	envs[o.Resp] = true
	env := "env" + o.Resp
	idem := ""
	if !o.Idempotent {
		idem = "The operation is not idempotent: a request that may have reached the service\n(a timeout, a connection lost after sending) is not sent again."
	}
	switch {
	case o.Batch != nil:
		return emitBatch(m, o, b, idem)
	case o.Paging != nil:
		return emitPaging(m, o, b, idem)
	}
	docComment(b, o.Method, o, "The request is checked against the document before it is sent: a\nproblem is a [*ValidationError]. A failed answer is an [*Error].\n"+idem)
	p("func (s *%s) %s(ctx context.Context, req %s, opts ...CallOption) (*%s, error) {\n", svc, o.Method, req, resp)
	from := m.owner(o.Req, "req")
	if from == "" {
		from = `""`
	}
	p("\tif err := checked(s.c, %q, spec.Check%s(&req), %s); err != nil {\n\t\treturn nil, err\n\t}\n", o.ID, o.Req, from)
	p("\treturn call(ctx, s.c, spec.%s, &req, %s, s.c.settings(opts))\n}\n\n", o.ID, env)
	return nil
}

func emitBatch(m *model, o *op, b *bytes.Buffer, idem string) error {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	bt := o.Batch
	req, resp := "gen."+o.Req, "gen."+o.Resp
	itemsF, err := m.field(o.Req, bt.Items)
	if err != nil {
		return err
	}
	itemType := m.goType(strings.TrimPrefix(itemsF.Type, "[]"))
	elem := strings.TrimPrefix(itemsF.Type, "[]")
	resType := "struct{}"
	var resElem string
	if bt.Results != "" {
		rf, err := m.field(o.Resp, bt.Results)
		if err != nil {
			return err
		}
		resElem = strings.TrimPrefix(rf.Type, "[]")
		resType = m.goType(resElem)
	}
	reqSchema := m.schema(o.Req)
	// alike: the request has nothing but its items (and account): two
	// requests (of one account) differ only in their items.
	alike := len(reqSchema.Properties) == 1 || (bt.Account != "" && len(reqSchema.Properties) == 2)
	merge := alike && bt.Account != ""
	extra := fmt.Sprintf(`Any number of requests and items may be given. The items of %s are
sent in requests of at most %d`, bt.Items, bt.Max)
	if !bt.Hard {
		extra += " (the service's recommendation)"
	}
	if bt.Sequential {
		extra += fmt.Sprintf(";\none %s's requests go one after another, different ones in parallel\n(see [WithConcurrency])", bt.Account)
	} else {
		extra += ", in parallel (see [WithConcurrency])"
	}
	extra += ". Every item is checked against the document first: an invalid\nitem is not sent and fails alone with a [*ValidationError].\n"
	if bt.Duplicates == "split" {
		extra += "An item whose key repeats is sent after the earlier one, in a later\nrequest: the last one wins.\n"
	} else if alike && bt.Account != "" {
		extra += fmt.Sprintf("A key that repeats for one %s, in any of the requests, is sent once\n(its first entry); every entry gets its outcome.\n", bt.Account)
	} else if alike {
		extra += "A key that repeats, in any of the requests, is sent once (its first\nentry); every entry gets its outcome.\n"
	} else {
		extra += "A key that repeats in a request is sent once (its first entry); every\nentry gets its outcome. Requests are not merged: a key in two requests\nis sent in each.\n"
	}
	extra += "The result has one entry per item, in input order; a partial failure is a\nresult, not an error (see [BatchResult] and [runBatch's rules in the package doc]).\n" + idem
	extra = strings.Replace(extra, " (see [BatchResult] and [runBatch's rules in the package doc])", " (see [BatchResult])", 1)
	docComment(b, o.Method, o, extra)
	p("func (s *%sService) %s(ctx context.Context, reqs []%s, opts ...CallOption) (*BatchResult[%s], error) {\n", o.Service, o.Method, req, resType)
	p("\treturn runBatch(ctx, s.c, batch%s, reqs, opts)\n}\n\n", o.ID)

	p("var batch%s = &batchOp[%s, %s, %s, %s]{\n", o.ID, req, itemType, resp, resType)
	p("\top: spec.%s, alike: %t, merge: %t,\n", o.ID, alike, merge)
	p("\titems: func(r *%s) []%s { return r.%s },\n", req, itemType, itemsF.Name)
	p("\tsetItems: func(r *%s, v []%s) { r.%s = v },\n", req, itemType, itemsF.Name)
	if bt.Account != "" {
		af, err := m.field(o.Req, bt.Account)
		if err != nil {
			return err
		}
		p("\taccount: func(r *%s) string { return %s },\n", req, asString("r."+af.Name, af.Type))
	}
	if bt.Key == "" {
		p("\tkey: func(it *%s) string { return string(*it) },\n", itemType)
		p("\tcheckItem: func(it *%s) *spec.Problem { return spec.Check%sItem(string(*it)) },\n", itemType, o.Req)
	} else {
		kf, err := m.field(elem, bt.Key)
		if err != nil {
			return err
		}
		p("\tkey: func(it *%s) string { return %s },\n", itemType, asString("it."+kf.Name, kf.Type))
		p("\tcheckItem: spec.Check%s,\n", elem)
	}
	p("\tcheckHead: spec.Check%sHead,\n", o.Req)
	if from := m.owner(o.Req, "r"); from != "" {
		p("\towner: func(r *%s) string { return %s },\n", req, from)
	}
	p("\tenv: env%s,\n", o.Resp)
	if bt.Results != "" {
		rf, _ := m.field(o.Resp, bt.Results)
		kf, err := m.field(resElem, bt.ResultKey)
		if err != nil {
			return err
		}
		var cf goField
		if bt.ResultCode != "" {
			if cf, err = m.field(resElem, bt.ResultCode); err != nil {
				return err
			}
		}
		p("\tresults: func(a *%s) []%s { return a.%s },\n", resp, resType, rf.Name)
		p("\tresKey: func(r *%s) string { return %s },\n", resType, asString("r."+kf.Name, kf.Type))
		if bt.ResultCode != "" {
			p("\tresCode: func(r *%s) int32 { return int32(%s) },\n", resType, strings.TrimPrefix(asInt64("r."+cf.Name, cf.Type), "int64"))
		}
		if bt.ResultInfo != "" {
			inf, err := m.field(resElem, bt.ResultInfo)
			if err != nil {
				return err
			}
			p("\tresInfo: func(r *%s) string { return %s },\n", resType, asString("r."+inf.Name, inf.Type))
		} else {
			p("\tresInfo: func(*%s) string { return \"\" },\n", resType)
		}
	}
	if bt.Errors != "" {
		ef, err := m.field(o.Resp, bt.Errors)
		if err != nil {
			return err
		}
		eElem := strings.TrimPrefix(ef.Type, "[]")
		kf, err := m.field(eElem, bt.ErrorKey)
		if err != nil {
			return err
		}
		cf, err := m.field(eElem, bt.ErrorCode)
		if err != nil {
			return err
		}
		p("\terrs: func(a *%s) []itemErr {\n\t\tout := make([]itemErr, len(a.%s))\n\t\tfor i := range a.%s {\n\t\t\tout[i] = itemErr{key: %s, code: int32(%s)}\n\t\t}\n\t\treturn out\n\t},\n",
			resp, ef.Name, ef.Name, asString("a."+ef.Name+"[i]."+kf.Name, kf.Type), strings.TrimPrefix(asInt64("a."+ef.Name+"[i]."+cf.Name, cf.Type), "int64"))
	}
	if bt.FailList != "" {
		ff, err := m.field(o.Resp, bt.FailList)
		if err != nil {
			return err
		}
		p("\tfailList: func(a *%s) []string { return a.%s },\n", resp, ff.Name)
	}
	p("}\n\n")
	return nil
}

func emitPaging(m *model, o *op, b *bytes.Buffer, idem string) error {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	pg := o.Paging
	req, resp := "gen."+o.Req, "gen."+o.Resp
	itemsF, err := m.field(o.Resp, pg.Items)
	if err != nil {
		return err
	}
	elem := strings.TrimPrefix(itemsF.Type, "[]")
	itemType := m.goType(elem)
	curF, err := m.field(o.Req, pg.Cursor)
	if err != nil {
		return err
	}
	nextF, err := m.field(o.Resp, pg.Next)
	if err != nil {
		return err
	}
	end := fmt.Sprintf("The answer's %s is the position of the next page; %s 0 marks the last page.", pg.Next, pg.Next)
	if pg.Done == "flag" {
		end = fmt.Sprintf("The answer's %s is the position of the next page; a %s other than 0 marks the last page.", pg.Next, pg.Flag)
	}
	docComment(b, o.Method, o, fmt.Sprintf("It returns one page: set req.%s to the position (0 for the first page). %s\n%s and %s iterate over every page and item.\n%s", pg.Cursor, end, pg.PagesMethod, pg.AllMethod, idem))
	p("func (s *%sService) %s(ctx context.Context, req %s, opts ...CallOption) (*%s, error) {\n", o.Service, o.Method, req, resp)
	p("\treturn page(ctx, s.c, page%s, req, opts)\n}\n\n", o.ID)

	docComment(b, pg.PagesMethod, o, fmt.Sprintf(`It returns an iterator over every page from req's position on (0: the
first page), calling the operation once per page (at the rate the service
allows). req is copied, never modified. An error ends the iteration: it is
yielded once, with a nil page; a position the service gave before is an
error wrapping [ErrRepeatedCursor]. One page is held at a time.
%s`, idem))
	p("func (s *%sService) %s(ctx context.Context, req %s, opts ...CallOption) iter.Seq2[*%s, error] {\n", o.Service, pg.PagesMethod, req, resp)
	p("\treturn pages(ctx, s.c, page%s, req, opts)\n}\n\n", o.ID)

	valType, valExpr := itemType, "*it"
	if pg.Item != "" {
		vf, err := m.field(elem, pg.Item)
		if err != nil {
			return err
		}
		valType, valExpr = m.goType(vf.Type), "it."+vf.Name
	}
	what := "item"
	if pg.Item != "" {
		what = pg.Item
	}
	docComment(b, pg.AllMethod, o, fmt.Sprintf(`It returns an iterator over every %s of every page (see %s); an error
ends it, yielded once with a zero value.`, what, pg.PagesMethod))
	p("func (s *%sService) %s(ctx context.Context, req %s, opts ...CallOption) iter.Seq2[%s, error] {\n", o.Service, pg.AllMethod, req, valType)
	p("\treturn allItems(ctx, s.c, page%s, req, func(it *%s) %s { return %s }, opts)\n}\n\n", o.ID, itemType, valType, valExpr)

	p("var page%s = &pageOp[%s, %s, %s]{\n", o.ID, req, resp, itemType)
	p("\top: spec.%s,\n\tcheck: spec.Check%s,\n", o.ID, o.Req)
	if from := m.owner(o.Req, "r"); from != "" {
		p("\towner: func(r *%s) string { return %s },\n", req, from)
	}
	p("\tcursor: func(r *%s) int64 { return %s },\n", req, asInt64("r."+curF.Name, curF.Type))
	if strings.HasPrefix(curF.Type, "*") {
		p("\tsetCur: func(r *%s, v int64) { n := %s(v); r.%s = &n },\n", req, curF.Type[1:], curF.Name)
	} else {
		p("\tsetCur: func(r *%s, v int64) { r.%s = %s(v) },\n", req, curF.Name, curF.Type)
	}
	p("\tnext: func(a *%s) int64 { return %s },\n", resp, asInt64("a."+nextF.Name, nextF.Type))
	if pg.Done == "flag" {
		ff, err := m.field(o.Resp, pg.Flag)
		if err != nil {
			return err
		}
		p("\tlast: func(a *%s) bool { return %s != 0 },\n", resp, asInt64("a."+ff.Name, ff.Type))
	}
	if len(pg.Carry) > 0 {
		p("\tcarry: func(a *%s, r *%s) {\n", resp, req)
		for _, c := range pg.Carry {
			from, err := m.field(o.Resp, c.From)
			if err != nil {
				return err
			}
			to, err := m.field(o.Req, c.To)
			if err != nil {
				return err
			}
			switch {
			case from.Type == to.Type:
				p("\t\tr.%s = a.%s\n", to.Name, from.Name)
			case strings.HasPrefix(from.Type, "*") && from.Type[1:] == to.Type:
				p("\t\tif a.%s != nil {\n\t\t\tr.%s = *a.%s\n\t\t}\n", from.Name, to.Name, from.Name)
			case strings.HasPrefix(to.Type, "*") && to.Type[1:] == from.Type:
				p("\t\tv := a.%s\n\t\tr.%s = &v\n", from.Name, to.Name)
			default:
				return fmt.Errorf("x-tim-paging carry %s→%s: Go types %s and %s", c.From, c.To, from.Type, to.Type)
			}
		}
		p("\t},\n")
	}
	p("\titems: func(a *%s) []%s { return a.%s },\n", resp, itemType, itemsF.Name)
	p("\tenv: env%s,\n}\n\n", o.Resp)
	return nil
}
