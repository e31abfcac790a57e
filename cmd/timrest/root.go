package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/timrest/timrest"
	"github.com/timrest/timrest/internal/redact"
)

// Exit statuses of the timrest command.
const (
	exitOK      = 0 // success; also for --help
	exitFailure = 1 // the command ran and failed: an invalid UserSig, an API error, ...
	exitUsage   = 2 // bad command line: unknown command or flag, bad or missing flag value
)

// Environment variables the commands read (through app.getenv only).
const envSecretKey = "TIM_SECRET_KEY"

// app is what every command may use from the outside world. Commands
// never touch os.Stdin/Stdout/Stderr, os.Getenv, os.Exit or time.Now
// directly, so that they can be run and tested in-process.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	now    func() time.Time

	// isTerminal reports whether w (stdout or stderr) is a terminal:
	// table output and the progress bar are for terminals. nil: never.
	isTerminal func(w io.Writer) bool
	// clientOpts are added to the options of every timrest.Client the
	// commands make (the tests turn the client's rate limit off).
	clientOpts []timrest.Option
	// global holds the root's persistent flags (config.go).
	global globalFlags
	// secrets are removed from every error line: the secret key, once a
	// command has resolved it.
	secrets []string
}

// usageError is an error in the command line. execute exits with
// exitUsage for it and exitFailure for any other error.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf returns a *usageError with a formatted message.
func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// execute runs args and returns the exit status. Errors are printed here,
// as one line on stderr prefixed with the command's path; commands return
// them and print nothing themselves.
func (a *app) execute(ctx context.Context, args []string) int {
	root := newRootCmd(a)
	if args == nil {
		args = []string{} // cobra would read os.Args for nil
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	path := root.Name()
	if cmd != nil {
		path = cmd.CommandPath()
	}
	// redact.Error: a *url.Error from an HTTP call carries the UserSig in
	// its URL's query.
	fmt.Fprintf(a.stderr, "%s: %s\n", path, oneLine(redact.Error(err, a.secrets...).Error()))
	if _, ok := errors.AsType[*usageError](err); ok {
		return exitUsage
	}
	return exitFailure
}

var (
	shorthandIn = regexp.MustCompile(` in -\S+`)
	invalidArg  = regexp.MustCompile(`invalid argument ".*?" for`)
)

// quietFlagError removes from pflag's messages the text typed on the
// command line ("unknown shorthand flag: 'k' in -kSECRET", "invalid
// argument "SECRET" for "--sdkappid" flag"), which could be a key typed in
// the wrong place; the flag's name stays.
func quietFlagError(msg string) string {
	msg = shorthandIn.ReplaceAllString(msg, "")
	return invalidArg.ReplaceAllString(msg, "invalid value for")
}

// oneLine keeps an error message on one line, with the control
// characters of texts from the input or the service escaped (safeText).
func oneLine(s string) string {
	return safeText(strings.ReplaceAll(strings.TrimSpace(s), "\n", "; "))
}

// newRootCmd returns the timrest command with all its subcommands. To add
// a subcommand, write a newXxxCmd(a *app) *cobra.Command in its own file
// and add it to the AddCommand call below (or to its parent group).
func newRootCmd(a *app) *cobra.Command {
	root := newGroupCmd("timrest", "Tencent Cloud IM server REST API tool",
		`timrest works with the Tencent Cloud IM (Chat) server REST API.

The API commands (accounts, profiles, friends, blocklist, lists, groups, call)
take the global flags below, each with an
environment variable: --sdkappid ($TIM_SDKAPPID), --key ($TIM_SECRET_KEY),
--admin ($TIM_ADMIN, default administrator), --region ($TIM_REGION, e.g. sgp)
or --base-url ($TIM_BASE_URL), --output json|table ($TIM_OUTPUT; table on
a terminal, json otherwise), and --limiter ($TIM_LIMITER):
redis://[:password@]host:port/db or rediss://..., to share the app's call
budget with the other processes that name the same Redis. A flag wins over
its variable.

Exit status: 0 on success, 1 when the command failed (for example an invalid
UserSig, an error from the service, items that were not imported), 2 for a
bad command line or configuration (unknown command, bad or missing flag or
variable, bad input file).`)
	root.SilenceUsage = true
	root.SilenceErrors = true
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{errors.New(quietFlagError(err.Error()))}
	})
	root.CompletionOptions.HiddenDefaultCmd = true
	a.global.register(root.PersistentFlags())

	root.AddCommand(
		newAccountsCmd(a),
		newProfilesCmd(a),
		newFriendsCmd(a),
		newBlocklistCmd(a),
		newListsCmd(a),
		newGroupsCmd(a),
		newCallCmd(a),
		newUserSigCmd(a),
		newEmulatorCmd(a),
		newDemoCmd(a),
	)
	return root
}

// newGroupCmd returns a command that only groups subcommands: without
// arguments it prints its help, and an unknown subcommand is a usage
// error. Add the subcommands with AddCommand.
func newGroupCmd(use, short, long string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Long:  long,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			var names []string
			for _, c := range cmd.Commands() {
				if c.IsAvailableCommand() {
					names = append(names, c.Name())
				}
			}
			// The argument is not repeated: it could be a secret typed
			// in the wrong place.
			return usageErrorf("unknown command (available: %s)", strings.Join(names, ", "))
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
}

// noArgs is the Args of a leaf command that takes no positional
// arguments. Unlike cobra.NoArgs it does not repeat the argument, which
// could be a secret typed in the wrong place.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unexpected argument(s): this command takes flags only")
	}
	return nil
}
