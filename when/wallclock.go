package when

import "time"

// WallClock resolves a local wall-clock time to an instant without the
// ambiguity of time.Date: a time that occurs twice (autumn) is the first
// occurrence, and a time that does not exist (spring) is read with the
// offset in force before the change, which moves it forward by the gap
// (02:30 becomes 03:30 in Paris on the last Sunday of March).
func WallClock(loc *time.Location, y int, m time.Month, d, hh, mm, ss, ns int) time.Time {
	naive := time.Date(y, m, d, hh, mm, ss, ns, time.UTC)
	_, before := naive.Add(-48 * time.Hour).In(loc).Zone()
	_, after := naive.Add(48 * time.Hour).In(loc).Zone()
	var found time.Time
	for _, off := range []int{before, after} {
		t := naive.Add(-time.Duration(off) * time.Second)
		if sameWallClock(t.In(loc), naive) && (found.IsZero() || t.Before(found)) {
			found = t
		}
	}
	if found.IsZero() {
		found = naive.Add(-time.Duration(before) * time.Second)
	}
	return found.In(loc)
}

func sameWallClock(local, naive time.Time) bool {
	y1, m1, d1 := local.Date()
	y2, m2, d2 := naive.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && local.Hour() == naive.Hour() &&
		local.Minute() == naive.Minute() && local.Second() == naive.Second()
}
