#!/usr/bin/env bash
# Check every example configuration under examples/:
#   1. `fmt -check -recursive examples`
#   2. for each directory containing .tf files and each CLI in VALIDATE_CLIS:
#      `validate` against the locally built provider through a dev_overrides
#      CLI config (offline; `init` is not run because it still queries the
#      registry for an overridden provider; local modules are fetched with
#      `get`). Work happens on a copy of each directory, so no .terraform/ or
#      lock file is left in the tree.
#
# Terraform 1.5.7 cannot parse provider-defined function calls
# (`provider::statsigokta::...`, Terraform 1.8+), so:
#   - fmt runs with OpenTofu when it is among VALIDATE_CLIS;
#   - with Terraform, a directory using `provider::` is skipped, and so is one
#     whose `required_version` excludes the Terraform in bin/ ("Unsupported
#     Terraform Core version"); both are printed as
#     skips, never silently.
# A directory that must not be validated at all (e.g. one needing another
# provider from a registry, impossible offline) gets a `.skip-validate` file;
# its first line is printed as the reason.
#
# Inputs (optional, the GNUmakefile sets them):
#   BIN            directory with terraform/tofu and the provider (default <repo>/bin)
#   VALIDATE_CLIS  CLIs to validate with (default: "terraform tofu", those present)
#   PROVIDER_NAME  provider type name (default statsigokta)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/bin}"
PROVIDER_NAME="${PROVIDER_NAME:-statsigokta}"
# Must match the address main.go serves (providerserver.ServeOpts.Address).
PROVIDER_SOURCE="${PROVIDER_SOURCE:-statsigokta/statsigokta}"
EXAMPLES="$ROOT/examples"

clis=()
for cli in ${VALIDATE_CLIS:-terraform tofu}; do
  if [[ -x "$BIN/$cli" ]]; then
    clis+=("$cli")
  elif [[ -n "${VALIDATE_CLIS:-}" ]]; then
    echo "validate-examples.sh: $BIN/$cli not found; run 'make tools tools-tofu' first" >&2
    exit 1
  fi
done
if [[ ${#clis[@]} -eq 0 ]]; then
  echo "validate-examples.sh: neither $BIN/terraform nor $BIN/tofu found; run 'make tools' first" >&2
  exit 1
fi

cd "$ROOT"
echo "==> building provider"
go build -o "$BIN/terraform-provider-${PROVIDER_NAME}" .

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "${PROVIDER_SOURCE}" = "${BIN}"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1

fmt_cli="${clis[0]}"
for cli in "${clis[@]}"; do
  if [[ "$cli" == tofu ]]; then fmt_cli=tofu; fi
done
echo "==> $fmt_cli fmt -check -recursive examples"
if ! "$BIN/$fmt_cli" fmt -check -recursive -diff -no-color examples; then
  echo "examples are not formatted; run: bin/$fmt_cli fmt -recursive examples" >&2
  exit 1
fi

mapfile -t dirs < <(find "$EXAMPLES" -type f -name '*.tf' -not -path '*/.terraform/*' -printf '%h\n' | sort -u)
if [[ ${#dirs[@]} -eq 0 ]]; then
  echo "no example directories with .tf files"
  exit 0
fi

failed=0
checked=0
skipped=0
for dir in "${dirs[@]}"; do
  rel="${dir#"$ROOT"/}"
  if [[ -f "$dir/.skip-validate" ]]; then
    echo "--- skip $rel: $(head -n1 "$dir/.skip-validate")"
    skipped=$((skipped + 1))
    continue
  fi
  for cli in "${clis[@]}"; do
    if [[ "$cli" == terraform ]] && grep -qs 'provider::' "$dir"/*.tf; then
      echo "--- skip $rel with terraform: uses provider-defined functions (Terraform 1.8+)"
      skipped=$((skipped + 1))
      continue
    fi
    # Terraform 1.5 rejects for_each in import blocks (1.7+) while parsing,
    # before it would report the directory's required_version.
    if [[ "$cli" == terraform ]] && awk '/^import \{/{i=1} i&&/for_each/{f=1} /^\}/{i=0} END{exit !f}' "$dir"/*.tf; then
      echo "--- skip $rel with terraform: import blocks with for_each need Terraform 1.7+"
      skipped=$((skipped + 1))
      continue
    fi
    copy="$work/$cli/$(echo "$rel" | tr '/' '_')"
    mkdir -p "$copy"
    # Subdirectories come along for local module sources; a subdirectory with
    # its own .tf files is validated as a root module of its own as well.
    cp -R "$dir"/. "$copy"/
    rm -rf "$copy/.terraform" "$copy/.terraform.lock.hcl"
    # Doc snippets (examples/resources/..., data-sources/...) carry no
    # required_providers block, which would make the CLI look for
    # hashicorp/statsigokta in a registry; declare the real source for them.
    if ! grep -qs "\"${PROVIDER_SOURCE}\"" "$copy"/*.tf; then
      cat >"$copy/zz_validate_required_providers.tf" <<EOF
terraform {
  required_providers {
    ${PROVIDER_NAME} = {
      source = "${PROVIDER_SOURCE}"
    }
  }
}
EOF
    fi
    # No `init`: with dev_overrides it still asks the registry for the
    # overridden provider (and fails offline); validate works without it.
    # Module calls are fetched with `get`, which never touches providers.
    if grep -Eqs '^[[:space:]]*module[[:space:]]+"' "$copy"/*.tf; then
      if ! (cd "$copy" && "$BIN/$cli" get -no-color >"$copy.get.log" 2>&1); then
        echo "--- FAIL $rel with $cli: get failed:" >&2
        cat "$copy.get.log" >&2
        failed=$((failed + 1))
        continue
      fi
    fi
    if out="$(cd "$copy" && "$BIN/$cli" validate -no-color 2>&1)"; then
      echo "--- ok   $rel with $cli"
      checked=$((checked + 1))
    elif [[ "$cli" == terraform ]] && grep -q 'Unsupported Terraform Core version' <<<"$out"; then
      echo "--- skip $rel with terraform: its required_version excludes $("$BIN/terraform" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
      skipped=$((skipped + 1))
    else
      echo "--- FAIL $rel with $cli: validate failed:" >&2
      echo "$out" >&2
      failed=$((failed + 1))
    fi
  done
done

echo "==> examples: $checked valid, $skipped skipped, $failed failed"
[[ $failed -eq 0 ]]
