// Command sandbox runs the Okta + Statsig emulator as a standalone server.
//
//	go run ./internal/sandbox/cmd/sandbox -fixture demo
//
// It prints KEY=value lines (easy to source) and serves until SIGINT/SIGTERM.
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
	flag.Parse()

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
		fmt.Printf("OKTA_PRIVATE_KEY_FILE=%s\n", *keyFile)
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
