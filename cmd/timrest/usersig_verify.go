package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest/auth"
)

// maxSigInput caps what "--sig -" reads from stdin. Real UserSigs are a
// few hundred bytes; auth rejects anything over 64 KiB anyway.
const maxSigInput = 64<<10 + 1

// newUserSigVerifyCmd returns "usersig verify".
func newUserSigVerifyCmd(a *app) *cobra.Command {
	var (
		cred credFlags
		sig  string
		now  string
	)
	cmd := &cobra.Command{
		Use:   "verify --sdkappid N --user U --sig S [--key K] [--now T]",
		Short: "Check a UserSig",
		Long: `Check that --sig is a valid UserSig for --user in the app --sdkappid, signed
with the app's secret key (--key or $` + envSecretKey + `), at the time --now
(default: the current time).

A valid UserSig exits 0 and prints "valid; expires <time>" (RFC 3339, UTC) on
stdout. Otherwise it exits 1 with the reason on stderr: expired, wrong
SDKAppID, wrong user, bad signature (wrong key, or the UserSig was altered)
or malformed. --sig - reads the UserSig from stdin.`,
		Example: `  timrest usersig gen --sdkappid 1400000000 --user administrator |
    timrest usersig verify --sdkappid 1400000000 --user administrator --sig -`,
		Args:                  noArgs,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := cred.resolve(a)
			if err != nil {
				return err
			}
			at := a.now()
			if cmd.Flags().Changed("now") {
				if at, err = time.Parse(time.RFC3339, strings.TrimSpace(now)); err != nil {
					return usageErrorf("invalid --now %q: want an RFC 3339 time such as 2006-01-02T15:04:05Z", now)
				}
			}
			userSig, err := readSig(a, sig)
			if err != nil {
				return err
			}
			claims, err := auth.VerifyUserSig(userSig, c.sdkAppID, c.key, c.user, at)
			if err != nil {
				return verifyError(err)
			}
			_, err = fmt.Fprintf(a.stdout, "valid; expires %s\n", claims.ExpiresAt().UTC().Format(time.RFC3339))
			return err
		},
	}
	fs := cmd.Flags()
	cred.register(fs, "the UserID the UserSig must be for")
	fs.StringVar(&sig, "sig", "", `the UserSig to check, or "-" to read it from stdin (required)`)
	fs.StringVar(&now, "now", "", "check at this RFC 3339 time instead of the current time")
	return cmd
}

// readSig returns the UserSig given by --sig, reading stdin for "-". It
// never repeats the UserSig in an error.
func readSig(a *app, flag string) (string, error) {
	s := strings.TrimSpace(flag)
	if s == "-" {
		b, err := io.ReadAll(io.LimitReader(a.stdin, maxSigInput))
		if err != nil {
			return "", fmt.Errorf("cannot read the UserSig from stdin: %w", err)
		}
		s = strings.TrimSpace(string(b))
		if s == "" {
			return "", usageErrorf("--sig -: stdin is empty")
		}
		return s, nil
	}
	if s == "" {
		return "", usageErrorf("missing --sig")
	}
	return s, nil
}

// verifyReasons names each way a UserSig can be invalid.
var verifyReasons = []struct {
	err    error
	reason string
}{
	{auth.ErrExpired, "expired"},
	{auth.ErrSDKAppIDMismatch, "wrong SDKAppID"},
	{auth.ErrIdentifierMismatch, "wrong user"},
	{auth.ErrBadSignature, "bad signature (wrong key, or the UserSig was altered)"},
	{auth.ErrMalformed, "malformed"},
}

// verifyError turns an error of auth.VerifyUserSig into the message the
// command prints: "invalid UserSig: <reason> (<detail>)". auth's details
// never contain the key or the UserSig.
func verifyError(err error) error {
	for _, r := range verifyReasons {
		if !errors.Is(err, r.err) {
			continue
		}
		detail := strings.TrimPrefix(err.Error(), r.err.Error())
		detail = strings.TrimPrefix(detail, ": ")
		switch {
		case detail == "":
			return fmt.Errorf("invalid UserSig: %s", r.reason)
		case strings.HasPrefix(detail, r.reason):
			return fmt.Errorf("invalid UserSig: %s", detail)
		default:
			return fmt.Errorf("invalid UserSig: %s (%s)", r.reason, detail)
		}
	}
	return fmt.Errorf("cannot verify UserSig: %w", err)
}
