package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// The access review row: `terraform plan` of a configuration holding only
// data "statsigokta_access_review", against the same organisation. Its
// floor is one call per page of every list the review reads; the issue's
// target is that the review costs no more than that (plus the app check).

const (
	pageGroupMembers = 200
	pageGroupsFilter = 50 // ids per filtered listing of the pushed groups (reads.go)
	pageGroups       = 200
	pageSCIM         = 100
)

// reviewSetup writes the review's configuration into its own directory and
// returns it with the review's lower bound and Statsig SCIM floor.
func (o *org) reviewSetup(dir string, base row) (string, row, error) {
	reviewDir := filepath.Join(dir, "review")
	if err := os.MkdirAll(reviewDir, 0o755); err != nil {
		return "", row{}, err
	}
	config := `terraform {
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}

data "statsigokta_access_review" "all" {}
`
	if err := os.WriteFile(filepath.Join(reviewDir, "main.tf"), []byte(config), 0o644); err != nil {
		return "", row{}, err
	}
	r := base
	members := 0
	for _, g := range o.fixture.Groups { // assigned and pushed groups, each listed once
		members += ceilDiv(max(len(g.Members), 1), pageGroupMembers)
	}
	roleGroups := len(o.fixture.Projects) * o.roleGroupsPerProj
	r.lowerBound = base.lowerBound + members + ceilDiv(len(o.pushSources), pageGroupsFilter) + ceilDiv(roleGroups, pageGroups)
	r.scimFloor = ceilDiv(base.appUsers, pageSCIM)
	return reviewDir, r, nil
}

// reviewTargets: the review's Okta calls stay within its floor (plus the
// app check), and its SCIM calls are one per page.
func reviewTargets(rows []row) []target {
	var out []target
	for _, r := range rows {
		if r.mode != "review" {
			continue
		}
		out = append(out, target{fmt.Sprintf("N=%d: access review Okta calls %d <= %d pages + 1 app check, SCIM calls %d = %d pages",
			r.n, r.oktaCalls(), r.lowerBound, r.statsigScim, r.scimFloor),
			r.oktaCalls() <= r.lowerBound+1 && r.statsigScim == r.scimFloor})
	}
	return out
}
