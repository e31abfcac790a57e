package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"reflect"
	"strings"
)

// goField is a field of a struct type that oapi-codegen wrote.
type goField struct {
	Name string // Go name
	Type string // Go type, as written in gen (e.g. *string, []AddFriendItem, UserID)
}

// goStruct maps JSON names to the fields of a generated struct.
type goStruct map[string]goField

// goTypes reads the struct types (and type aliases) of the Go file path.
func goTypes(path string) (structs map[string]goStruct, aliases map[string]string, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	structs, aliases = map[string]goStruct{}, map[string]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			// Aliases (type UserID = string) and defined types over a
			// named type (type GroupType string): both resolve to it.
			if id, ok := ts.Type.(*ast.Ident); ok {
				aliases[ts.Name.Name] = id.Name
			}
			if sel, ok := ts.Type.(*ast.SelectorExpr); ok {
				aliases[ts.Name.Name] = expr(fset, sel)
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			fields := goStruct{}
			for _, fl := range st.Fields.List {
				if fl.Tag == nil || len(fl.Names) != 1 {
					continue
				}
				tag := reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("json")
				name, _, _ := strings.Cut(tag, ",")
				if name == "" || name == "-" {
					continue
				}
				fields[name] = goField{Name: fl.Names[0].Name, Type: expr(fset, fl.Type)}
			}
			structs[ts.Name.Name] = fields
		}
	}
	if len(structs) == 0 {
		return nil, nil, fmt.Errorf("%s has no struct types", path)
	}
	return structs, aliases, nil
}

func expr(fset *token.FileSet, e ast.Expr) string {
	var b strings.Builder
	printer.Fprint(&b, fset, e)
	return b.String()
}
