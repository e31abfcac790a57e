package main

import "github.com/spf13/cobra"

// The migration command groups. Each group's subcommands come from
// writeCommands (cmds_write.go: the commands that send writes, with
// journals) and readCommands (cmds_read.go: the commands that only read).

// newAccountsCmd returns the "accounts" group.
func newAccountsCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("accounts", "Import, check and delete accounts",
		`Import accounts (UserID, nickname, avatar) in bulk, check which exist, and
delete them.`)
	cmd.AddCommand(writeCommands(a, "accounts")...)
	cmd.AddCommand(readCommands(a, "accounts")...)
	return cmd
}

// newProfilesCmd returns the "profiles" group.
func newProfilesCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("profiles", "Set and read profiles",
		`Set profile tags of many accounts from a file, and read them back.`)
	cmd.AddCommand(writeCommands(a, "profiles")...)
	cmd.AddCommand(readCommands(a, "profiles")...)
	return cmd
}

// newBlocklistCmd returns the "blocklist" group.
func newBlocklistCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("blocklist", "Import, export and check blocklists",
		`Import blocklists in bulk, export them in the format import reads, and
check whom an account blocks.`)
	cmd.AddCommand(writeCommands(a, "blocklist")...)
	cmd.AddCommand(readCommands(a, "blocklist")...)
	return cmd
}

// newListsCmd returns the "lists" group.
func newListsCmd(a *app) *cobra.Command {
	cmd := newGroupCmd("lists", "Add, delete and export friend lists",
		`Add friend lists (with members) and delete them, in bulk, and export them
in the format lists add reads.`)
	cmd.AddCommand(writeCommands(a, "lists")...)
	cmd.AddCommand(readCommands(a, "lists")...)
	return cmd
}
