// Command statsig-report prints who is active in the sandbox's Statsig, with
// their organisation role and project roles, for make demo.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func main() {
	url := flag.String("url", "", "Statsig base URL of a running sandbox")
	flag.Parse()
	if *url == "" {
		log.Fatal("-url is required")
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, strings.TrimRight(*url, "/")+"/_sandbox/statsig-users", nil)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Fatalf("sandbox answered %s", resp.Status)
	}
	var users []sandbox.StatsigUser
	if err := json.NewDecoder(resp.Body).Decode(&users); err != nil {
		log.Fatal(err)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].UserName < users[j].UserName })

	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "    USER\tACTIVE\tORG ROLE\tPROJECT ROLES")
	active := 0
	for _, u := range users {
		if u.Active {
			active++
		}
		fmt.Fprintf(w, "    %s\t%v\t%s\t%s\n", u.UserName, u.Active, orDash(u.OrgRole), roles(u))
	}
	w.Flush()
	fmt.Printf("    %d of %d Statsig users active\n", active, len(users))
}

func roles(u sandbox.StatsigUser) string {
	var parts []string
	for project, role := range u.ProjectRoles {
		parts = append(parts, project+": "+role)
	}
	for team, role := range u.TeamRoles {
		parts = append(parts, team+": "+role)
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
