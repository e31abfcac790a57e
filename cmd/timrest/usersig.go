package main

import (
	"github.com/spf13/cobra"
)

// newUserSigCmd returns the "usersig" group: generate and check UserSigs.
func newUserSigCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("usersig", "Generate and verify UserSigs",
		`Generate and verify UserSigs (TLS sig v2), the signatures that authenticate
REST API calls.

The secret key is read from --key or, when --key is absent, from the
environment variable `+envSecretKey+`. Prefer the variable: command lines are
visible to other users of the machine. The key is never printed.`)
	cmd.AddCommand(
		newUserSigGenCmd(a),
		newUserSigVerifyCmd(a),
	)
	return cmd
}
