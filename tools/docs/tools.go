//go:build tools

// Package tools pins tfplugindocs, built into bin/ by `make tool-docs`.
package tools

import (
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)
