# scrape: every entry point. `make run` and `make test` install what is missing first.
SWIFT ?= swift
RELEASE_BIN = .build/release
# Release binaries link the Swift runtime statically: one self-contained file that starts in
# ~14 ms instead of ~21 ms and keeps ~6 MB less resident (measured). `scrape` has no
# Foundation but FoundationEssentials (ArgumentParser's); `scrape-nio` has all of it.
RELEASE = -c release --static-swift-stdlib

.PHONY: all deps build release run test install bench bench-http bench-politeness bench-api bench-daemon bench-ws bench-fleet fuzz test-sanitize test-tsan test-stress test-html5lib bench-fields bench-proxy clean

# make install: where things go. DESTDIR stages a package root.
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= $(SYSCONFDIR)/systemd/system

all: build

## deps: install the Debian packages the build needs (libcurl4-openssl-dev, pkg-config, ...)
deps:
	@scripts/install-deps.sh

## build: debug build of everything
build: deps
	$(SWIFT) build

## release: optimised build
release: deps
	$(SWIFT) build $(RELEASE)

## run: set up, build, and scrape the bundled offline example (Examples/urls.txt): records on stdout
run: deps
	$(SWIFT) build $(RELEASE) --product scrape
	scripts/run-example.sh $(RELEASE_BIN)/scrape

## test: set up, build and run every test (loopback servers only; the stress suite has its own target).
## Six passes: the tests that time a loopback server's view alone (a slow drip that curl's 5 s low-speed limit must
## not cut, and the requests per second a host sees from the daemon: beside tests that hold the 2 cooperative
## threads, the in-process server ran late and its log showed requests bunched), everything else, the HTML suites, the
## crawl, field-run and --since suites, the suites of sessions, proxies and the shared daemon engine (runs, daemons and
## binaries started by the dozen, real proxies: beside the rest they stretched its first burst of tests from 9 to 17 s
## and a loopback request of ScrapeRunTests past its 3 s timeout), then fleet mode (Tests/ScrapeFrontierTests, DaemonFrontierTests), which starts throwaway
## PostgreSQL 15 clusters (as the postgres user when root) on free 127.0.0.1 ports and stops them when
## it ends: their start-up CPU would otherwise compete, on 2 cores, with the tests that time transfers.
## A sweep before and after stops any cluster a crashed run left. The HTML suites (tree builder, selectors,
## 100,000-deep documents) run in a pass of their own: their seconds of CPU on the cooperative threads starved
## the timers of the WebSocket close-handshake tests running beside them; the crawl and field-run suites (whole
## runs and crawls of loopback sites at once) likewise stalled the slow-drip test's server past curl's 5 s
## low-speed limit
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'HTTPClientLimitsTests|DaemonHostTableTests'
	$(SWIFT) test --skip-build --skip HTTPClientLimitsTests --skip DaemonHostTableTests --skip ScrapeStressTests --skip ScrapeFrontierTests --skip DaemonFrontierTests --skip ScrapeHTMLTests --skip ScrapeCrawlTests --skip CrawlCommandTests --skip FieldsRunTests --skip FieldsCommandTests --skip DaemonFieldsTests --skip DaemonCrawlTests --skip SinceRunTests --skip RevisitRunTests --skip DaemonRevisitTests \
		--skip LoginRunTests --skip DaemonLoginTests --skip CookieJarTests --skip CookieRunTests --skip SessionCommandTests --skip DaemonCookieTests --skip APISessionTests --skip ProxyCommandTests --skip ProxyPoolRunTests --skip DaemonProxyTests --skip HTTPClientProxyTests --skip StreamProxyTests --skip SecureStreamProxyTests --skip DaemonSharedBreakerTests --skip DaemonSharedRobotsTests --skip DaemonJobHTTPTests --skip DaemonQueueMetricTests --skip APIJobHTTPTests --skip CheckConfigJobHTTPTests
	$(SWIFT) test --skip-build --filter ScrapeHTMLTests
	$(SWIFT) test --skip-build --filter 'ScrapeCrawlTests|CrawlCommandTests|FieldsRunTests|FieldsCommandTests|DaemonFieldsTests|DaemonCrawlTests|SinceRunTests|RevisitRunTests|DaemonRevisitTests'
	$(SWIFT) test --skip-build --filter 'LoginRunTests|DaemonLoginTests|CookieJarTests|CookieRunTests|SessionCommandTests|DaemonCookieTests|APISessionTests|ProxyCommandTests|ProxyPoolRunTests|DaemonProxyTests|HTTPClientProxyTests|StreamProxyTests|SecureStreamProxyTests|DaemonSharedBreakerTests|DaemonSharedRobotsTests|DaemonJobHTTPTests|DaemonQueueMetricTests|APIJobHTTPTests|CheckConfigJobHTTPTests'
	@scripts/pg-cluster.sh sweep /tmp/scrape-pg-test
	$(SWIFT) test --skip-build --filter 'ScrapeFrontierTests|DaemonFrontierTests'; status=$$?; scripts/pg-cluster.sh sweep /tmp/scrape-pg-test; exit $$status

