package when

import (
	"sync"
	"time"
)

// zones caches the zones read by name: time.LoadLocation reads and parses
// the zone database on each call, and a session's zone is asked for every
// message about it.
var zones sync.Map // name → *time.Location

// Zone is the zone named (an IANA name such as "America/Cayenne"), or def
// when name is empty or unknown: a session's own zone, else the
// configured one.
func Zone(name string, def *time.Location) *time.Location {
	if name == "" || name == "Local" {
		return def
	}
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return def
	}
	zones.Store(name, z)
	return z
}
