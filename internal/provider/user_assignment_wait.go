package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/statsigokta/terraform-provider-statsigokta/internal/okta"
)

// The calls of a user assignment that retry or wait: the create, which looks
// before it repeats; the waits for Okta to provision the user in Statsig and
// for Statsig to show the user active; and the unassign, which waits out a
// group's assignment going away. The waits use poll().

// provisioningTimeout is a wait that ran out while Okta was still at work.
type provisioningTimeout struct{ userID, seen string }

func (e *provisioningTimeout) Error() string {
	return fmt.Sprintf("Okta had not finished provisioning user %s in Statsig when timeouts.create ran out; last seen: %s. "+
		"The assignment exists and is saved in state, so the next plan will not replace it; Okta goes on provisioning. "+
		"Raise timeouts.create, or set wait_for_provisioning = false to return as soon as Okta accepts the assignment.",
		e.userID, e.seen)
}

// waitForProvisioning polls the app user until Okta reports it provisioned
// and in sync, or that it does not provision (syncState DISABLED). It
// returns the last app user seen.
func (r *userAssignmentResource) waitForProvisioning(ctx context.Context, userID string) (*okta.AppUser, error) {
	var last *okta.AppUser
	err := poll(ctx, defaultPoll, func() (bool, error) {
		appUser, err := r.data.okta.GetAppUser(ctx, r.data.appID, userID)
		switch {
		case err == nil:
			last = appUser
			if appUser.SyncState == "ERROR" {
				return false, &provisioningFailed{userID: userID, status: appUser.Status}
			}
			return provisionedStatus(appUser.Status, appUser.SyncState) || appUser.SyncState == "DISABLED", nil
		case okta.IsNotFound(err):
			return false, userMessagef("the assignment of user %s disappeared while waiting for provisioning: it was removed outside Terraform", userID)
		case retryableReadError(err):
			return false, nil
		}
		return false, err
	})
	if err != nil && ctx.Err() != nil {
		seen := "no answer from Okta"
		if last != nil {
			seen = fmt.Sprintf("status %s, syncState %s", last.Status, orNone(last.SyncState))
		}
		return last, &provisioningTimeout{userID: userID, seen: seen}
	}
	return last, err
}

// provisioningFailed is Okta's report that it could not create the user in
// Statsig. Like a timeout it is saved, not tainted: replacing the assignment
// unassigns the user first, which only an explicit -replace may do.
type provisioningFailed struct{ userID, status string }

func (e *provisioningFailed) Error() string {
	return fmt.Sprintf("Okta reports syncState ERROR for user %s (status %s): Okta could not create the user in Statsig. "+
		"The reason is shown in the Okta Admin Console under Dashboard > Tasks and on the app's Assignments tab "+
		"(for example, Statsig refuses users whose email domain is not the organisation's). The assignment is saved in "+
		"state and no later plan replaces it by itself. Fix the cause, then retry from the Okta console (Dashboard > Tasks > "+
		"Retry), or with terraform apply -replace=<this resource's address>.", e.userID, e.status)
}

func provisionedStatus(status, syncState string) bool {
	return (status == "PROVISIONED" || status == "ACTIVE") && syncState == "SYNCHRONIZED"
}

// statsigActive reads the user from Statsig's SCIM API when a SCIM token is
// configured; it returns null otherwise. With wait set, it polls until Statsig
// shows the user active, within the context's deadline.
func (r *userAssignmentResource) statsigActive(ctx context.Context, userName string, wait bool, diags *diag.Diagnostics) types.Bool {
	if r.data.statsig == nil || !r.data.statsig.HasSCIM() || userName == "" {
		return types.BoolNull()
	}
	// A poll asks Statsig each time; one look goes through the shared reads.
	find := r.data.readStatsigUser
	if wait {
		find = r.data.statsig.FindUserByUserName
	}
	active := false
	err := poll(ctx, defaultPoll, func() (bool, error) {
		user, err := find(ctx, userName)
		active = err == nil && user != nil && user.Active
		return active || !wait, err
	})
	switch {
	case err != nil && ctx.Err() != nil:
		diags.AddWarning("Statsig does not show the user active yet",
			fmt.Sprintf("Okta reports %s provisioned, but Statsig's SCIM API does not show the user active yet.", userName))
	case err != nil:
		diags.AddWarning("Could not confirm the user in Statsig", err.Error())
		return types.BoolNull()
	}
	return types.BoolValue(active)
}

// assign creates the assignment. The client does not repeat this POST on a
// server error or a dropped connection, since the first attempt may have been
// applied; instead this looks for the assignment before trying again.
func (r *userAssignmentResource) assign(ctx context.Context, request okta.AppUserAssignRequest) (*okta.AppUser, error) {
	var lastErr error
	for attempt := 0; attempt <= r.data.okta.MaxRetries(); attempt++ {
		appUser, err := r.data.okta.AssignUserToApp(ctx, r.data.appID, request)
		if err == nil {
			return appUser, nil
		}
		if !writeMayHaveApplied(ctx, err) {
			return nil, err
		}
		lastErr = err
		found, lookErr := r.appliedAfterAll(ctx, request.ID, err)
		if found != nil {
			return found, nil
		}
		if lookErr != nil {
			return nil, lastErr // no answer to say it is absent: never POST again on a guess
		}
	}
	return nil, lastErr
}

// appliedAfterAll looks for the effect of a create that failed with
// failure. After an answer (a 5xx) Okta is done with the attempt, and one
// answered look says whether it applied. After a timeout or a dropped
// connection Okta may still be working on it, so one look is not enough: it
// keeps looking for as long as the client gave the attempt (at least
// afterLostCreate). Either way it looks until Okta answers at all. It returns
// the assignment, or nil when Okta said it is not there; an error when ctx
// ended first.
func (r *userAssignmentResource) appliedAfterAll(ctx context.Context, userID string, failure error) (*okta.AppUser, error) {
	deadline := time.Now()
	if _, answered := okta.AsAPIError(failure); !answered {
		deadline = deadline.Add(max(r.data.okta.RequestTimeout(), afterLostCreate))
	}
	var found *okta.AppUser
	err := poll(ctx, pollBackoff{first: 250 * time.Millisecond, max: time.Second}, func() (bool, error) {
		u, err := r.data.okta.GetAppUser(ctx, r.data.appID, userID)
		switch {
		case err == nil && u.Scope == "USER":
			found = u
			return true, nil
		case err == nil || okta.IsNotFound(err): // an answer: not there (yet)
			return !time.Now().Before(deadline), nil
		}
		return false, nil // no answer: look again
	})
	return found, err
}

// afterLostCreate is the least time a lost create is looked for before the
// provider concludes it was not applied.
const afterLostCreate = 5 * time.Second

// unassign removes the direct assignment. The plan refused a user whom a
// group keeps assigned unless that group's assignment is destroyed in the
// same apply, which may run a moment after this: Okta's refusal (E0000046)
// is waited out for up to wait.
func (r *userAssignmentResource) unassign(ctx context.Context, userID string, wait time.Duration) error {
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var err error
	_ = poll(waitCtx, defaultPoll, func() (bool, error) {
		// ctx, not waitCtx: a last attempt cut by the wait would lose
		// Okta's E0000046, by which Delete names the groups.
		err = r.data.okta.UnassignUserFromApp(ctx, r.data.appID, userID, false)
		return !okta.HasErrorCode(err, "E0000046"), nil
	})
	return err
}

// groupUnassignWait bounds Delete's wait for a granting group's assignment,
// destroyed in the same apply, to be gone.
const groupUnassignWait = time.Minute
