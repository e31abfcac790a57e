package main

import "github.com/spf13/cobra"

// writeCommands returns the write subcommands of the group named group
// ("accounts", "profiles", "friends", "blocklist", "lists"). Each is a
// writeKind run by the engine (write_kind.go); "friends import" is
// registered in friends.go.
func writeCommands(a *app, group string) []*cobra.Command {
	switch group {
	case "accounts":
		return []*cobra.Command{newAccountsImportCmd(a), newAccountsDeleteCmd(a)}
	case "profiles":
		return []*cobra.Command{newProfilesSetCmd(a)}
	case "friends":
		return []*cobra.Command{newFriendsAddCmd(a), newFriendsUpdateCmd(a), newFriendsDeleteCmd(a)}
	case "blocklist":
		return []*cobra.Command{newBlocklistImportCmd(a)}
	case "lists":
		return []*cobra.Command{newListsAddCmd(a), newListsDeleteCmd(a)}
	}
	return nil
}
