package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
	"github.com/statsigokta/terraform-provider-statsigokta/internal/statsig"
)

// defaultPushTimeout bounds wait_for_push when timeouts.create is not set.
const defaultPushTimeout = 10 * time.Minute

// Okta pushes asynchronously: a new link has no lastPush until Okta has
// pushed the group, seconds or minutes later. wait_for_push waits for that,
// and with a SCIM token for the members Okta can push to show up in the
// Statsig group; nothing else in the provider assumes a push has happened.

// waitForPush polls until Okta reports the mapping pushed (or in ERROR) and,
// with a SCIM token, the source group's provisioned members are in the
// Statsig group. It returns the mapping as last read and, when ctx ran out
// first, what it was still waiting for.
func (r *groupPushResource) waitForPush(ctx context.Context, m *okta.GroupPushMapping, targetName string) (*okta.GroupPushMapping, string, error) {
	pending := ""
	err := poll(ctx, defaultPoll, func() (bool, error) {
		current, err := r.data.okta.GetGroupPushMapping(ctx, r.data.appID, m.ID)
		if err != nil {
			if retryableReadError(err) {
				return false, nil
			}
			return false, err
		}
		m = current
		switch {
		case m.Status == okta.GroupPushStatusError:
			return true, nil // shown as error_summary
		case m.Status != okta.GroupPushStatusActive:
			return true, nil // an INACTIVE link does not push
		case m.LastPush == nil:
			pending = "Okta's first push of the group (the mapping has no lastPush yet)"
			return false, nil
		}
		missing, err := r.membersNotInStatsig(ctx, m.SourceGroupID, targetName)
		if err != nil {
			return false, err
		}
		if len(missing) > 0 {
			pending = fmt.Sprintf("%s to appear in the Statsig group %q", strings.Join(missing, ", "), targetName)
			return false, nil
		}
		return true, nil
	})
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		return m, pending, nil
	}
	return m, "", err
}

// membersNotInStatsig lists the logins of the source group's members that
// Okta can push (assigned to the app and provisioned) but that the Statsig
// group does not have yet. Without a SCIM token there is nothing to check.
func (r *groupPushResource) membersNotInStatsig(ctx context.Context, sourceGroupID, targetName string) ([]string, error) {
	if r.data.statsig == nil || !r.data.statsig.HasSCIM() {
		return nil, nil
	}
	members, err := r.data.okta.ListGroupMembers(ctx, sourceGroupID)
	if err != nil {
		return nil, err
	}
	appUsers, err := r.data.okta.ListAppUsers(ctx, r.data.appID, okta.ListAppUsersOptions{})
	if err != nil {
		return nil, err
	}
	statsigID := make(map[string]string, len(appUsers))
	for _, au := range appUsers {
		if au.ExternalID != "" {
			statsigID[au.ID] = au.ExternalID
		}
	}
	var missing []string
	for _, member := range members {
		id, ok := statsigID[member.ID]
		if !ok {
			continue // Okta does not push members who are not provisioned
		}
		su, err := r.data.statsig.GetUser(ctx, id)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(su.Groups, func(g statsig.SCIMMember) bool { return g.Display == targetName }) {
			missing = append(missing, member.Profile.Login)
		}
	}
	return missing, nil
}

// refuseWaitWithoutPush refuses wait_for_push on an app without the
// GROUP_PUSH feature: Okta accepts the link but never pushes it, so the wait
// could only run out. It needs the app's features (checkApp has run). A
// value known only at apply is checked too: the apply walk plans the create
// again with it known, before Create.
func (r *groupPushResource) refuseWaitWithoutPush(plan groupPushModel, diags *diag.Diagnostics) {
	if !plan.WaitForPush.ValueBool() || r.data.appFeatures == nil || slices.Contains(r.data.appFeatures, "GROUP_PUSH") {
		return
	}
	diags.AddAttributeError(path.Root("wait_for_push"), "The Statsig app does not push groups",
		"wait_for_push is true, but the Statsig app in Okta lacks the provisioning feature GROUP_PUSH (its features: "+
			orNone(strings.Join(r.data.appFeatures, ", "))+"), so Okta would accept the link but never push it and the "+
			"wait could not end. Switch Push Groups on in the Okta Admin Console > Applications > the Statsig app > "+
			"Provisioning, or set wait_for_push = false.")
}

// pushTimeout reads timeouts.create (positive: see positiveTimeouts).
func pushTimeout(ctx context.Context, m groupPushModel, diags *diag.Diagnostics) time.Duration {
	d, ds := m.Timeouts.Create(ctx, defaultPushTimeout)
	diags.Append(ds...)
	return d
}

// warnPushPending says that the apply returned before the push was seen.
func warnPushPending(diags *diag.Diagnostics, m *groupPushModel, pending string, timeout time.Duration) {
	diags.AddWarning("Group push not confirmed yet",
		fmt.Sprintf("The link %s (%s to %s) is made and saved in state, but within timeouts.create (%s) the provider did "+
			"not see %s. Okta pushes asynchronously, so it may still come; the next plan shows last_push. Nothing will be "+
			"replaced: raise timeouts.create, or set wait_for_push = false to return as soon as the link exists.",
			m.ID.ValueString(), nameOrID(m.SourceGroupName, m.SourceGroupID), nameOrID(m.TargetGroupName, m.TargetGroupID),
			timeout, pending))
}