## test-stress: the scheduler and the HTTP engine under contention, many rounds (Tests/ScrapeStressTests)
test-stress: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter ScrapeStressTests

## test-html5lib: our tree builder and tokenizer over a copy of html5lib-tests (HTML5LIB_TESTS=DIR, the folder
## holding its tokenizer/ and tree-construction/), scripting on; prints passed/failed per file
test-html5lib: deps
	@if [ -z "$(HTML5LIB_TESTS)" ] || [ ! -d "$(HTML5LIB_TESTS)" ]; then \
	    echo "test-html5lib: set HTML5LIB_TESTS to a copy of html5lib-tests (the folder with tokenizer/ and tree-construction/)," >&2; \
	    echo "  e.g. git clone https://github.com/html5lib/html5lib-tests /tmp/html5lib-tests && make test-html5lib HTML5LIB_TESTS=/tmp/html5lib-tests" >&2; \
	    echo "  (got: '$(HTML5LIB_TESTS)'$(if $(HTML5LIB_TESTS), which is not a directory,))" >&2; exit 2; fi
	@test -d "$(HTML5LIB_TESTS)/tree-construction" || test -d "$(HTML5LIB_TESTS)/tokenizer" || \
	    { echo "test-html5lib: $(HTML5LIB_TESTS) has neither tokenizer/ nor tree-construction/" >&2; exit 2; }
	$(SWIFT) build --build-tests
	HTML5LIB_TESTS="$(abspath $(HTML5LIB_TESTS))" $(SWIFT) test --skip-build --filter 'HTML5Lib'

