package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Rows of Terraform core's own cost (issue 14): a no-change plan of one
// resource with N users through floorprovider, which does no work. It is the
// floor under any provider's plan of the set, whatever the provider does.

// floorShapes are the users attributes measured: the shipped nested map, and
// the cheapest map Terraform has.
var floorShapes = []string{"nested", "map-string"}

type floorRow struct {
	n       int
	shape   string
	wall    time.Duration
	peakRSS int64 // kB, the terraform process
}

// floorFiles writes the configuration and a state that matches it.
func floorFiles(dir, shape string, n int) error {
	users := make(map[string]any, n)
	var cfg strings.Builder
	cfg.WriteString("terraform {\n  required_providers {\n    floor = { source = \"hashicorp/floor\" }\n  }\n}\n\n" +
		"resource \"floor_set\" \"all\" {\n  users = {\n")
	for i := 0; i < n; i++ {
		login := fmt.Sprintf("user%05d@example.com", i)
		if shape == "map-string" {
			users[login] = "Member"
			fmt.Fprintf(&cfg, "    %q = \"Member\"\n", login)
			continue
		}
		users[login] = map[string]any{"org_role": "Member", "user_id": userID(i), "status": nil, "sync_state": nil}
		fmt.Fprintf(&cfg, "    %q = {}\n", login)
	}
	cfg.WriteString("  }\n}\n")
	state := map[string]any{"version": 4, "terraform_version": "1.5.7", "serial": 1,
		"lineage": "00000000-0000-4000-8000-000000000000", "outputs": map[string]any{},
		"resources": []any{map[string]any{"mode": "managed", "type": "floor_set", "name": "all",
			"provider": `provider["registry.terraform.io/hashicorp/floor"]`,
			"instances": []any{map[string]any{"schema_version": 0, "sensitive_attributes": []any{},
				"attributes": map[string]any{"id": "set", "users": users}}}}}}
	data, err := json.Marshal(state)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg.String()), 0o644)
}

// measureFloor builds floorprovider and plans each shape at n.
func measureFloor(o options, n int, work string) ([]floorRow, error) {
	plugins := filepath.Join(work, "floor-plugins")
	build := exec.CommandContext(o.ctx, "go", "build", "-o", filepath.Join(plugins, "terraform-provider-floor"), "./internal/bench/cmd/floorprovider")
	build.Dir, build.Stdout, build.Stderr = o.root, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return nil, err
	}
	tfrc := filepath.Join(work, "floor.tfrc")
	if err := os.WriteFile(tfrc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"hashicorp/floor\" = %q\n  }\n  direct {}\n}\n", plugins)), 0o644); err != nil {
		return nil, err
	}
	var rows []floorRow
	for _, shape := range floorShapes {
		fmt.Printf("==> Terraform core alone: no-change plan of one resource with %d users (%s)\n", n, shape)
		dir := filepath.Join(work, fmt.Sprintf("floor-%s-%d", shape, n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := floorFiles(dir, shape, n); err != nil {
			return nil, err
		}
		env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+tfrc, "FLOOR_SHAPE="+shape, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		mem := watchMemory(o.terraform)
		start := time.Now()
		code, err := terraform(o, dir, env, "plan", "-input=false", "-lock=false", "-detailed-exitcode")
		r := floorRow{n: n, shape: shape, wall: time.Since(start), peakRSS: mem()}
		if err != nil {
			return nil, err
		}
		if code != 0 {
			return nil, fmt.Errorf("floor plan is not empty (exit code %d): see %s", code, filepath.Join(dir, "terraform.log"))
		}
		fmt.Printf("    %s, terraform peak %.1f MB\n", r.wall.Round(100*time.Millisecond), float64(r.peakRSS)/1024)
		rows = append(rows, r)
	}
	return rows, nil
}

func printFloorReport(w io.Writer, rows []row, floors []floorRow) {
	if len(floors) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTerraform core alone (floorprovider returns what it is sent): no-change plan of one resource of N users\n")
	table := [][]string{{"N", "users attribute", "wall", "terraform peak"}}
	for _, f := range floors {
		table = append(table, []string{fmt.Sprint(f.n), f.shape, fmtDuration(f.wall), fmt.Sprintf("%.1f MB", float64(f.peakRSS)/1024)})
	}
	printTable(w, table)
	for i := range rows {
		if rows[i].mode == "shared" && rows[i].n == targetSizeBase {
			fmt.Fprintf(w, "the plan of %d single resources of the same run: %s\n", targetSizeBase, fmtDuration(rows[i].wall))
		}
	}
}
