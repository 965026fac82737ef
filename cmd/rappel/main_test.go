package main

import (
	"testing"

	"github.com/dinum/rappel/internal/testkit"
)

func TestMain(m *testing.M) {
	testkit.CheckLeaks(m)
}
