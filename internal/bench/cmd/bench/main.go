// Command bench measures what `terraform plan` costs in Okta calls, time and
// provider memory for an organisation of N user assignments (plus N/25 group
// push links and N/100 group assignments), with the provider's shared reads
// on and, as the baseline, off. `make bench` runs it:
//
//	go run ./internal/bench/cmd/bench [-sizes 100,1000,5000] [-baseline 100,1000]
//
// For each N it starts the standalone sandbox (Okta + Statsig emulator) with
// 50 ms latency per request and the /api/v1/apps/* bucket at 100 calls a
// minute, pre-seeded with the assignments, adopts them into Terraform state
// with import blocks (bucket raised for that apply), then times
// `terraform plan` against the real bucket, counting the calls the sandbox
// records, the 429s, and the provider process's peak memory (VmHWM).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	ctx             context.Context // canceled on SIGINT/SIGTERM
	sizes           []int
	setSizes        []int // rows of statsigokta_user_assignments (set.go)
	floorSizes      []int // rows of Terraform core alone (floor.go)
	baseline        map[int]bool
	pacedBaseline   map[int]bool
	latency         time.Duration
	appsRate        int
	terraform       string
	root            string
	keep            bool
	parallelism     int
	headroomPercent int
	// apply and destroy rows (apply.go)
	applySizes        []int
	provisioningDelay time.Duration
}

