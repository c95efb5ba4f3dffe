package sandbox

// Out-of-band changes that put Okta in the states an access review reports
// (what an admin, Okta's lifecycle or a failed provisioning task leaves
// behind), set directly so tests do not depend on provisioning or push
// timings.

// SetUserStatusOutOfBand sets an Okta user's status (ACTIVE, SUSPENDED,
// DEPROVISIONED, ...). Assignments are left as they are, as Okta does for a
// suspended user.
func (s *Sandbox) SetUserStatusOutOfBand(userID, status string) {
	s.inspect(func() {
		if u := s.w.Users[userID]; u != nil {
			u.Status = status
		}
	})
}

// SetAppUserSyncOutOfBand sets an app user's status and syncState as they
// stand after a failed provisioning (STAGED / ERROR, with reason kept where
// Okta keeps it: in the admin console's Tasks, not in the API) or on an app
// whose provisioning is off (ACTIVE / DISABLED). status "" keeps the status.
func (s *Sandbox) SetAppUserSyncOutOfBand(userID, status, syncState, reason string) {
	s.inspect(func() {
		au := s.w.AppUsers[userID]
		if au == nil {
			return
		}
		if status != "" {
			au.Status = status
		}
		au.SyncState, au.ErrorReason, au.LastUpdated = syncState, "", s.now()
		if syncState == "ERROR" {
			au.ErrorReason = reason
		}
	})
}
