// Command terraform-provider-statsigokta serves the statsigokta provider over
// Terraform plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// provider.Serve is providerserver.Serve with a workaround for a memory
	// leak of the framework at thousands of resources (internal/provider/server.go).
	err := provider.Serve(context.Background(), version, debug)
	if err != nil {
		log.Fatal(err.Error())
	}
}