func main() {
	var o options
	sizes := flag.String("sizes", "100,1000,5000", "numbers of user assignments N to measure")
	setSizes := flag.String("set-sizes", "", "numbers of users N of one statsigokta_user_assignments to measure (set.go), e.g. 5000,50000")
	floorSizes := flag.String("floor-sizes", "", "numbers of users N of a no-change plan through floorprovider, Terraform core's own cost (floor.go), e.g. 5000,50000")
	baseline := flag.String("baseline", "100,1000", "sizes at which to also run the baseline (shared_reads = false)")
	paced := flag.String("paced-baseline", "100", "baseline sizes run against the real apps bucket (the others raise it and only count calls)")
	flag.DurationVar(&o.latency, "latency", 50*time.Millisecond, "sandbox latency per request")
	flag.IntVar(&o.appsRate, "apps-rate-limit", 100, "calls a minute of the /api/v1/apps/* bucket during the measured plans")
	flag.StringVar(&o.terraform, "terraform", "bin/terraform", "Terraform CLI")
	flag.BoolVar(&o.keep, "keep", false, "keep the working directory")
	flag.IntVar(&o.parallelism, "parallelism", 10, "terraform -parallelism for the measured plans")
	flag.IntVar(&o.headroomPercent, "headroom", 20, "rate_limit_headroom_percent of the provider")
	applySizes := flag.String("apply-sizes", "100,1000", "numbers of user assignments N whose apply and destroy are measured (apply.go)")
	flag.DurationVar(&o.provisioningDelay, "provisioning-delay", 3*time.Second, "sandbox provisioning delay during the measured applies")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.ctx = ctx
	var err error
	if o.sizes, err = parseInts(*sizes); err != nil {
		fail(err)
	}
	if o.setSizes, err = parseInts(*setSizes); err != nil {
		fail(err)
	}
	if o.floorSizes, err = parseInts(*floorSizes); err != nil {
		fail(err)
	}
	if o.applySizes, err = parseInts(*applySizes); err != nil {
		fail(err)
	}
	o.baseline, o.pacedBaseline = map[int]bool{}, map[int]bool{}
	for _, spec := range []struct {
		s   string
		dst map[int]bool
	}{{*baseline, o.baseline}, {*paced, o.pacedBaseline}} {
		ns, err := parseInts(spec.s)
		if err != nil {
			fail(err)
		}
		for _, n := range ns {
			spec.dst[n] = true
		}
	}
	if o.root, err = repoRoot(ctx); err != nil {
		fail(err)
	}
	if !filepath.IsAbs(o.terraform) {
		o.terraform = filepath.Join(o.root, o.terraform)
	}
	if _, err := os.Stat(o.terraform); err != nil {
		fail(fmt.Errorf("terraform CLI: %w (run make tool-terraform)", err))
	}
	if err := run(o); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 100 {
			return nil, fmt.Errorf("invalid size %q (at least 100)", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run from inside the module")
	}
	return filepath.Dir(mod), nil
}

func run(o options) error {
	work, err := os.MkdirTemp("", "statsigokta-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Println("working directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	plugins := filepath.Join(work, "plugins")
	provider := filepath.Join(plugins, "terraform-provider-statsigokta")
	sandboxBin := filepath.Join(work, "sandbox")
	fmt.Println("==> Building the provider and the sandbox")
	for _, b := range [][]string{{"-o", provider, "."}, {"-o", sandboxBin, "./internal/sandbox/cmd/sandbox"}} {
		cmd := exec.CommandContext(o.ctx, "go", append([]string{"build"}, b...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = o.root, os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return err
		}
	}
	tfrc := filepath.Join(work, "dev.tfrc")
	if err := os.WriteFile(tfrc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "statsigokta/statsigokta" = %q
  }
  direct {}
}
`, plugins)), 0o644); err != nil {
		return err
	}

	started := time.Now()
	var rows []row
	for _, n := range o.sizes {
		r, err := measureSize(o, n, work, sandboxBin, provider, tfrc)
		if err != nil {
			return fmt.Errorf("size %d: %w", n, err)
		}
		rows = append(rows, r...)
	}
	var sets []setRow
	for _, n := range o.setSizes {
		r, err := measureSet(o, n, work, sandboxBin, provider, tfrc)
		if err != nil {
			return fmt.Errorf("set of %d: %w", n, err)
		}
		sets = append(sets, r)
	}
	var floors []floorRow
	for _, n := range o.floorSizes {
		r, err := measureFloor(o, n, work)
		if err != nil {
			return fmt.Errorf("floor of %d: %w", n, err)
		}
		floors = append(floors, r...)
	}
	lifecycle, err := measureLifecycles(o, work, sandboxBin, provider, tfrc)
	if err != nil {
		return err
	}
	fmt.Println()
	if len(rows) > 0 {
		printReport(os.Stdout, o, rows, time.Since(started))
	}
	printSetReport(os.Stdout, rows, sets)
	printFloorReport(os.Stdout, rows, floors)
	printLifecycle(os.Stdout, o, lifecycle)
	if (len(rows) > 0 && !targetsMet(rows)) || !setTargetsMet(rows, sets) || !lifecycleTargetsMet(lifecycle) {
		return errors.New("targets not met")
	}
	return nil
}

// configHeader opens every generated configuration.
const configHeader = `# Generated by internal/bench. Credentials come from the environment.
terraform {
  required_providers {
    statsigokta = {
      source = "statsigokta/statsigokta"
    }
  }
}

provider "statsigokta" {}
`

// startWithFixture writes fixture to dir and starts a sandbox serving it.
func startWithFixture(o options, bin, dir string, fixture any) (*sandboxProc, error) {
	data, err := json.Marshal(fixture)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "fixture.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	return startSandbox(bin, path, o, filepath.Join(dir, "sandbox.log"))
}

// terraformEnv is the environment of a terraform run against the sandbox,
// with a Statsig SCIM token or without.
func (p *sandboxProc) terraformEnv(o options, tfrc string, scim bool) []string {
	env := dropEnv(os.Environ(), "OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY", "OKTA_PRIVATE_KEY_ID", "STATSIGOKTA_SHARED_READS",
		"TF_LOG", "STATSIG_SCIM_TOKEN")
	env = append(env,
		"TF_CLI_CONFIG_FILE="+tfrc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"OKTA_ORG_URL="+p.env["OKTA_ORG_URL"], "OKTA_API_TOKEN="+p.env["OKTA_API_TOKEN"],
		"STATSIGOKTA_APP_ID="+p.env["OKTA_APP_ID"], "STATSIG_API_URL="+p.env["STATSIG_URL"],
		"STATSIGOKTA_RATE_LIMIT_HEADROOM_PERCENT="+strconv.Itoa(o.headroomPercent),
	)
	if scim {
		env = append(env, "STATSIG_SCIM_TOKEN="+p.env["STATSIG_SCIM_TOKEN"])
	}
	return env
}

// sandboxProc is a running standalone sandbox.
type sandboxProc struct {
	ctx context.Context
	cmd *exec.Cmd
	env map[string]string
}

func startSandbox(bin, fixture string, o options, logPath string) (*sandboxProc, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(o.ctx, bin, "-fixture", fixture, "-okta-addr", "127.0.0.1:0", "-statsig-addr", "127.0.0.1:0",
		"-latency", o.latency.String(), "-apps-rate-limit", strconv.Itoa(o.appsRate), "-provisioning-delay", "0s")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = logFile
	// On interrupt, stop it as stop does rather than killing it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &sandboxProc{ctx: o.ctx, cmd: cmd, env: map[string]string{}}
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 0, 4096)
		tmp := make([]byte, 1024)
		for {
			k, err := stdout.Read(tmp)
			buf = append(buf, tmp[:k]...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				line := string(buf[:i])
				buf = buf[i+1:]
				if key, val, ok := strings.Cut(line, "="); ok {
					p.env[key] = val
					if key == "STATSIG_CONSOLE_KEY" {
						done <- nil
						_, _ = io.Copy(io.Discard, stdout)
						return
					}
				}
			}
			if err != nil {
				done <- fmt.Errorf("sandbox exited before it was ready (see %s): %w", logPath, err)
				return
			}
		}
	}()
	select {
	case err := <-done:
		if err != nil {
			p.stop()
			return nil, err
		}
	case <-time.After(2 * time.Minute):
		p.stop()
		return nil, errors.New("sandbox did not start within 2 minutes")
	}
	return p, nil
}

func (p *sandboxProc) stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(os.Interrupt)
		waited := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-waited
		}
	}
}

func (p *sandboxProc) admin(method, path string, body any, out any) error {
	var rdr io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rdr = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(p.ctx, method, p.env["STATSIG_URL"]+path, rdr)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, msg)
	}
	if out != nil {
		return json.NewDecoder(resp.Body).Decode(out)
	}
	return nil
}
