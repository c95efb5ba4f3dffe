package provider

import (
	"strings"
	"testing"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/sandbox"
)

// An app without provisioning or Group Push still works, but the first use
// warns, naming the missing features and where to enable them; later uses
// do not repeat the warning.
func TestCheckApp_warnsOnceAboutMissingFeatures(t *testing.T) {
	fixture := testFixture()
	fixture.App.Features = []string{"IMPORT_NEW_USERS", "PUSH_NEW_USERS"}
	sb := newTestSandbox(t, sandbox.Options{Fixture: fixture})
	data, diags := newProviderData(providerSettings{
		orgURL: setting{text: sb.OktaURL()}, apiToken: setting{text: sb.APIToken()}, appID: setting{text: sb.AppID()}, maxRetries: 1,
	}, "test")
	if diags.HasError() {
		t.Fatalf("configure: %v", diags)
	}

	first := data.checkApp(t.Context())
	if first.HasError() || first.WarningsCount() != 1 {
		t.Fatalf("want exactly one warning on first use, got %v", first)
	}
	detail := first.Warnings()[0].Detail()
	for _, want := range []string{"PUSH_USER_DEACTIVATION", "GROUP_PUSH", "Provisioning tab"} {
		if !strings.Contains(detail, want) {
			t.Errorf("warning does not mention %s: %s", want, detail)
		}
	}
	if strings.Contains(detail, "PUSH_NEW_USERS,") || strings.Contains(detail, "PUSH_NEW_USERS ") {
		t.Errorf("warning names a feature the app has: %s", detail)
	}
	if again := data.checkApp(t.Context()); len(again) != 0 {
		t.Fatalf("the warning was repeated: %v", again)
	}
	apps := sb.CountRequests(func(r sandbox.Request) bool { return r.Path == "/api/v1/apps/"+sb.AppID() })
	if apps != 1 {
		t.Fatalf("the app was read %d times, want once per provider process", apps)
	}
}

// A nonexistent app is an error on the app_id attribute, on every use.
func TestCheckApp_unknownApp(t *testing.T) {
	sb := newTestSandbox(t, sandbox.Options{})
	data, diags := newProviderData(providerSettings{
		orgURL: setting{text: sb.OktaURL()}, apiToken: setting{text: sb.APIToken()}, appID: setting{text: "0oa00000000000000000"}, maxRetries: 1,
	}, "test")
	if diags.HasError() {
		t.Fatalf("configure: %v", diags)
	}
	for i := 0; i < 2; i++ {
		got := data.checkApp(t.Context())
		if !got.HasError() || !strings.Contains(got.Errors()[0].Summary(), "Statsig app not found") {
			t.Fatalf("use %d: want the app-not-found error, got %v", i+1, got)
		}
	}
}
