//go:build !profile

package main

// startProfile does nothing outside of benchmark builds (profile.go).
func startProfile() func() { return func() {} }
