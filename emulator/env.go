package emulator

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/timrest/timrest/gen"
	"github.com/timrest/timrest/internal/contract"
)

// env is what the emulator derives from openapi/, once per process.
type env struct {
	contract   *contract.Contract
	validator  *contract.Validator
	limits     docLimits
	ops        map[string]opCodes
	itemSchema *openapi3.Schema // AddFriendItem

	// groupTypes are the GroupType enum's values, in document order.
	groupTypes []gen.GroupType
	// renames maps an old group type name to its new one (GroupType's
	// x-tim-renamed).
	renames map[gen.GroupType]gen.GroupType
	// customSuffix is what may follow the prefix of a custom tag
	// (CustomFriendItem.Tag's pattern without its Tag_SNS_Custom_).
	customSuffix *regexp.Regexp
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
	e := &env{contract: c, validator: v, limits: l, ops: ops, itemSchema: item.Value}
	if e.groupTypes, e.renames, err = loadGroupTypes(c); err != nil {
		return nil, err
	}
	if e.customSuffix, err = loadCustomSuffix(c); err != nil {
		return nil, err
	}
	return e, nil
}

// loadGroupTypes reads the GroupType enum and its x-tim-renamed.
func loadGroupTypes(c *contract.Contract) ([]gen.GroupType, map[gen.GroupType]gen.GroupType, error) {
	gt := c.Doc.Components.Schemas["GroupType"]
	if gt == nil || gt.Value == nil || len(gt.Value.Enum) == 0 {
		return nil, nil, errors.New("emulator: schema GroupType (an enum) missing from the document")
	}
	var types []gen.GroupType
	for _, v := range gt.Value.Enum {
		s, ok := v.(string)
		if !ok || !gen.GroupType(s).Valid() {
			return nil, nil, fmt.Errorf("emulator: GroupType enum value %v is not a generated gen.GroupType", v)
		}
		types = append(types, gen.GroupType(s))
	}
	renames := make(map[gen.GroupType]gen.GroupType, len(c.GroupTypeRenames))
	for from, to := range c.GroupTypeRenames {
		renames[gen.GroupType(from)] = gen.GroupType(to)
	}
	return types, renames, nil
}

// loadCustomSuffix derives the rule for a custom tag's name after its
// prefix from CustomFriendItem.Tag's pattern, "^Tag_SNS_Custom_" followed
// by the suffix's rule. Custom profile tags (Tag_Profile_Custom_) follow
// the same rule.
func loadCustomSuffix(c *contract.Contract) (*regexp.Regexp, error) {
	const where = "emulator: CustomFriendItem.Tag"
	item := c.Doc.Components.Schemas["CustomFriendItem"]
	if item == nil || item.Value == nil {
		return nil, errors.New("emulator: schema CustomFriendItem missing from the document")
	}
	tagProp := item.Value.Properties["Tag"]
	if tagProp == nil || tagProp.Value == nil || tagProp.Value.Pattern == "" {
		return nil, fmt.Errorf("%s has no pattern", where)
	}
	rest, ok := strings.CutPrefix(tagProp.Value.Pattern, "^"+prefixSNSCustom)
	if !ok {
		return nil, fmt.Errorf("%s: pattern %q does not start with ^%s", where, tagProp.Value.Pattern, prefixSNSCustom)
	}
	re, err := regexp.Compile("^" + rest)
	if err != nil {
		return nil, fmt.Errorf("%s: pattern: %w", where, err)
	}
	return re, nil
}

// canonicalType maps a group type to its current name (x-tim-renamed), so
// that a filter matches groups stored under the old or the new name
// alike.
func (env *env) canonicalType(t gen.GroupType) gen.GroupType {
	if to, ok := env.renames[t]; ok {
		return to
	}
	return t
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
