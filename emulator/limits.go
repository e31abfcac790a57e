package emulator

import "github.com/timrest/timrest/internal/spec"

// The emulator's own limits. The API's limits come from internal/spec:
// the byte lengths of strings through its check functions, the limits
// the vendor states in prose as spec.Limit* constants.
const (
	// maxBody caps the request body the emulator reads. A full
	// friend_import (1000 items with every field at its maximum) is
	// well under 2 MiB.
	maxBody = 8 << 20

	// defaultGroupPage is the Limit of a get_appid_group_list request
	// without one: the schema's default.
	defaultGroupPage = spec.DefaultListGroupIDsRequestLimit
)
