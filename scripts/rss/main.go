// Command rss writes the inputs of the memory measurement of "timrest
// friends import" (scripts/rss/rss.sh): a friends CSV file of -n
// records and the emulator seed that holds its accounts. Record i is a
// function of i alone, and the file is written through a buffer, so
// writing ten million records takes the memory of writing ten.
//
// The records belong to -per records per From_Account (the service takes
// at most 3000 friends per account), the From_Accounts u00000000 upwards,
// each naming the -per accounts after it in the pool (modulo its size),
// so no pair appears twice and no account names itself. With -order
// interleaved (the default) record i belongs to From_Account i mod
// (n/per), so every account's records are spread over the whole file,
// the hardest case for an importer that groups records by account; with
// -order grouped, each account's records are together.
//
// Usage:
//
//	go run ./scripts/rss -n 1000000 -dir /tmp/rss [-per 1000] [-order interleaved|grouped] [-columns full|basic]
//
// It writes DIR/friends-N.csv and DIR/seed-N.json and prints their paths.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "rss:", err)
		os.Exit(1)
	}
}

func run() error {
	n := flag.Int("n", 1_000_000, "how many records")
	per := flag.Int("per", 1000, "records per From_Account (at most 3000)")
	dir := flag.String("dir", ".", "the directory to write to")
	order := flag.String("order", "interleaved", "interleaved (each account's records spread over the file) or grouped")
	columns := flag.String("columns", "full", "full (every column of the friends format: RemarkTime and custom tags too) or basic (From_Account, To_Account, AddSource, Remark, GroupName, AddWording, AddTime)")
	flag.Parse()
	switch {
	case *n < 1:
		return fmt.Errorf("-n %d: want 1 or more", *n)
	case *per < 1 || *per > 3000:
		return fmt.Errorf("-per %d: want 1 to 3000", *per)
	case *order != "interleaved" && *order != "grouped":
		return fmt.Errorf("-order %q: want interleaved or grouped", *order)
	case *columns != "full" && *columns != "basic":
		return fmt.Errorf("-columns %q: want full or basic", *columns)
	}
	froms := (*n + *per - 1) / *per
	pool := max(froms, *per+1)
	csvPath := filepath.Join(*dir, fmt.Sprintf("friends-%d.csv", *n))
	if err := writeCSV(csvPath, *n, *per, froms, pool, *order == "interleaved", *columns == "full"); err != nil {
		return err
	}
	seedPath := filepath.Join(*dir, fmt.Sprintf("seed-%d.json", *n))
	if err := writeSeed(seedPath, pool); err != nil {
		return err
	}
	fmt.Println(csvPath)
	fmt.Println(seedPath)
	return nil
}

// userID is the UserID of the account k of the pool.
func userID(k int) string { return fmt.Sprintf("u%08d", k) }

// writeCSV writes the n records at path.
func writeCSV(path string, n, per, froms, pool int, interleaved, full bool) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<16)
	w := csv.NewWriter(bw)
	header := []string{"From_Account", "To_Account", "AddSource", "Remark", "GroupName", "AddWording", "AddTime"}
	if full {
		header = append(header, "RemarkTime", "Tag_SNS_Custom_Rank", "Tag_SNS_Custom_Note")
	}
	if err := w.Write(header); err != nil {
		return err
	}
	lists := []string{"", "Family", "Work", "Work;Old School"}
	row := make([]string, len(header))
	for i := range n {
		from, k := i/per, i%per
		if interleaved {
			from, k = i%froms, i/froms
		}
		row[0] = userID(from)
		row[1] = userID((from + 1 + k) % pool)
		row[2] = "AddSource_Type_Import"
		row[3] = ""
		if i%3 == 0 {
			row[3] = "friend, " + strconv.Itoa(i)
		}
		row[4] = lists[i%len(lists)]
		row[5] = ""
		if i%5 == 0 {
			row[5] = "hi, it's " + strconv.Itoa(i)
		}
		row[6] = strconv.Itoa(1_600_000_000 + i%100_000_000)
		if full {
			row[7] = ""
			if row[3] != "" {
				row[7] = strconv.Itoa(1_650_000_000 + i%100_000_000)
			}
			row[8] = strconv.Itoa(i % 1000)
			row[9] = ""
			if i%4 == 0 {
				row[9] = "note " + strconv.Itoa(i)
			}
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// writeSeed writes an emulator seed with the pool's accounts at path.
func writeSeed(path string, pool int) error {
	type account struct {
		UserID string `json:"UserID"`
	}
	seed := struct {
		Accounts []account `json:"Accounts"`
	}{}
	for k := range pool {
		seed.Accounts = append(seed.Accounts, account{userID(k)})
	}
	b, err := json.Marshal(seed)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
