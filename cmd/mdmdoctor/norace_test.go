//go:build !race

package main

// raceBuild says the tests run under the race detector (see race_test.go).
const raceBuild = false
