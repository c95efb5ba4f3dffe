//go:build tools

// Package tools pins the OpenTofu CLI so that `go install
// github.com/opentofu/opentofu/cmd/tofu` from this directory builds the exact
// version recorded in go.mod/go.sum.
package tools

import (
	_ "github.com/opentofu/opentofu/cmd/tofu"
)
