package main

import "github.com/spf13/cobra"

// readCommands returns the read-only subcommands of the group named group
// ("accounts", "profiles", "friends", "blocklist", "lists").
func readCommands(a *app, group string) []*cobra.Command {
	switch group {
	case "accounts":
		return []*cobra.Command{newAccountsCheckCmd(a)}
	case "profiles":
		return []*cobra.Command{newProfilesGetCmd(a)}
	case "friends":
		return []*cobra.Command{newFriendsExportCmd(a), newFriendsVerifyCmd(a), newFriendsCheckCmd(a)}
	case "blocklist":
		return []*cobra.Command{newBlocklistExportCmd(a), newBlocklistCheckCmd(a)}
	case "lists":
		return []*cobra.Command{newListsExportCmd(a)}
	}
	return nil
}
