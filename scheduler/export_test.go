package scheduler

import "context"

// Plan runs one planning pass, for the benchmarks of the external test
// package.
func (s *Scheduler) Plan(ctx context.Context) error { return s.plan(ctx) }
