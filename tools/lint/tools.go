//go:build tools

// Package tools pins golangci-lint v2, built into bin/ by `make tool-lint`.
package tools

import (
	_ "github.com/golangci/golangci-lint/v2/cmd/golangci-lint"
)
