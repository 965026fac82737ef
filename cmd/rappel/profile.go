//go:build profile

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

// startProfile, in a binary built with -tags profile, writes the CPU
// profile of the whole run to the file named by RAPPEL_CPU_PROFILE, and the
// heap profile at its peak to RAPPEL_HEAP_PROFILE, for "make bench"; it
// returns what ends them. Production binaries carry none of this
// (profile_off.go).
func startProfile() func() {
	if heap := os.Getenv("RAPPEL_HEAP_PROFILE"); heap != "" {
		go watchHeap(heap)
	}
	path := os.Getenv("RAPPEL_CPU_PROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// watchHeap writes a heap profile each time the heap in use reaches a new
// peak, checked every 100 ms.
func watchHeap(path string) {
	var peak uint64
	var ms runtime.MemStats
	for range time.Tick(100 * time.Millisecond) {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse <= peak*11/10 {
			continue
		}
		peak = ms.HeapInuse
		if f, err := os.Create(path); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		}
	}
}
