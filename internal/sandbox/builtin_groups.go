package sandbox

// CreateBuiltInGroupOutOfBand creates a group of type BUILT_IN, as Okta's
// own "Everyone" and "Okta Administrators" are, and returns its id.
func (s *Sandbox) CreateBuiltInGroupOutOfBand(name string, memberIDs ...string) string {
	id := s.CreateGroupOutOfBand(name, "", memberIDs...)
	s.inspect(func() { s.w.Groups[id].Type = "BUILT_IN" })
	return id
}
