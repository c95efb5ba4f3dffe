package provider

import (
	"context"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// The Reads of every resource go through these methods rather than the client
// directly, so that how they are served (one GET each, or a shared snapshot
// of the app's list endpoints) is decided in one place.

func (d *providerData) readAppUser(ctx context.Context, userID string) (*okta.AppUser, error) {
	return d.okta.GetAppUser(ctx, d.appID, userID)
}

func (d *providerData) readAppGroup(ctx context.Context, groupID string) (*okta.ApplicationGroupAssignment, error) {
	return d.okta.GetAppGroup(ctx, d.appID, groupID)
}
