#!/usr/bin/env bash
# Generate docs/ offline with tfplugindocs.
#
# tfplugindocs would normally build the provider and download a Terraform CLI
# itself. Instead we build the provider, ask the locally built Terraform for
# the schema through a dev_overrides CLI config (no registry, no `init`), and
# hand that JSON to `tfplugindocs generate --providers-schema`.
#
# Inputs (all optional, the GNUmakefile sets them):
#   BIN            directory with terraform, tfplugindocs, provider binary (default: <repo>/bin)
#   PROVIDER_NAME  provider type name (default: statsigokta)
#   TERRAFORM      CLI used to read the schema (default: $BIN/tofu if present,
#                  else $BIN/terraform). OpenTofu is preferred because
#                  Terraform 1.5.7 predates provider-defined functions (1.8)
#                  and leaves "functions" out of the schema, so no function
#                  docs would be generated.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${BIN:-$ROOT/bin}"
PROVIDER_NAME="${PROVIDER_NAME:-statsigokta}"
if [[ -z "${TERRAFORM:-}" ]]; then
  if [[ -x "$BIN/tofu" ]]; then TERRAFORM="$BIN/tofu"; else TERRAFORM="$BIN/terraform"; fi
fi
TFPLUGINDOCS="${TFPLUGINDOCS:-$BIN/tfplugindocs}"
# Must match the address main.go serves (providerserver.ServeOpts.Address).
PROVIDER_SOURCE="${PROVIDER_SOURCE:-statsigokta/statsigokta}"

for tool in "$TERRAFORM" "$TFPLUGINDOCS"; do
  if [[ ! -x "$tool" ]]; then
    echo "generate.sh: $tool not found; run 'make tools' first" >&2
    exit 1
  fi
done

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

mkdir -p "$work/config"
cat >"$work/config/main.tf" <<EOF
terraform {
  required_providers {
    ${PROVIDER_NAME} = {
      source = "${PROVIDER_SOURCE}"
    }
  }
}
EOF

echo "==> reading provider schema with $(basename "$TERRAFORM") $(cd "$work" && TF_CLI_CONFIG_FILE="$work/terraformrc" "$TERRAFORM" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p')"
# With dev_overrides in effect no `terraform init` is needed (and none is
# possible offline); Terraform prints a warning about the override on stderr.
(
  cd "$work/config"
  TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
    "$TERRAFORM" providers schema -json >"$work/schema.raw.json" 2>"$work/schema.stderr" || {
      cat "$work/schema.stderr" >&2
      exit 1
    }
)

# tfplugindocs looks the schema up by the bare provider name (or under
# registry.terraform.io/hashicorp/<name>), not under our own namespace, so
# re-key it (Terraform reports registry.terraform.io/..., OpenTofu
# registry.opentofu.org/...).
sed -E "s#\"registry\.(terraform\.io|opentofu\.org)/${PROVIDER_SOURCE}\":#\"${PROVIDER_NAME}\":#" \
  "$work/schema.raw.json" >"$work/schema.json"
if ! grep -q "\"${PROVIDER_NAME}\":" "$work/schema.json"; then
  echo "generate.sh: provider ${PROVIDER_SOURCE} not found in schema output" >&2
  head -c 2000 "$work/schema.raw.json" >&2
  exit 1
fi

echo "==> tfplugindocs generate"
"$TFPLUGINDOCS" generate \
  --provider-dir "$ROOT" \
  --provider-name "$PROVIDER_NAME" \
  --providers-schema "$work/schema.json"

echo "==> tfplugindocs validate"
"$TFPLUGINDOCS" validate \
  --provider-dir "$ROOT" \
  --provider-name "$PROVIDER_NAME" \
  --providers-schema "$work/schema.json"
