package okta

import "time"

// Application is the subset of an Okta app the provider reads (GET /api/v1/apps/{appId}).
type Application struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Label      string         `json:"label"`
	Status     string         `json:"status"`
	SignOnMode string         `json:"signOnMode"`
	Features   []string       `json:"features,omitempty"`
	Links      map[string]any `json:"_links,omitempty"`
}

// HasFeature reports whether the app has a provisioning feature such as
// GROUP_PUSH or PUSH_NEW_USERS enabled.
func (a *Application) HasFeature(feature string) bool {
	for _, f := range a.Features {
		if f == feature {
			return true
		}
	}
	return false
}

// AppUser is a user's assignment to an app (spec schema AppUser).
type AppUser struct {
	ID            string              `json:"id"`
	ExternalID    string              `json:"externalId,omitempty"`
	Scope         string              `json:"scope,omitempty"`
	Status        string              `json:"status,omitempty"`
	SyncState     string              `json:"syncState,omitempty"`
	Created       *time.Time          `json:"created,omitempty"`
	LastUpdated   *time.Time          `json:"lastUpdated,omitempty"`
	StatusChanged *time.Time          `json:"statusChanged,omitempty"`
	LastSync      *time.Time          `json:"lastSync,omitempty"`
	Credentials   *AppUserCredentials `json:"credentials,omitempty"`
	Profile       map[string]any      `json:"profile,omitempty"`
	Embedded      *AppUserEmbedded    `json:"_embedded,omitempty"`
}

// AppUserCredentials carries only the user name: the provider never sends
// or reads app passwords.
type AppUserCredentials struct {
	UserName string `json:"userName,omitempty"`
}

// AppUserEmbedded holds the Okta user when the request used expand=user.
type AppUserEmbedded struct {
	User *User `json:"user,omitempty"`
}

// AppUserAssignRequest is the body of POST /api/v1/apps/{appId}/users. It
// carries only writable fields: the spec marks the rest readOnly.
type AppUserAssignRequest struct {
	ID          string              `json:"id"`
	Scope       string              `json:"scope,omitempty"`
	Credentials *AppUserCredentials `json:"credentials,omitempty"`
	Profile     map[string]any      `json:"profile,omitempty"`
}

// ApplicationGroupAssignment is a group's assignment to an app.
type ApplicationGroupAssignment struct {
	ID          string                              `json:"id"`
	Priority    *int                                `json:"priority,omitempty"`
	Profile     map[string]any                      `json:"profile,omitempty"`
	LastUpdated *time.Time                          `json:"lastUpdated,omitempty"`
	Embedded    *ApplicationGroupAssignmentEmbedded `json:"_embedded,omitempty"`
}

// ApplicationGroupAssignmentEmbedded holds the group when the request used
// expand=group.
type ApplicationGroupAssignmentEmbedded struct {
	Group *Group `json:"group,omitempty"`
}

// AppGroupAssignRequest is the body of PUT /api/v1/apps/{appId}/groups/{groupId}.
type AppGroupAssignRequest struct {
	Priority *int           `json:"priority,omitempty"`
	Profile  map[string]any `json:"profile,omitempty"`
}

// Group push mapping statuses.
const (
	GroupPushStatusActive   = "ACTIVE"
	GroupPushStatusInactive = "INACTIVE"
	GroupPushStatusError    = "ERROR"
)

// GroupPushMapping links an Okta group to a group in the app.
type GroupPushMapping struct {
	ID            string     `json:"id"`
	SourceGroupID string     `json:"sourceGroupId"`
	TargetGroupID string     `json:"targetGroupId"`
	Status        string     `json:"status"`
	ErrorSummary  string     `json:"errorSummary,omitempty"`
	LastPush      *time.Time `json:"lastPush,omitempty"`
	Created       *time.Time `json:"created,omitempty"`
	LastUpdated   *time.Time `json:"lastUpdated,omitempty"`
}

// CreateGroupPushMappingRequest links a source group to an existing target
// group. It deliberately has no targetGroupName: that would make Okta create
// (or silently reuse) a group in the app, which this provider never wants.
type CreateGroupPushMappingRequest struct {
	SourceGroupID string `json:"sourceGroupId"`
	TargetGroupID string `json:"targetGroupId"`
	Status        string `json:"status,omitempty"`
}

// Group types.
const (
	GroupTypeOkta    = "OKTA_GROUP"
	GroupTypeApp     = "APP_GROUP"
	GroupTypeBuiltIn = "BUILT_IN"
)

// Group is an Okta group.
type Group struct {
	ID                    string         `json:"id"`
	Type                  string         `json:"type,omitempty"`
	Created               *time.Time     `json:"created,omitempty"`
	LastUpdated           *time.Time     `json:"lastUpdated,omitempty"`
	LastMembershipUpdated *time.Time     `json:"lastMembershipUpdated,omitempty"`
	ObjectClass           []string       `json:"objectClass,omitempty"`
	Profile               GroupProfile   `json:"profile"`
	Source                *GroupSource   `json:"source,omitempty"`
	Embedded              *GroupEmbedded `json:"_embedded,omitempty"`
}

// GroupProfile holds the standard group profile attributes.
type GroupProfile struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// GroupSource is the undocumented top-level "source" of an APP_GROUP: the id
// of the app the group was imported from.
type GroupSource struct {
	ID string `json:"id"`
}

// GroupEmbedded holds the stats when the request used expand=stats.
type GroupEmbedded struct {
	Stats *GroupStats `json:"stats,omitempty"`
}

// GroupStats are the counts returned by expand=stats.
type GroupStats struct {
	UsersCount             int `json:"usersCount"`
	AppsCount              int `json:"appsCount"`
	GroupPushMappingsCount int `json:"groupPushMappingsCount"`
}

// User is the subset of an Okta user the provider needs.
type User struct {
	ID      string      `json:"id"`
	Status  string      `json:"status,omitempty"`
	Profile UserProfile `json:"profile"`
}

// UserProfile holds the standard user profile attributes.
type UserProfile struct {
	Login     string `json:"login"`
	Email     string `json:"email,omitempty"`
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
}
