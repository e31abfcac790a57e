package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest/auth"
)

// defaultTTL is the validity of a generated UserSig unless --ttl says
// otherwise: auth's default, the shortest validity the vendor advises.
const defaultTTL = auth.DefaultTTL

// newUserSigGenCmd returns "usersig gen".
func newUserSigGenCmd(a *app) *cobra.Command {
	var (
		cred credFlags
		ttl  = ttlValue(defaultTTL)
	)
	cmd := &cobra.Command{
		Use:   "gen --sdkappid N --user U [--key K] [--ttl 24h]",
		Short: "Generate a UserSig",
		Long: `Generate a UserSig for --user in the app --sdkappid, signed with the app's
secret key (--key or $` + envSecretKey + `), valid from now for --ttl.

It prints the UserSig and a newline, nothing else. For the REST API, --user
is an app admin account.`,
		Example: `  TIM_SECRET_KEY=... timrest usersig gen --sdkappid 1400000000 --user administrator
  timrest usersig gen --sdkappid 1400000000 --user administrator --ttl 180d`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cred.resolve(a)
			if err != nil {
				return err
			}
			sig, err := auth.GenUserSigAt(c.sdkAppID, c.key, c.user, time.Duration(ttl), a.now())
			if err != nil {
				return fmt.Errorf("cannot generate UserSig: %w", err)
			}
			_, err = fmt.Fprintln(a.stdout, sig)
			return err
		},
	}
	fs := cmd.Flags()
	cred.register(fs, "the UserID to sign for")
	fs.Var(&ttl, "ttl", `validity period: a Go duration such as "24h" or "90m", or days such as "180d"`)
	return cmd
}