## install: the release binaries (scrape, and scrape-nio which `scrape daemon` runs), the systemd units
## (scrape.service; scrape-worker@.service for fleet workers)
## and a commented /etc/scrape/scrape.yaml (kept if present). Binaries go in stripped (scrape: 39 -> 18 MB);
## their symbols and debug info go to DEBUGDIR, where gdb finds them through a debuglink
DEBUGDIR ?= /usr/lib/debug$(PREFIX)/bin
install: deps
	$(SWIFT) build $(RELEASE) --product scrape
	$(SWIFT) build $(RELEASE) --product scrape-nio
	install -D -m 0755 $(RELEASE_BIN)/scrape $(DESTDIR)$(PREFIX)/bin/scrape
	install -D -m 0755 $(RELEASE_BIN)/scrape-nio $(DESTDIR)$(PREFIX)/bin/scrape-nio
	install -d -m 0755 $(DESTDIR)$(DEBUGDIR)
	for b in scrape scrape-nio; do \
	    objcopy --only-keep-debug $(DESTDIR)$(PREFIX)/bin/$$b $(DESTDIR)$(DEBUGDIR)/$$b.debug && \
	    objcopy --strip-debug --strip-unneeded --add-gnu-debuglink=$(DESTDIR)$(DEBUGDIR)/$$b.debug $(DESTDIR)$(PREFIX)/bin/$$b || exit 1; \
	done
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/scrape $(DESTDIR)$(PREFIX)/share/doc/scrape/docs
	sed -e 's#/usr/local/bin/scrape#$(PREFIX)/bin/scrape#' -e 's#/usr/local/share/doc#$(PREFIX)/share/doc#' \
	    -e 's#/etc/scrape/#$(SYSCONFDIR)/scrape/#' systemd/scrape.service > $(DESTDIR)$(UNITDIR)/scrape.service
	sed -e 's#/usr/local/bin/scrape#$(PREFIX)/bin/scrape#' -e 's#/usr/local/share/doc#$(PREFIX)/share/doc#' \
	    -e 's#/etc/scrape/#$(SYSCONFDIR)/scrape/#' systemd/scrape-worker@.service > $(DESTDIR)$(UNITDIR)/scrape-worker@.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/scrape.service $(DESTDIR)$(UNITDIR)/scrape-worker@.service
	test -e $(DESTDIR)$(SYSCONFDIR)/scrape/scrape.yaml || install -m 0644 Config/scrape.yaml $(DESTDIR)$(SYSCONFDIR)/scrape/scrape.yaml
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/scrape/README.md
	install -m 0644 docs/*.md $(DESTDIR)$(PREFIX)/share/doc/scrape/docs/
	@echo "installed; now: systemctl daemon-reload && systemctl enable --now scrape"

## bench: scrape beside curl, aiohttp + BeautifulSoup and Scrapy on the same corpus (see Benchmarks/bench.sh)
bench: deps
	@scripts/install-deps.sh nginx-light libnginx-mod-http-echo wrk curl time python3-venv tinyproxy-bin
	@test -x Benchmarks/.venv/bin/python || python3 -m venv Benchmarks/.venv
	@Benchmarks/.venv/bin/python -c 'import aiohttp, bs4, lxml, scrapy' 2>/dev/null || Benchmarks/.venv/bin/pip install -q aiohttp beautifulsoup4 lxml scrapy
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/bench.sh $(RELEASE_BIN)/scrape

## bench-proxy: the static case through one local tinyproxy: scrape --proxy beside curl --parallel -x;
## pages/s, client and proxy CPU (RUNS, PAGES, CONCURRENCY; see Benchmarks/bench-proxy.sh)
bench-proxy: deps
	@scripts/install-deps.sh nginx-light curl time
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/bench-proxy.sh $(RELEASE_BIN)/scrape

## bench-fields: --field extraction on a corpus of product/article pages: scrape beside Scrapy (parsel) and
## aiohttp + BeautifulSoup (lxml) over HTTP, and `scrape extract` beside selectolax (lexbor) on saved copies;
## pages/s, CPU per page, peak RSS (ROUNDS, PAGES; see Benchmarks/bench-fields.sh)
bench-fields: deps
	@scripts/install-deps.sh nginx-light curl time python3-venv
	@test -x Benchmarks/.venv/bin/python || python3 -m venv Benchmarks/.venv
	@Benchmarks/.venv/bin/python -c 'import aiohttp, bs4, lxml, scrapy, parsel, selectolax' 2>/dev/null || Benchmarks/.venv/bin/pip install -q aiohttp beautifulsoup4 lxml scrapy parsel selectolax
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/bench-fields.sh $(RELEASE_BIN)/scrape

## bench-crawl: scrape crawl beside wget --recursive --no-parent and Scrapy's CrawlSpider on nginx serving the
## PostgreSQL 15 HTML docs (postgresql-doc-15, ~1,170 files), at each tool's default limits and at per-host
## concurrency 1: wall time, CPU, pages found, URL sets compared (ROUNDS); BENCH_CRAWL_MILLION=1 adds the
## 1,000,000-page memory case (peak RSS; 15+ minutes), which bench-crawl-memory runs alone (see Benchmarks/bench-crawl.sh)
.PHONY: bench-crawl bench-crawl-memory
bench-crawl: deps
	@scripts/install-deps.sh nginx-light curl time wget sqlite3 postgresql-doc-15 python3-venv
	@test -x Benchmarks/.venv/bin/python || python3 -m venv Benchmarks/.venv
	@Benchmarks/.venv/bin/python -c 'import scrapy' 2>/dev/null || Benchmarks/.venv/bin/pip install -q scrapy
	$(SWIFT) build $(RELEASE) --product scrape
	BENCH_CRAWL_MILLION=$(BENCH_CRAWL_MILLION) Benchmarks/bench-crawl.sh $(RELEASE_BIN)/scrape

bench-crawl-memory: deps
	@scripts/install-deps.sh nginx-light curl time sqlite3
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/bench-crawl.sh $(RELEASE_BIN)/scrape memory

## bench-http: pages/s against nginx on 127.0.0.1: scrape (titles), scrape-fetch and curl --parallel
bench-http: deps
	@scripts/install-deps.sh nginx-light curl time
	$(SWIFT) build $(RELEASE) --product scrape
	$(SWIFT) build $(RELEASE) --product scrape-fetch
	Benchmarks/http/bench.sh $(RELEASE_BIN)/scrape $(RELEASE_BIN)/scrape-fetch

## bench-politeness: rate limits hold (--per-host-rate 20/s), a slow host does not slow the others, and
## --per-host-concurrency auto against hosts of fixed capacity beside fixed limits (ROUNDS, default 3)
bench-politeness: deps
	@scripts/install-deps.sh nginx-light curl bc python3
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/politeness/measure.sh $(RELEASE_BIN)/scrape

## bench-api: records/s and peak RSS of a 10,000-record, 100-page scrape api job on loopback; then
## users -> orders one at a time vs concurrently, and a 10,000-page known-total walk, at 20 ms a request
bench-api: deps
	@scripts/install-deps.sh nginx-light libnginx-mod-http-echo curl time
	$(SWIFT) build $(RELEASE) --product scrape
	Benchmarks/api/measure.sh $(RELEASE_BIN)/scrape

## bench-daemon: scrape daemon's RSS and file descriptors over a soak (SOAK_SECONDS, default 1800), reload latency, drain time
SOAK_SECONDS ?= 1800
bench-daemon: deps
	$(SWIFT) build $(RELEASE) --product scrape
	$(SWIFT) build $(RELEASE) --product scrape-nio
	python3 Benchmarks/daemon/measure.py $(RELEASE_BIN)/scrape $(SOAK_SECONDS)

## bench-ws: scrape ws against a Python websockets client on 1,000,000 small JSON messages from a local
## server (WS_COUNT, ROUNDS): messages/s, CPU per message, peak RSS (see Benchmarks/ws/bench.sh)
bench-ws: deps
	@scripts/install-deps.sh time bc python3-venv
	@test -x Benchmarks/.venv/bin/python || python3 -m venv Benchmarks/.venv
	@Benchmarks/.venv/bin/python -c 'import websockets' 2>/dev/null || Benchmarks/.venv/bin/pip install -q 'websockets==13.1'
	$(SWIFT) build $(RELEASE) --product scrape
	$(SWIFT) build $(RELEASE) --product scrape-nio
	Benchmarks/ws/bench.sh $(RELEASE_BIN)/scrape

## bench-fleet: fleet mode on PostgreSQL: 20,000 100 ms pages on 16 origins with 1, 2 and 4 workers
## (scaling), then 200,000 fast pages with 2 workers against one-shot scrape (overhead per URL);
## SLOW_URLS, FAST_URLS, ROUNDS; FLEET_NETNS=1 (root) puts each worker in a network namespace of its own
## (see Benchmarks/fleet/bench.sh)
bench-fleet: deps
	@scripts/install-deps.sh nginx-light libnginx-mod-http-echo curl time bc postgresql-client-15 iproute2
	$(SWIFT) build $(RELEASE) --product scrape
	$(SWIFT) build $(RELEASE) --product scrape-nio
	Benchmarks/fleet/bench.sh $(RELEASE_BIN)/scrape

## fuzz: libFuzzer on the title extractor, robots.txt, the JSON parser, the URL-line reader, the resume
## index and the config loader; FUZZ_SECONDS each (default 60), fails on any crash (see scripts/fuzz.sh)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
fuzz: deps
	SCRAPE_FUZZ=1 $(SWIFT) build -c release --scratch-path .build-fuzz --product scrape-fuzz -Xswiftc -sanitize=fuzzer,address
	scripts/fuzz.sh .build-fuzz/release/scrape-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## test-sanitize: the whole test suite built and run under AddressSanitizer (its own build folder), one
## test at a time: ASan's 2-3x slowdown with tests in parallel on 2 cores trips the tests' own timeouts
test-sanitize: deps
	$(SWIFT) build --scratch-path .build-asan --build-tests --sanitize=address
	SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan.supp $(SWIFT) test --scratch-path .build-asan --skip-build --sanitize=address --no-parallel

## test-tsan: the whole test suite under ThreadSanitizer (its own build folder, one test at a time).
## SCRAPE_TSAN makes ScrapeBase.Locked tell TSan about its lock, which TSan cannot see on its own
TSAN_FILTER ?=
test-tsan: deps
	$(SWIFT) build --scratch-path .build-tsan --build-tests --sanitize=thread -Xswiftc -DSCRAPE_TSAN
	SWIFT_BACKTRACE=enable=no TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" $(SWIFT) test --scratch-path .build-tsan --skip-build --sanitize=thread --no-parallel $(if $(TSAN_FILTER),--filter '$(TSAN_FILTER)')

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan Fuzz/work
