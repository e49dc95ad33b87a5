//go:build race

package main

// raceBuild says the tests run under the race detector, so TestMain builds the binary with it too:
// the CLI tests then run mdmdoctor itself under the detector, and make test compiles every package
// once (with -race) instead of once more without it.
const raceBuild = true
