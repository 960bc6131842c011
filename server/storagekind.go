package server

// What each store calls itself in /passcrow/stats (stats.go).

// StorageKind implements StorageKinder.
func (*MemoryStore) StorageKind() string { return "memory" }

// StorageKind implements StorageKinder.
func (*BoltStore) StorageKind() string { return "bolt" }
