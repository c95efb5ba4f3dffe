package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// snapshot is what -state-file persists: the whole world plus credentials, so
// a restarted standalone server keeps its ids, tokens and keys.
type snapshot struct {
	Version int          `json:"version"`
	World   *world       `json:"world"`
	Creds   *credentials `json:"credentials"`
}

// SaveState writes the full state to path (atomically).
func (s *Sandbox) SaveState(path string) error {
	s.mu.Lock()
	data, err := json.MarshalIndent(snapshot{Version: 1, World: s.w, Creds: &s.creds}, "", "  ")
	s.mu.Unlock()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".sandbox-state-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// LoadState replaces the state with one saved by SaveState.
func (s *Sandbox) LoadState(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var snap snapshot
	if err := json.Unmarshal(data, &snap); err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	if snap.World == nil || snap.Creds == nil {
		return fmt.Errorf("state file %s: incomplete snapshot", path)
	}
	w := newWorld()
	// Merge into fresh maps so a partial file never leaves nil maps behind.
	data2, _ := json.Marshal(snap.World)
	if err := json.Unmarshal(data2, w); err != nil {
		return err
	}
	snap.Creds.parseKeys()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
	s.creds = *snap.Creds
	return nil
}

// SetOnChange registers fn to run after every successful mutating request.
func (s *Sandbox) SetOnChange(fn func()) { s.onChange.Store(&fn) }

func (s *Sandbox) changed() {
	if fn := s.onChange.Load(); fn != nil && *fn != nil {
		(*fn)()
	}
}
