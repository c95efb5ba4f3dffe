package provider

import (
	"context"
	"os"
	"runtime"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type bigValueKey struct{}

// heapAfter returns the live heap (MB) after n GetMetadata calls, each with a
// context carrying 10 KB, as terraform-plugin-go's loggers make it.
func heapAfter(t *testing.T, server tfprotov6.ProviderServer, n int) float64 {
	t.Helper()
	heap := func() float64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return float64(m.HeapAlloc) / (1 << 20)
	}
	before := heap()
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), bigValueKey{}, make([]byte, 10<<10)))
		if _, err := server.GetMetadata(ctx, &tfprotov6.GetMetadataRequest{}); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	grown := heap() - before
	runtime.KeepAlive(server)
	return grown
}

// The framework keeps every request's context until StopProvider; the
// provider's server lets go of what the context carries once a call returns.
func TestServerReleasesRequestContexts(t *testing.T) {
	const calls = 3000 // 30 MB of request contexts
	framework, _ := providerserver.NewProtocol6WithError(New("test")())()
	ours, err := NewProtocol6Server("test")()
	if err != nil {
		t.Fatal(err)
	}
	leak := heapAfter(t, framework, calls)
	kept := heapAfter(t, ours, calls)
	t.Logf("heap growth after %d calls: framework %.1f MB, provider server %.1f MB", calls, leak, kept)
	if kept > 3 {
		t.Fatalf("the provider server kept %.1f MB after %d calls, want under 3 MB", kept, calls)
	}
	// StopProvider still cancels what is running.
	if _, err := ours.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
}

// The framework's trace lines are off unless the user turned Terraform's or
// the SDK's logging on; a level the user set is kept.
func TestQuietFrameworkTrace(t *testing.T) {
	vars := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK"}
	for _, set := range append([]string{""}, vars...) {
		for _, v := range vars {
			t.Setenv(v, "")
		}
		if set != "" {
			t.Setenv(set, "trace")
		}
		quietFrameworkTrace()
		want := "off"
		if set != "" {
			want = ""
			if set == "TF_LOG_SDK_FRAMEWORK" {
				want = "trace"
			}
		}
		if got := os.Getenv("TF_LOG_SDK_FRAMEWORK"); got != want {
			t.Errorf("with %s set: TF_LOG_SDK_FRAMEWORK = %q, want %q", orNone(set), got, want)
		}
	}
}
