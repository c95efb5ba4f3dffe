package statsig

import "encoding/json"

// SCIMUser is a Statsig organization member as SCIM 2.0 reports it.
type SCIMUser struct {
	ID       string      `json:"id"`
	UserName string      `json:"userName"`
	Name     SCIMName    `json:"name"`
	Emails   []SCIMEmail `json:"emails,omitempty"`
	Active   bool        `json:"active"`
	// StatsigOrgRole is the org role (Member, Admin, Owner).
	StatsigOrgRole string       `json:"statsigOrgRole,omitempty"`
	Groups         []SCIMMember `json:"groups,omitempty"`
}

// UnmarshalJSON also accepts statsigOrgRole nested under the core schema URN
// (where Okta's attribute mapping puts it): servers may place custom
// attributes there instead of at the top level.
func (u *SCIMUser) UnmarshalJSON(data []byte) error {
	type plain SCIMUser
	var aux struct {
		plain
		Core *struct {
			StatsigOrgRole string `json:"statsigOrgRole"`
		} `json:"urn:ietf:params:scim:schemas:core:2.0:User"`
	}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	*u = SCIMUser(aux.plain)
	if u.StatsigOrgRole == "" && aux.Core != nil {
		u.StatsigOrgRole = aux.Core.StatsigOrgRole
	}
	return nil
}

// PrimaryEmail returns the primary email, else the first, else "".
func (u *SCIMUser) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// SCIMName is a SCIM user's name.
type SCIMName struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// SCIMEmail is one of a SCIM user's emails.
type SCIMEmail struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary,omitempty"`
}

// SCIMGroup is a Statsig project x role (or team x role) group.
type SCIMGroup struct {
	ID          string       `json:"id"`
	DisplayName string       `json:"displayName"`
	Members     []SCIMMember `json:"members,omitempty"`
}

// SCIMMember references a user (in a group) or a group (in a user).
type SCIMMember struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// ConsoleUser is a project member as the Console API reports it. Role is
// compared case-insensitively: Statsig returns both "admin" and "Admin".
type ConsoleUser struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Role      string `json:"role"`
}

// Company is the project ("company" in Statsig's internals) the Console API
// key belongs to.
type Company struct {
	CompanyID   string `json:"companyID"`
	CompanyName string `json:"companyName"`
	OrgID       string `json:"orgID"`
	OrgName     string `json:"orgName"`
}

// Role is a project role; Statsig identifies roles by name, so ID == Name.
type Role struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}
