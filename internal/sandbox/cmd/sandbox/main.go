// Command sandbox runs the Okta + Statsig emulator as a standalone server.
//
//	go run ./internal/sandbox/cmd/sandbox -fixture demo
//
// It prints KEY=value lines (easy to source) and serves until SIGINT/SIGTERM.
// With -export it prints instead exactly the environment variables the
// provider reads, as `export X=...` lines for one authentication method
// (-auth token, oauth or access-token), so that `eval` of them configures
// the provider; -env-file keeps a copy for other shells. Text for people
// goes to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

func main() {
	oktaAddr := flag.String("okta-addr", "127.0.0.1:18080", "listen address of the Okta emulator")
	statsigAddr := flag.String("statsig-addr", "127.0.0.1:18081", "listen address of the Statsig emulator")
	fixture := flag.String("fixture", "default", "fixture: default, demo, or a path to a JSON fixture")
	provDelay := flag.Duration("provisioning-delay", 0, "time from assignment until the app user is PROVISIONED")
	appsRate := flag.Int("apps-rate-limit", 100, "requests per minute for the /api/v1/apps bucket (<0 unlimited)")
	otherRate := flag.Int("other-rate-limit", 600, "requests per minute for the groups/users/oauth buckets (<0 unlimited)")
	latency := flag.Duration("latency", 0, "latency added to every request")
	searchLag := flag.Duration("group-search-lag", 0, "eventual-consistency lag of /api/v1/groups?search")
	mappingLag := flag.Duration("mapping-list-lag", 0, "lag before new push mappings appear in the list")
	pushDelay := flag.Duration("push-delay", 3*time.Second, "time from linking a group push until Okta pushes it (asynchronous, as real Okta)")
	stateFile := flag.String("state-file", "", "persist state to this JSON file (loaded at start if present)")
	dpop := flag.Bool("dpop", false, "require DPoP for the OAuth service app")
	keyFile := flag.String("private-key-file", "", "write the service app's RSA private key (PKCS#8 PEM) to this file")
	export := flag.Bool("export", false, "print the provider's environment variables as export lines instead of KEY=value")
	auth := flag.String("auth", "token", "with -export: the authentication method, token, oauth (needs -private-key-file) or access-token")
	envFile := flag.String("env-file", "", "with -export: also write the export lines to this file")
	flag.Parse()
	if *export && *auth == "oauth" && *keyFile == "" {
		log.Fatal("-auth oauth needs -private-key-file: the provider reads the key's content, which the file holds")
	}

	var fx *sandbox.Fixture
	switch *fixture {
	case "default", "":
		fx = sandbox.DefaultFixture()
	case "demo":
		fx = sandbox.DemoFixture()
	default:
		var err error
		if fx, err = sandbox.LoadFixture(*fixture); err != nil {
			log.Fatal(err)
		}
	}
	s, err := sandbox.NewServer(sandbox.Options{
		Fixture:                 fx,
		ProvisioningDelay:       *provDelay,
		AppsRateLimitPerMinute:  *appsRate,
		OtherRateLimitPerMinute: *otherRate,
		Latency:                 *latency,
		GroupSearchLag:          *searchLag,
		MappingListLag:          *mappingLag,
		PushDelay:               *pushDelay,
	}, *oktaAddr, *statsigAddr)
	if err != nil {
		log.Fatal(err)
	}
	s.SetDPoPRequired(*dpop)
	if *stateFile != "" {
		if err := s.LoadState(*stateFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Fatal(err)
		}
		save := func() {
			if err := s.SaveState(*stateFile); err != nil {
				log.Printf("saving state: %v", err)
			}
		}
		save()
		s.SetOnChange(save)
	}

	if *keyFile != "" {
		if err := os.WriteFile(*keyFile, []byte(s.PrivateKeyPEM()), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	if *export {
		lines, err := exportLines(s, *auth, *keyFile)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(lines)
		if *envFile != "" {
			if err := os.WriteFile(*envFile, []byte(lines), 0o600); err != nil {
				log.Fatal(err)
			}
		}
		explain(*auth, *keyFile, *envFile)
	} else {
		printPlain(s, *keyFile)
	}
	os.Stdout.Sync()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.Shutdown(shutdownCtx)
	if *stateFile != "" {
		if err := s.SaveState(*stateFile); err != nil {
			log.Printf("saving state: %v", err)
		}
	}
}

// printPlain prints the sandbox's endpoints and credentials as KEY=value
// lines (make demo and the benchmark read them).
func printPlain(s *sandbox.Sandbox, keyFile string) {
	if keyFile != "" {
		fmt.Printf("OKTA_PRIVATE_KEY_FILE=%s\n", keyFile)
	}
	fmt.Printf("OKTA_ORG_URL=%s\n", s.OktaURL())
	fmt.Printf("OKTA_API_TOKEN=%s\n", s.APIToken())
	fmt.Printf("OKTA_APP_ID=%s\n", s.AppID())
	fmt.Printf("OKTA_CLIENT_ID=%s\n", s.ClientID())
	fmt.Printf("OKTA_PRIVATE_KEY_ID=%s\n", s.PrivateKeyID())
	fmt.Printf("STATSIG_URL=%s\n", s.StatsigURL())
	fmt.Printf("STATSIG_SCIM_URL=%s\n", s.SCIMBaseURL())
	fmt.Printf("STATSIG_CONSOLE_URL=%s\n", s.ConsoleBaseURL())
	fmt.Printf("STATSIG_SCIM_TOKEN=%s\n", s.StatsigSCIMToken())
	fmt.Printf("STATSIG_CONSOLE_KEY=%s\n", s.StatsigConsoleKey())
}

// The provider's authentication variables (internal/provider), ours and
// terraform-provider-okta's: the ones of other methods are unset so that a
// leftover one does not conflict. So is OKTA_HTTP_PROXY, which would send
// the calls to the sandbox on 127.0.0.1 through a real org's proxy.
var authVariables = []string{
	"OKTA_API_TOKEN", "OKTA_ACCESS_TOKEN",
	"OKTA_CLIENT_ID", "OKTA_PRIVATE_KEY", "OKTA_PRIVATE_KEY_ID", "OKTA_SCOPES",
	"OKTA_API_CLIENT_ID", "OKTA_API_PRIVATE_KEY", "OKTA_API_PRIVATE_KEY_ID", "OKTA_API_SCOPES",
	"OKTA_ORG_NAME", "OKTA_BASE_URL", "OKTA_HTTP_PROXY",
}

// exportLines are the variables the provider reads, for one auth method.
func exportLines(s *sandbox.Sandbox, auth, keyFile string) (string, error) {
	vars := [][2]string{
		{"OKTA_ORG_URL", quote(s.OktaURL())},
		{"STATSIGOKTA_APP_ID", quote(s.AppID())},
		{"STATSIG_API_URL", quote(s.StatsigURL())},
		{"STATSIG_SCIM_TOKEN", quote(s.StatsigSCIMToken())},
		{"STATSIG_CONSOLE_API_KEY", quote(s.StatsigConsoleKey())},
	}
	switch auth {
	case "token":
		vars = append(vars, [2]string{"OKTA_API_TOKEN", quote(s.APIToken())})
	case "oauth":
		vars = append(vars, [2]string{"OKTA_CLIENT_ID", quote(s.ClientID())},
			[2]string{"OKTA_PRIVATE_KEY_ID", quote(s.PrivateKeyID())},
			// The provider takes the key's content, not a path.
			[2]string{"OKTA_PRIVATE_KEY", `"$(cat ` + quote(keyFile) + `)"`})
	case "access-token":
		token := s.IssueAccessToken(sandbox.DefaultGrantedScopes...)
		vars = append(vars, [2]string{"OKTA_ACCESS_TOKEN", quote(token)})
	default:
		return "", fmt.Errorf("-auth %q: want token, oauth or access-token", auth)
	}
	var unset []string
	for _, name := range authVariables {
		if !slices.ContainsFunc(vars, func(v [2]string) bool { return v[0] == name }) {
			unset = append(unset, name)
		}
	}
	var b strings.Builder
	b.WriteString("unset " + strings.Join(unset, " ") + "\n")
	for _, v := range vars {
		b.WriteString("export " + v[0] + "=" + v[1] + "\n")
	}
	return b.String(), nil
}

// quote is s in single quotes for a POSIX shell.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func explain(auth, keyFile, envFile string) {
	fmt.Fprintf(os.Stderr, "Sandbox running (Okta and Statsig emulators); stop it with Ctrl-C.\n")
	fmt.Fprintf(os.Stderr, "The lines above configure the provider (authentication: %s). In another shell:\n", auth)
	if envFile != "" {
		fmt.Fprintf(os.Stderr, "    eval \"$(cat %s)\"\n", envFile)
	} else {
		fmt.Fprintf(os.Stderr, "    eval \"$(the lines above)\"\n")
	}
	if auth == "oauth" {
		fmt.Fprintf(os.Stderr, "The service app's private key is in %s; OKTA_PRIVATE_KEY holds its content.\n"+
			"In a provider block instead: okta_private_key = file(%q)\n", keyFile, keyFile)
	}
	fmt.Fprintf(os.Stderr, "Then, with dev_overrides for statsigokta/statsigokta in your CLI config, run terraform plan "+
		"(terraform init is not needed under dev_overrides).\n")
}
