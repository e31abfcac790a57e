package main

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// emitSpec writes internal/spec/spec.gen.go.
func emitSpec(m *model, b *bytes.Buffer) error {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	p("package spec\n\nimport (\n\t\"encoding/json\"\n\n\t\"github.com/timrest/timrest/gen\"\n\t\"github.com/timrest/timrest/tag\"\n)\n\n")
	p("var _ = tag.KindString\n\n")

	p("// The operations, by operationId.\nvar (\n")
	for _, o := range m.ops {
		p("\t// %s is %s: %s\n", o.ID, o.Path, o.Summary)
		p("\t%s = &Operation{\n", o.ID)
		p("\t\tID: %q, Path: %q, Family: %q, Service: %q, Method: %q,\n", o.ID, o.Path, o.Family, o.Service, o.Method)
		p("\t\tSummary: %q,\n\t\tDoc: %q,\n", o.Summary, o.Doc)
		p("\t\tRate: %s, Idempotent: %t,\n", strconv.FormatFloat(o.Rate, 'g', -1, 64), o.Idempotent)
		if bt := o.Batch; bt != nil {
			p("\t\tBatch: &Batch{Items: %q, Max: %d, Hard: %t, Account: %q, Sequential: %t, Key: %q, Duplicates: %q, Results: %q, ResultKey: %q, ResultCode: %q, ResultInfo: %q, FailList: %q, Errors: %q, ErrorKey: %q, ErrorCode: %q},\n",
				bt.Items, bt.Max, bt.Hard, bt.Account, bt.Sequential, bt.Key, bt.Duplicates, bt.Results, bt.ResultKey, bt.ResultCode, bt.ResultInfo, bt.FailList, bt.Errors, bt.ErrorKey, bt.ErrorCode)
		}
		if pg := o.Paging; pg != nil {
			p("\t\tPaging: &Paging{Cursor: %q, Next: %q, Done: %q, Flag: %q, Items: %q, Item: %q, Offset: %t", pg.Cursor, pg.Next, pg.Done, pg.Flag, pg.Items, pg.Item, pg.Offset)
			if len(pg.Carry) > 0 {
				p(", Carry: []Carry{")
				for _, c := range pg.Carry {
					p("{From: %q, To: %q}, ", c.From, c.To)
				}
				p("}")
			}
			p("},\n")
		}
		p("\t\tErrors: map[int]ErrorCode{\n")
		for _, e := range o.Errors {
			p("\t\t\t%d: {%d, %q, %q, %q},\n", e.Code, e.Code, e.Class, e.Retry, e.Meaning)
		}
		p("\t\t},\n\t}\n")
	}
	p(")\n\n")
	p("func init() {\n")
	for _, o := range m.ops {
		p("\t%s.CheckJSON = func(b []byte) *Problem {\n\t\tif p := shape%s.Check(b); p != nil {\n\t\t\treturn p\n\t\t}\n\t\tvar x gen.%s\n\t\tif err := json.Unmarshal(b, &x); err != nil {\n\t\t\treturn decodeProblem(err)\n\t\t}\n\t\treturn Check%s(&x)\n\t}\n", o.ID, o.Req, o.Req, o.Req)
	}
	p("}\n\n")
	shapes := map[string]bool{}
	var order []string
	var visit func(name string)
	visit = func(name string) {
		if shapes[name] {
			return
		}
		shapes[name] = true
		order = append(order, name)
		sc := m.schema(name)
		for _, pn := range slicesSorted(sc.Properties) {
			ref := sc.Properties[pn]
			if ref.Value.Type.Is("array") {
				ref = ref.Value.Items
			}
			if ref.Ref != "" && ref.Value.Type.Is("object") {
				visit(refName(ref.Ref))
			}
		}
	}
	for _, o := range m.ops {
		visit(o.Req)
	}
	p("// The shapes of the request objects, for CheckJSON.\nvar (\n")
	for _, name := range order {
		p("\tshape%s = &Shape{}\n", name)
	}
	p(")\n\nfunc init() {\n")
	for _, name := range order {
		sc := m.schema(name)
		if h := sc.AdditionalProperties.Has; h == nil || *h {
			continue // other fields are allowed: nothing to refuse
		}
		if len(sc.Required) > 0 {
			req := sc.Required // in the document's order: the first missing is the first named
			p("\tshape%s.Required = %#v\n", name, req)
		}
		p("\tshape%s.Fields = map[string]*Shape{", name)
		for _, pn := range slicesSorted(sc.Properties) {
			ref := sc.Properties[pn]
			switch {
			case ref.Value.Extensions["x-go-type"] == "tag.Value":
				p("%q: {Value: true}, ", pn)
			case ref.Value.Type.Is("array") && ref.Value.Items.Ref != "" && ref.Value.Items.Value.Type.Is("object"):
				p("%q: {Items: shape%s}, ", pn, refName(ref.Value.Items.Ref))
			case ref.Ref != "" && ref.Value.Type.Is("object"):
				p("%q: shape%s, ", pn, refName(ref.Ref))
			default:
				p("%q: nil, ", pn)
			}
		}
		p("}\n")
	}
	p("}\n\n")
	p("// Operations are every operation of the document, by path.\nvar Operations = []*Operation{")
	for _, o := range m.ops {
		p("%s, ", o.ID)
	}
	p("}\n\n")
	p("// Families are the document's tags (the API's families) and the client's service for each.\nvar Families = []struct{ Name, Service string }{")
	for _, f := range m.families {
		p("{%q, %q}, ", f, m.services[f])
	}
	p("}\n\n")

	p("// PublicErrors are the codes any operation may answer (x-tim-public-errors).\nvar PublicErrors = map[int]ErrorCode{\n")
	for _, e := range m.public {
		p("\t%d: {%d, %q, %q, %q},\n", e.Code, e.Code, e.Class, e.Retry, e.Meaning)
	}
	p("}\n\n")

	p("// Limits the vendor's pages state in prose (x-tim-limits).\nconst (\n")
	for _, l := range m.limits {
		p("\tLimit%s = %d // %s\n", l.Go, l.Value, l.Name)
	}
	p(")\n\n")

	p("// Defaults of request fields the document gives (default).\nconst (\n")
	for _, o := range m.ops {
		req := m.schema(o.Req)
		for _, name := range slicesSorted(req.Properties) {
			if d := req.Properties[name].Value.Default; d != nil {
				p("\tDefault%s%s = %#v\n", o.Req, camel(name), d)
			}
		}
	}
	p(")\n\n")
	p("// Tags are the standard profile and friend tags (x-tim-tags).\nvar Tags = []Tag{\n")
	for _, t := range m.tags {
		enum := "nil"
		if t.Enum != nil {
			enum = fmt.Sprintf("%#v", t.Enum)
		}
		items := "nil"
		if t.Items != "" {
			items = "rule" + t.Items
		}
		p("\t{Name: %q, Family: %q, GoName: %q, Type: %q, Enum: %s, Uint32: %t, MaxBytes: %d, UnixTime: %t, ItemsSchema: %q, Items: %s, Meaning: %q},\n",
			t.Name, t.Family, t.Go, t.Type, enum, t.Uint32, t.MaxBytes, t.UnixTime, t.Items, items, t.Meaning)
	}
	p("}\n\n")

	p("// GroupTypeRenames maps an old group type name to its new one (GroupType x-tim-renamed).\nvar GroupTypeRenames = map[string]string{")
	for _, k := range slicesSorted(m.renamed) {
		p("%q: %q, ", k, m.renamed[k])
	}
	p("}\n\n")

	v := &validators{m: m, b: b, done: map[string]bool{}, rules: map[string]string{}}
	for _, o := range m.ops {
		if err := v.object(o.Req, ""); err != nil {
			return fmt.Errorf("%s: %w", o.ID, err)
		}
		if o.Batch != nil {
			if err := v.object(o.Req, o.Batch.Items); err != nil {
				return fmt.Errorf("%s: %w", o.ID, err)
			}
			items := prop(m.schema(o.Req), o.Batch.Items).Items
			if items.Ref != "" && items.Value.Type.Is("object") {
				if err := v.object(refName(items.Ref), ""); err != nil {
					return err
				}
			} else if err := v.itemFunc(o.Req, o.Batch.Items, items); err != nil {
				return err
			}
		}
	}
	for len(v.pending) > 0 {
		name := v.pending[0]
		v.pending = v.pending[1:]
		if err := v.object(name, ""); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(v.rules))
	for k := range v.rules {
		names = append(names, k)
	}
	sort.Strings(names)
	p("// The rules of the schemas' fields.\nvar (\n")
	for _, n := range names {
		p("\t%s = %s\n", n, v.rules[n])
	}
	p(")\n")
	return nil
}

