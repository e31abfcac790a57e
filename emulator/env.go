package emulator

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/internal/contract"
)

// env is what the emulator derives from openapi/, once per process.
type env struct {
	contract   *contract.Contract
	validator  *contract.Validator
	limits     docLimits
	ops        map[string]opCodes
	itemSchema *openapi3.Schema // AddFriendItem
}

var (
	envOnce sync.Once
	envVal  *env
	envErr  error
)

func loadEnv() (*env, error) {
	envOnce.Do(func() { envVal, envErr = newEnv() })
	return envVal, envErr
}

func newEnv() (*env, error) {
	c, err := contract.Load()
	if err != nil {
		return nil, err
	}
	v, err := c.NewValidator()
	if err != nil {
		return nil, err
	}
	l, err := loadLimits(c)
	if err != nil {
		return nil, err
	}
	ops, err := loadOpCodes(c)
	if err != nil {
		return nil, err
	}
	item := c.Doc.Components.Schemas["AddFriendItem"]
	if item == nil || item.Value == nil {
		return nil, errors.New("emulator: schema AddFriendItem missing from the document")
	}
	return &env{contract: c, validator: v, limits: l, ops: ops, itemSchema: item.Value}, nil
}

// schemaErrorText describes a kin-openapi validation error briefly, as
// "/pointer: reason" per problem, without quoting values (they may be
// long).
func schemaErrorText(err error) string {
	leaves, _ := schemaErrors(err)
	parts := make([]string, 0, len(leaves))
	for _, se := range leaves {
		parts = append(parts, schemaErrorLine(se))
	}
	if len(parts) == 0 {
		return "invalid request body"
	}
	return strings.Join(parts, "; ")
}

func schemaErrorLine(se *openapi3.SchemaError) string {
	return fmt.Sprintf("/%s: %s", strings.Join(se.JSONPointer(), "/"), se.Reason)
}

// schemaErrors flattens err into its leaf schema errors. A oneOf failure
// counts as one error at its own pointer (its alternatives are not
// listed). all is false when some leaf is not a schema error.
func schemaErrors(err error) (leaves []*openapi3.SchemaError, all bool) {
	all = true
	var walk func(error)
	walk = func(err error) {
		switch v := err.(type) {
		case openapi3.MultiError:
			for _, e := range v {
				walk(e)
			}
			return
		case *openapi3.SchemaError:
			leaves = append(leaves, v)
			return
		}
		if u := errors.Unwrap(err); u != nil {
			walk(u)
			return
		}
		all = false
	}
	walk(err)
	return leaves, all
}
