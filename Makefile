# mdmdoctor: every tool it needs comes from go.mod or is run at a pinned version with `go run`.
SHELL       := bash
.SHELLFLAGS := -o pipefail -c
GO          ?= go
BIN         := bin/mdmdoctor
VERSION     ?= 0.1.0
# Taken once per make run (:=), so that every archive of make dist carries the same stamp.
ifndef COMMIT
COMMIT      := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
endif
# The build date, UTC; SOURCE_DATE_EPOCH (reproducible builds) fixes it.
ifndef DATE
DATE        := $(shell date -u $(if $(SOURCE_DATE_EPOCH),-d @$(SOURCE_DATE_EPOCH)) +%Y-%m-%dT%H:%M:%SZ)
endif
# -trimpath keeps this machine's paths out of the binary; -s -w drop the symbol table and DWARF
# (panics still print file:line).
LDFLAGS     := -s -w -X main.stampVersion=$(VERSION) -X main.stampCommit=$(COMMIT) -X main.stampDate=$(DATE)
GOBUILD     := $(GO) build -trimpath -ldflags "$(LDFLAGS)"
DIST        := dist
SHA256SUM   ?= $(shell command -v sha256sum >/dev/null 2>&1 && echo sha256sum || echo shasum -a 256)
PLATFORMS   ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# A count, not a duration: Go 1.26's fuzz coordinator can fail a run with "context deadline exceeded" when
# a duration ends while a worker is busy (golang/go#75804); a count has no deadline to race.
FUZZTIME    ?= 500x
# make test's parts beside the race tests run at a lower priority where nice exists.
NICE        ?= $(shell command -v nice >/dev/null 2>&1 && echo nice -n 10)

.PHONY: build demo test test-race vet-windows fuzz lint bench buildcost testcost dist clean

build:
	$(GOBUILD) -o $(BIN) ./cmd/mdmdoctor

# The interactive troubleshooter on the built-in demo tenants: no credentials, no network.
demo: build
	./$(BIN) --demo

# Everything make test checked before it ran in three parts at once: vet for Windows, the race tests with
# go vet inside them, and the fuzz run. Each compiles for a target of its own (windows, -race, fuzz
# instrumentation), so the three share no work, and while the tests wait (throttling, timeouts) the cores
# compile for the others. The race tests take longest (their slowest tests start only once everything is
# compiled), so the other two run niced: they take the cores the tests leave idle, not the race compile's.
# --output-sync (GNU make 4) keeps each part's output together.
test:
	@$(MAKE) --no-print-directory -j3 $(if $(filter output-sync,$(.FEATURES)),--output-sync=target) \
		vet-windows test-race fuzz LOW="$(NICE)"

# -vet=all runs go vet ./... (every analyzer, each package with its tests) on the -race build the tests
# compile anyway, instead of on a build of its own; the CLI tests build their binary with -race too.
test-race:
	$(GO) test -race -vet=all ./...

# The journal's symlink guard and state-directory check differ on Windows (build tags): vet that side too.
vet-windows:
	GOOS=windows $(LOW) $(GO) vet ./...

# A short run of every fuzz target over its seed corpus plus new inputs. The targets are found in the
# sources: asking go test -list would compile every test package once more.
fuzz:
	@grep -rlE --include='*_test.go' '^func Fuzz[A-Z]' . | sort | while read -r f; do \
		for fn in $$(grep -oE '^func Fuzz[A-Za-z0-9_]*' "$$f" | cut -d' ' -f2); do \
			echo "fuzz ./$$(dirname "$${f#./}") $$fn"; \
			$(LOW) $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) "./$$(dirname "$${f#./}")" || exit 1; \
		done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@# Nothing may make the linker keep every method (a template run, a reflective method lookup).
	@./.ci/methodprune
	@# govulncheck exits 3 when it finds a vulnerability; any other failure is reported, not hidden, but
	@# does not fail lint on a machine that cannot reach the vulnerability database.
	@$(GO) run $(GOVULNCHECK) ./...; rc=$$?; \
	if [ $$rc -eq 3 ]; then exit 1; \
	elif [ $$rc -ne 0 ]; then echo "lint: govulncheck could not run (exit $$rc; is the vulnerability database reachable?)"; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The build's cost as the README's performance table states it: cold build time and peak memory
# (median of RUNS, default 3), the size of the binary make build makes, and whether the linker could leave
# out the methods nothing calls.
buildcost:
	@./.ci/buildcost

# make test on a fresh clone of HEAD with an empty build cache: wall and CPU time, peak RSS.
testcost:
	@./.ci/testcost

# Release archives for every platform in PLATFORMS, stamped like make build, with SHA256SUMS.
dist:
	@rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; name=mdmdoctor_$(VERSION)_$${os}_$${arch}; exe=mdmdoctor; \
		[ $$os = windows ] && exe=mdmdoctor.exe; \
		echo "dist $$name"; \
		mkdir -p $(DIST)/$$name; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GOBUILD) -o $(DIST)/$$name/$$exe ./cmd/mdmdoctor; \
		cp README.md $(DIST)/$$name/; \
		if [ $$os = windows ]; then (cd $(DIST) && zip -qr $$name.zip $$name); \
		else tar -C $(DIST) -czf $(DIST)/$$name.tar.gz $$name; fi; \
		rm -rf $(DIST)/$$name; \
	done
	@cd $(DIST) && $(SHA256SUM) mdmdoctor_* > SHA256SUMS && cat SHA256SUMS

clean:
	rm -rf bin $(DIST)