// validators writes the check functions of request schemas.
type validators struct {
	m       *model
	b       *bytes.Buffer
	done    map[string]bool
	pending []string          // object schemas referred to, still to write
	rules   map[string]string // rule variable → its value
}

// object writes Check<name> (or Check<name>Head, leaving out the field
// skip: the items of a batch, checked one by one). Checks build no path
// unless they find a problem, so a valid value costs no allocation.
func (v *validators) object(name, skip string) error {
	fn := "Check" + name
	if skip != "" {
		fn += "Head"
	}
	if v.done[fn] {
		return nil
	}
	v.done[fn] = true
	s := v.m.schema(name)
	gs, ok := v.m.structs[name]
	if !ok {
		return fmt.Errorf("gen has no struct %s", name)
	}
	p := func(format string, args ...any) { fmt.Fprintf(v.b, format, args...) }
	if skip == "" {
		p("// %s checks x against the schema %s.\n", fn, name)
	} else {
		p("// %s checks x against the schema %s, all but %s (whose items are checked one by one).\n", fn, name, skip)
	}
	p("func %s(x *gen.%s) *Problem {\n", fn, name)
	props := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		props = append(props, k)
	}
	sort.Strings(props)
	if s.MinProps > 0 || s.MaxProps != nil {
		// minProperties and maxProperties count the fields that are
		// sent: set pointers and slices, and every other field. In a
		// Head check the batch's items count as sent.
		p("\tn := 0\n")
		for _, pn := range props {
			f, ok := gs[pn]
			if !ok {
				return fmt.Errorf("gen.%s has no field for %s", name, pn)
			}
			switch {
			case pn == skip:
				p("\tn++ // %s, the batch's items\n", pn)
			case strings.HasPrefix(f.Type, "*") || strings.HasPrefix(f.Type, "[]") || strings.HasPrefix(f.Type, "map["):
				p("\tif x.%s != nil {\n\t\tn++\n\t}\n", f.Name)
			default:
				p("\tn++ // %s\n", pn)
			}
		}
		max := -1
		if s.MaxProps != nil {
			max = int(*s.MaxProps)
		}
		if skip != "" {
			// The caller did not write the items field: the method does.
			p("\tif r := PropertiesReason(n, %d, %d, %q); r != \"\" {\n\t\treturn &Problem{Reason: r + %q}\n\t}\n", s.MinProps, max, strings.Join(props, ", "), " (the method sends "+skip+" itself)")
		} else {
			p("\tif r := PropertiesReason(n, %d, %d, %q); r != \"\" {\n\t\treturn &Problem{Reason: r}\n\t}\n", s.MinProps, max, strings.Join(props, ", "))
		}
	}
	for _, pn := range props {
		if pn == skip {
			continue
		}
		f, ok := gs[pn]
		if !ok {
			return fmt.Errorf("gen.%s has no field for %s", name, pn)
		}
		required := slices.Contains(s.Required, pn)
		code, err := v.value(name+"_"+pn, strconv.Quote(pn), "x."+f.Name, f.Type, s.Properties[pn], required)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", name, pn, err)
		}
		p("%s", code)
	}
	if pair, _ := s.Extensions["x-tim-tag-pair"].(bool); pair {
		// A tag and its value: a standard tag's value is checked against
		// its entry of x-tim-tags.
		if _, ok := gs["Tag"]; !ok {
			return fmt.Errorf("schema %s: x-tim-tag-pair needs the fields Tag and Value", name)
		}
		if _, ok := gs["Value"]; !ok {
			return fmt.Errorf("schema %s: x-tim-tag-pair needs the fields Tag and Value", name)
		}
		p("\tif p := TagProblem(string(x.Tag), x.Value); p != nil {\n\t\treturn p\n\t}\n")
	}
	p("\treturn nil\n}\n\n")
	return nil
}

