# mdmdoctor: every tool it needs comes from go.mod or is run at a pinned version with `go run`.
SHELL       := bash
.SHELLFLAGS := -o pipefail -c
GO          ?= go
BIN         := bin/mdmdoctor
VERSION     ?= 0.1.0
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# A count, not a duration: Go 1.26's fuzz coordinator can fail a run with "context deadline exceeded" when
# a duration ends while a worker is busy (golang/go#75804); a count has no deadline to race.
FUZZTIME    ?= 500x

.PHONY: build demo test fuzz lint bench clean

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/mdmdoctor

# The interactive troubleshooter on the built-in demo tenants: no credentials, no network.
demo: build
	./$(BIN) --demo

test:
	$(GO) vet ./...
	@# The journal's symlink guard and state-directory check differ on Windows (build tags): vet that side too.
	GOOS=windows $(GO) vet ./...
	$(GO) test -race ./...
	$(MAKE) fuzz

# A short run of every fuzz target over its seed corpus plus new inputs.
fuzz:
	@$(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/{n[++c]=$$1} /^ok/{for(i=1;i<=c;i++) print $$2, n[i]; c=0}' | \
	while read -r pkg fn; do \
		echo "fuzz $$pkg $$fn"; \
		$(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...
	@# govulncheck exits 3 when it finds a vulnerability; any other failure is reported, not hidden, but
	@# does not fail lint on a machine that cannot reach the vulnerability database.
	@$(GO) run $(GOVULNCHECK) ./...; rc=$$?; \
	if [ $$rc -eq 3 ]; then exit 1; \
	elif [ $$rc -ne 0 ]; then echo "lint: govulncheck could not run (exit $$rc; is the vulnerability database reachable?)"; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
