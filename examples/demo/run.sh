#!/usr/bin/env bash
# make demo: build the provider, start the sandbox with the demo organisation,
# apply examples/demo through dev_overrides, then show from the Statsig side
# who is active in Statsig and with which roles. Every run starts from a fresh
# sandbox and a fresh working directory, and nothing is left running.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
terraform=${TERRAFORM:-$root/bin/terraform}
work=$root/.demo
rm -rf "$work"
mkdir -p "$work/plugins" "$work/config"

echo "==> Building the provider and the sandbox"
go build -C "$root" -o "$work/plugins/terraform-provider-statsigokta" .
go build -C "$root" -o "$work/sandbox" ./internal/sandbox/cmd/sandbox
go build -C "$root" -o "$work/statsig-report" ./internal/sandbox/cmd/statsig-report

echo "==> Starting the sandbox (Okta + Statsig emulator) on 127.0.0.1"
"$work/sandbox" -fixture demo -okta-addr 127.0.0.1:0 -statsig-addr 127.0.0.1:0 -export \
  -provisioning-delay "${DEMO_PROVISIONING_DELAY:-1s}" >"$work/sandbox.env" 2>"$work/sandbox.log" &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q '^export OKTA_API_TOKEN=' "$work/sandbox.env" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.log" >&2; exit 1; }
  sleep 0.1
done
# The provider takes everything from the environment, as in Terraform Cloud:
# the sandbox prints exactly the variables it reads.
eval "$(cat "$work/sandbox.env")"
echo "    Okta    $OKTA_ORG_URL (app $STATSIGOKTA_APP_ID)"
echo "    Statsig $STATSIG_API_URL"

cat >"$work/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "statsigokta/statsigokta" = "$work/plugins"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE=$work/dev.tfrc
export CHECKPOINT_DISABLE=1
cp "$root"/examples/demo/*.tf "$work/config/"

echo "==> terraform apply (examples/demo)"
"$terraform" -chdir="$work/config" apply -auto-approve -input=false 2>&1 | tee "$work/apply.log" |
  grep -v -e 'Provider development overrides are in effect' -e 'statsigokta/statsigokta in' \
    -e 'The following provider development overrides' -e 'skip terraform init' \
    -e 'published releases' -e 'the provider registry' -e 'with development overrides' || true
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
# The demo's configuration assigns everyone it links: any warning from the
# provider here would be a false one.
if grep -v 'Provider development overrides are in effect' "$work/apply.log" | grep -q 'Warning: '; then
  echo "the apply printed a warning the demo's configuration should not cause" >&2
  exit 1
fi

echo "==> terraform plan again: nothing to change"
"$terraform" -chdir="$work/config" plan -input=false -detailed-exitcode >"$work/plan.log" 2>&1 ||
  { cat "$work/plan.log"; echo "the second plan is not empty" >&2; exit 1; }
echo "    No changes."

echo "==> Statsig now (read from the Statsig side of the sandbox)"
"$work/statsig-report" -url "$STATSIG_API_URL"