// itemFunc writes Check<Req>Item for batch items that are not objects
// (strings).
func (v *validators) itemFunc(req, items string, ref *openapi3.SchemaRef) error {
	fn := "Check" + req + "Item"
	if v.done[fn] {
		return nil
	}
	v.done[fn] = true
	code, err := v.value(req+"_"+items+"_item", `""`, "x", "string", ref, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(v.b, "// %s checks one item of %s.%s.\nfunc %s(x string) *Problem {\n%s\treturn nil\n}\n\n", fn, req, items, fn, code)
	return nil
}

// value returns the checks of the Go expression x, of Go type typ, against
// the schema ref. path is a Go expression of the field's path, evaluated
// only when there is a problem.
func (v *validators) value(ruleName, path, x, typ string, ref *openapi3.SchemaRef, required bool) (string, error) {
	var b strings.Builder
	s := ref.Value
	fail := func(reason string) string {
		return fmt.Sprintf("\t\treturn &Problem{Field: %s, Reason: %s}\n", path, reason)
	}
	if strings.HasPrefix(typ, "*") {
		inner, err := v.value(ruleName, path, "(*"+x+")", typ[1:], ref, true)
		if err != nil {
			return "", err
		}
		if required {
			fmt.Fprintf(&b, "\tif %s == nil {\n%s\t}\n", x, fail(`"is missing"`))
		}
		if inner != "" {
			fmt.Fprintf(&b, "\tif %s != nil {\n%s\t}\n", x, inner)
		}
		return b.String(), nil
	}
	if ref.Ref != "" {
		ruleName = refName(ref.Ref)
	}
	base := typ
	for {
		a, ok := v.m.aliases[base]
		if !ok {
			break
		}
		base = a
	}
	switch {
	case base == "tag.Value":
		var kinds []string
		for _, alt := range s.OneOf {
			switch {
			case alt.Value.Type.Is("string"):
				kinds = append(kinds, "tag.KindString")
			case alt.Value.Type.Is("integer"):
				kinds = append(kinds, "tag.KindInt")
			case alt.Value.Type.Is("array"):
				kinds = append(kinds, "tag.KindStrings")
			}
		}
		if len(kinds) == 0 {
			return "", fmt.Errorf("a tag.Value schema needs oneOf string, integer or array")
		}
		fmt.Fprintf(&b, "\tif r := ValueReason(%s, %s); r != \"\" {\n%s\t}\n", x, strings.Join(kinds, ", "), fail("r"))
		// The rules of the string alternative (a byte limit, a pattern)
		// apply to a string value.
		for _, alt := range s.OneOf {
			a := alt.Value
			if !a.Type.Is("string") || (a.MaxLength == nil && a.Pattern == "" && a.MinLength == 0 && a.Extensions["x-tim-max-bytes"] == nil && len(a.Enum) == 0) {
				continue
			}
			inner, err := v.value(ruleName+"_string", path, "vs", "string", alt, true)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "\tif vs, ok := %s.AsString(); ok {\n%s\t}\n", x, inner)
		}
	case s.Type.Is("string"):
		rule := "rule" + ruleName
		max := -1
		if s.MaxLength != nil {
			max = int(*s.MaxLength)
		}
		var maxBytes int
		if err := decodeExt(s.Extensions, "x-tim-max-bytes", &maxBytes, false); err != nil {
			return "", err
		}
		val := fmt.Sprintf("&StringRule{MinLength: %d, MaxLength: %d, MaxBytes: %d", s.MinLength, max, maxBytes)
		if s.Pattern != "" {
			val += fmt.Sprintf(", Pattern: NewRegexp(%q)", s.Pattern)
		}
		if len(s.Enum) > 0 {
			var vals []string
			for _, e := range s.Enum {
				vals = append(vals, strconv.Quote(fmt.Sprint(e)))
			}
			val += ", Enum: []string{" + strings.Join(vals, ", ") + "}"
		}
		val += "}"
		if old, dup := v.rules[rule]; dup && old != val {
			return "", fmt.Errorf("two rules named %s", rule)
		}
		v.rules[rule] = val
		sx := x
		if typ != "string" {
			sx = "string(" + x + ")"
		}
		fmt.Fprintf(&b, "\tif r := %s.Reason(%s); r != \"\" {\n%s\t}\n", rule, sx, fail("r"))
	case s.Type.Is("integer"):
		if s.Min == nil && s.Max == nil {
			return "", nil
		}
		rule := "rule" + ruleName
		val := "&IntRule{"
		if s.Min != nil {
			val += fmt.Sprintf("Min: %d, HasMin: true, ", int64(*s.Min))
		}
		if s.Max != nil {
			val += fmt.Sprintf("Max: %d, HasMax: true", int64(*s.Max))
		}
		val += "}"
		v.rules[rule] = val
		fmt.Fprintf(&b, "\tif r := %s.Reason(int64(%s)); r != \"\" {\n%s\t}\n", rule, x, fail("r"))
	case s.Type.Is("array"):
		if !strings.HasPrefix(base, "[]") {
			return "", fmt.Errorf("an array schema with Go type %s", typ)
		}
		max := -1
		if s.MaxItems != nil {
			max = int(*s.MaxItems)
		}
		guard := ""
		if !required {
			guard = x + " != nil && "
		}
		if s.MinItems > 0 || max >= 0 {
			fmt.Fprintf(&b, "\tif r := ItemsReason(len(%s), %d, %d); %sr != \"\" {\n%s\t}\n", x, s.MinItems, max, guard, fail("r"))
		}
		elem, err := v.value(ruleName+"_item", "Index("+path+", i)", x+"[i]", base[2:], s.Items, true)
		if err != nil {
			return "", err
		}
		if elem != "" {
			fmt.Fprintf(&b, "\tfor i := range %s {\n%s\t}\n", x, elem)
		}
	case s.Type.Is("object"):
		if ref.Ref == "" {
			return "", fmt.Errorf("an inline object schema: make it a component")
		}
		name := refName(ref.Ref)
		if !v.done["Check"+name] {
			v.pending = append(v.pending, name)
		}
		fmt.Fprintf(&b, "\tif p := Check%s(&%s); p != nil {\n\t\treturn p.Under(%s)\n\t}\n", name, x, path)
	case s.Type.Is("boolean"), s.Type.Is("number"):
	default:
		return "", fmt.Errorf("a schema of type %v: not handled", s.Type)
	}
	return b.String(), nil
}
