import Foundation
import Glibc
import ScrapeTestSupport
import Testing

/// The built `scrape` binary, run as a user would: exit codes, stdout, stderr, signals, --resume.
@Suite(.timeLimit(.minutes(2)))
struct ScrapeBinaryTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func temporaryPath(_ name: String) -> String { TemporaryFiles.path(name) }

    private func write(_ lines: [String]) throws -> String { try TemporaryFiles.urlList(lines) }

    private func scrape(_ arguments: [String], stdin: String = "/dev/null") async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, stdinPath: stdin).wait()
    }

    private func records(_ text: String) throws -> [[String: Any]] { try TemporaryFiles.records(text) }

    private func kind(_ record: [String: Any]?) -> String? {
        (record?["error"] as? [String: Any])?["kind"] as? String
    }

    @Test func mixedListEndsAsOneRecordPerLine() async throws {
        let silent = try SilentServer()
        defer { silent.close() }
        try await TestServer.withRunning { server in
            let lines = [
                server.url("/page/1"), server.url("/status/404"), silent.url, "file:///etc/passwd", "ftp://127.0.0.1/",
                "not a url at all", server.url("/page/1"), "# comment", "", server.url("/page/2"),
            ]
            let input = try write(lines)
            let output = temporaryPath("out.jsonl")
            defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            // Long enough for loaded CI machines; the silent server needs all of it.
            let result = try await scrape([input, "-o", output, "--timeout", "3s", "--ignore-robots", "--retries", "0"])
            #expect(result.status == 0)
            let written = try records(String(contentsOfFile: output, encoding: .utf8))
            #expect(written.count == 8)
            func first(_ url: String) -> [String: Any]? { written.first { $0["url"] as? String == url } }
            #expect(written.filter { $0["url"] as? String == server.url("/page/1") }.count == 2)
            #expect(first(server.url("/page/2"))?["title"] as? String == "Page 2")
            #expect(kind(first(server.url("/status/404"))) == "http")
            #expect(kind(first(silent.url)) == "timeout")
            #expect(kind(first("file:///etc/passwd")) == "unsupported_scheme")
            #expect(kind(first("ftp://127.0.0.1/")) == "unsupported_scheme")
            #expect(kind(first("not a url at all")) == "invalid_url")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("scrape: 8 records"))
        }
    }

    @Test func readsStdinAndWritesStdout() async throws {
        try await TestServer.withRunning { server in
            let input = try write((1...5).map { server.url("/page/\($0)") })
            defer { try? FileManager.default.removeItem(atPath: input) }
            let result = try await scrape(["-", "--quiet"], stdin: input)
            #expect(result.status == 0)
            let titles = try records(result.stdout).compactMap { $0["title"] as? String }
            #expect(Set(titles) == Set((1...5).map { "Page \($0)" }))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func signalMidRunThenResumeGivesExactlyOneRecordPerURL(signal: Int32, status: Int32) async throws {
        try await TestServer.withRunning { server in
            let urls = (0..<24).map { server.url("/delay/300?i=\($0)") }
            let input = try write(urls)
            let output = temporaryPath("out.jsonl")
            defer { [input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }

            let child = try ChildProcess(Self.binary, [input, "-o", output, "--concurrency", "3"])
            while server.log.count(path: "/delay/300") < 7 { try await Task.sleep(for: .milliseconds(20)) }
            child.send(signal)
            let interrupted = try await child.wait()
            #expect(interrupted.status == status)
            #expect(interrupted.stderr.contains("interrupted"))
            #expect(interrupted.stderr.contains("--resume"))
            let partial = try records(String(contentsOfFile: output, encoding: .utf8))
            #expect(partial.count >= 3 && partial.count < 24)

            let resumed = try await scrape([input, "-o", output, "--concurrency", "6", "--resume"])
            #expect(resumed.status == 0)
            #expect(resumed.stderr.contains("resumed: \(partial.count) URLs already recorded were skipped"))
            let all = try records(String(contentsOfFile: output, encoding: .utf8)).compactMap { $0["url"] as? String }
            #expect(all.count == 24)
            #expect(Set(all) == Set(urls))
        }
    }

    @Test(arguments: [
        (["urls.txt", "--timeout", "10 per sec"], "--timeout: expected a duration like 250ms, 30s, 5m or 1h, got \"10 per sec\""),
        (["urls.txt", "--max-body", "lots"], "--max-body: expected a size like 512KiB or 10MiB, got \"lots\""),
        (["urls.txt", "--concurrency", "0"], "--concurrency: expected a whole number >= 1, got \"0\""),
        (["urls.txt", "--bogus"], "Unknown option '--bogus'"),
        (["urls.txt", "--per-host-rate", "10 per sec"], "--per-host-rate: expected N/s, N/m or N/h, got \"10 per sec\""),
        (["urls.txt", "--retries=-1"], "--retries: expected a whole number >= 0, got \"-1\""),
        (["urls.txt", "--resume"], "--resume needs an output file"),
        (["/nonexistent/urls.txt"], "cannot read /nonexistent/urls.txt: No such file or directory"),
        ([], "Missing expected argument '<urls-file>'"),
    ])
    func usageErrorsExitTwoAndSayWhy(arguments: [String], message: String) async throws {
        let result = try await scrape(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func configErrorsNameTheKey() async throws {
        let config = temporaryPath("scrape.yaml")
        try "http:\n  per_host_rate: 10 per sec\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let result = try await scrape(["-", "--config", config])
        #expect(result.status == 2)
        #expect(result.stderr.contains("line 2: http.per_host_rate: expected N/s, N/m or N/h, got \"10 per sec\""))
    }

    @Test func checkConfigPrintsTheEffectiveSettings() async throws {
        let config = temporaryPath("scrape.yaml")
        try "http:\n  per_host_rate: 600/m\n  retries: 1\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let result = try await scrape(["check-config", config])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\(config): OK"))
        #expect(result.stdout.contains("per_host_rate: 10/s"))
        #expect(result.stdout.contains("retries: 1"))
        #expect(result.stdout.contains("concurrency: 64"))  // defaults are shown too
        #expect(result.stdout.contains("robots_txt: obey"))

        try "http:\n  retries: many\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try await scrape(["check-config", config])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("line 2: http.retries: expected a whole number >= 0, got \"many\""))
    }

    @Test func checkConfigAppliesTheDaemonsRulesToADaemonFile() async throws {
        let config = temporaryPath("scrape.yaml")
        let token = temporaryPath("token")
        defer { [config, token].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let job = "jobs:\n  - name: a\n    scrape: {urls_file: urls.txt}\n    output: \"-\"\n"
        // Without daemon: the file is a one-shot/api config, where stdout is fine.
        try job.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try await scrape(["check-config", config]).status == 0)
        try (job + "daemon:\n  drain_timeout: 5s\n").write(toFile: config, atomically: true, encoding: .utf8)
        let stdout = try await scrape(["check-config", config])
        #expect(stdout.status == 2)
        #expect(stdout.stderr.contains("jobs[0].output: \"-\" (stdout) cannot be used by the daemon"))
        try "short\n".write(toFile: token, atomically: true, encoding: .utf8)
        try "daemon:\n  listen: 0.0.0.0:9464\n  token_file: \(token)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let weak = try await scrape(["check-config", config])
        #expect(weak.status == 2)
        #expect(weak.stderr.contains("daemon.token_file: \(token) must hold a token of at least 16 characters"))
        try "0123456789abcdef0123\n".write(toFile: token, atomically: true, encoding: .utf8)
        let good = try await scrape(["check-config", config])
        #expect(good.status == 0)
        #expect(good.stdout.contains("listen: 0.0.0.0:9464"))
        #expect(!good.stdout.contains("0123456789abcdef"))  // the token itself is never printed
    }

    @Test func summaryCountsRetriesBreakersAndRobots() async throws {
        try await TestServer.withRunning { server in
            let input = try write([server.url("/flaky?fail=1&key=s"), server.url("/private/x"), server.url("/page/1")])
            defer { try? FileManager.default.removeItem(atPath: input) }
            let result = try await scrape([input, "-o", "/dev/null"])
            #expect(result.status == 0)
            #expect(result.stderr.contains("retries: 1, circuit open: 0, robots disallowed: 1"), "stderr: \(result.stderr)")
        }
    }

    @Test func unwritableOutputExitsOne() async throws {
        let result = try await scrape(["-", "-o", "/nonexistent-dir/out.jsonl"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write /nonexistent-dir/out.jsonl"))
    }

    @Test func helpExitsZero() async throws {
        let root = try await scrape(["--help"])
        #expect(root.status == 0)
        #expect(root.stdout.contains("USAGE"))
        #expect(root.stdout.contains("scrape urls.txt -o titles.jsonl"))
        let run = try await scrape(["run", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("--per-host-concurrency"))
    }

    /// `--version` names our release and the libcurl in use; `scrape daemon` (another
    /// binary, exec'd) says the same.
    @Test func versionNamesReleaseAndLibcurl() async throws {
        let version = try await scrape(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("scrape 1.0 (libcurl "), "stdout: \(version.stdout)")
        let daemon = try await scrape(["daemon", "--version"])
        #expect(daemon.status == 0)
        #expect(daemon.stdout == version.stdout)
    }
}

/// `scrape api` as a user runs it.
@Suite(.timeLimit(.minutes(1)))
struct ScrapeAPIBinaryTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func config(_ server: TestServer, _ jobs: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID().uuidString).yaml").path
        try jobs.replacingOccurrences(of: "BASE", with: server.baseURL).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Jobs given together run at once: each waits at a barrier route that answers only when
    /// both have arrived, which jobs run one after the other could never pass.
    @Test func severalJobsRunAtOnceEachToItsOutput() async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
            let key = UUID().uuidString
            let jobs = ["first", "second", "third"].map { name in
                """
                  - name: \(name)
                    api: {base_url: BASE/api/, path: "barrier?key=\(key)&parties=2&n=\(name.count)", auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}}
                    output: \(directory)/\(name).jsonl
                """
            }
            let path = try config(server, "jobs:\n" + jobs.joined(separator: "\n") + "\n  - name: shared\n    api: {base_url: BASE/api/, path: single}\n    output: \(directory)/first.jsonl\n")
            let both = try await ChildProcess(Self.binary, ["api", path, "--job", "first", "--job", "second", "--with-meta"]).wait()
            #expect(both.status == 0, "\(both.stderr)")
            let first = try String(contentsOfFile: directory + "/first.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(first.count == 5)
            #expect(first.allSatisfy { $0.hasPrefix(#"{"job":"first","page_url":"\#(server.baseURL)/api/barrier?"#) && $0.hasSuffix("}}") })
            #expect(try String(contentsOfFile: directory + "/second.jsonl", encoding: .utf8).split(separator: "\n").count == 6)

            for (arguments, message) in [
                (["--job", "first", "--job", "second", "-o", "-"], "-o works with one --job"),
                (["--job", "first", "--job", "first"], "--job first is given twice"),
                (["--job", "first", "--job", "shared"], "two jobs have output: \(directory)/first.jsonl"),
                (["--job", "first", "--job", "nope"], "no api job named \"nope\""),
            ] {
                let refused = try await ChildProcess(Self.binary, ["api", path] + arguments).wait()
                #expect(refused.status == 2, "\(arguments)")
                #expect(refused.stderr.contains(message), "\(refused.stderr)")
            }
        } }
    }

    /// users -> orders: one paginated walk of the child endpoint per user record, parent
    /// fields added, each user's orders in page order; --from-output reads the parents back.
    @Test func childJobsWalkOncePerParentRecord() async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
            func jobs(_ usersQuery: String, ordersQuery: String = "") -> String {
                """
                jobs:
                  - name: users
                    api:
                      base_url: BASE/api/
                      path: "users?n=5&size=2\(usersQuery)"
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      data_selector: users
                      paginator: {type: page_number, total_path: total_pages}
                    output: \(directory)/users.jsonl
                  - name: orders
                    api:
                      base_url: BASE/api/
                      path: "users/{user_id}/orders\(ordersQuery)"
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      resolve: {user_id: {job: users, field: id}}
                      include_from_parent: [id, name]
                      paginator: {type: header_link}
                    output: \(directory)/orders.jsonl
                """
            }
            let path = try config(server, jobs("", ordersQuery: "?throttle=3"))
            let run = try await ChildProcess(Self.binary, ["api", path, "--job", "orders"]).wait()
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try String(contentsOfFile: directory + "/users.jsonl", encoding: .utf8).split(separator: "\n").count == 5)
            let orders = try String(contentsOfFile: directory + "/orders.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(orders.count == 15)  // 3 per user, user 3's after a 429 and its Retry-After
            for user in 1...5 {
                let mine = orders.filter { $0.contains(#""order":"u\#(user)-"#) }
                #expect(mine.map { String($0.prefix(17)) } == (1...3).map { #"{"order":"u\#(user)-o\#($0)","# })
                #expect(mine.allSatisfy { $0.hasSuffix(#","_users_id":\#(user),"_users_name":"user \#(user)"}"#) })
            }
            #expect(run.stderr.contains("job orders: 15 records from 10 pages"))

            let requestsBefore = server.log.all.filter { $0.path == "/api/users" }.count
            let again = try await ChildProcess(Self.binary, ["api", path, "--job", "orders", "--from-output"]).wait()
            #expect(again.status == 0, "\(again.stderr)")
            #expect(server.log.all.filter { $0.path == "/api/users" }.count == requestsBefore)  // parents read back, not fetched
            #expect(try String(contentsOfFile: directory + "/orders.jsonl", encoding: .utf8).split(separator: "\n").count == 15)

            // A parent that fails part-way: exit 1 naming it; its children do not run.
            let failing = try config(server, jobs("&fail_page=2"))
            let failed = try await ChildProcess(Self.binary, ["api", failing, "--job", "orders"]).wait()
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("job users:"))
            #expect(failed.stderr.contains("its parent job users failed"), "\(failed.stderr)")

            // A cycle is a config error naming the jobs.
            let cycle = try config(server, """
                jobs:
                  - {name: a, api: {base_url: BASE/api/, path: "x/{p}", resolve: {p: {job: b, field: id}}}}
                  - {name: b, api: {base_url: BASE/api/, path: "y/{q}", resolve: {q: {job: a, field: id}}}}
                """)
            let cyclic = try await ChildProcess(Self.binary, ["api", cycle, "--job", "a"]).wait()
            #expect(cyclic.status == 2)
            #expect(cyclic.stderr.contains("jobs a -> b -> a form a cycle"))
        } }
    }

    /// `--from-output` reads the parent's file as the parent wrote it: with `--with-meta`
    /// too, and without a partial last line a killed run left; a parent that has not run
    /// is named as such.
    @Test func fromOutputReadsParentsWithMetaAndSkipsAPartialLastLine() async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
            let users = directory + "/users.jsonl"
            let path = try config(server, """
                jobs:
                  - name: users
                    api: {base_url: BASE/api/, path: "users?n=5&size=2", auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}, data_selector: users, paginator: {type: page_number, total_path: total_pages}}
                    output: \(users)
                  - name: orders
                    api:
                      base_url: BASE/api/
                      path: "users/{user_id}/orders"
                      auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}
                      resolve: {user_id: {job: users, field: id}}
                      include_from_parent: [name]
                      paginator: {type: header_link}
                    output: \(directory)/orders.jsonl
                """)
            let missing = try await ChildProcess(Self.binary, ["api", path, "--job", "orders", "--from-output"]).wait()
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("jobs[0].output: the parent's output \(users) does not exist; run the parent job users first"), "\(missing.stderr)")

            let parents = try await ChildProcess(Self.binary, ["api", path, "--job", "users", "--with-meta"]).wait()
            #expect(parents.status == 0, "\(parents.stderr)")
            let cut = #"{"job":"users","page_url":"\#(server.baseURL)/api/users?page=4","record":{"id":6,"na"#
            let handle = try #require(FileHandle(forWritingAtPath: users))
            handle.seekToEndOfFile()
            handle.write(Data(cut.utf8))
            handle.closeFile()
            let children = try await ChildProcess(Self.binary, ["api", path, "--job", "orders", "--from-output"]).wait()
            #expect(children.status == 0, "\(children.stderr)")
            #expect(children.stderr.contains("the parent's output \(users) ends in a partial line of \(cut.utf8.count) bytes"), "\(children.stderr)")
            let orders = try String(contentsOfFile: directory + "/orders.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(orders.count == 15)
            #expect(Set(orders.map { $0.split(separator: ",").last ?? "" }) == Set((1...5).map { #""_users_name":"user \#($0)"}"# }))
        } }
    }

    /// SIGINT or SIGTERM stops `scrape api` as it stops `scrape run`: 128 + the signal, the
    /// records written kept, and a line saying how many, where, and what running it again does.
    @Test(arguments: [(SIGINT, Int32(130)), (SIGTERM, Int32(143))])
    func signalStopsTheRunAndSaysWhatItKept(signal: Int32, status: Int32) async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
            let output = directory + "/items.jsonl"
            let path = try config(server, """
                http: {per_host_rate: 10/s}
                jobs:
                  - name: items
                    api: {base_url: BASE/api/, path: "cursor?n=200&size=1", auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}, data_selector: items, paginator: {type: cursor, cursor_path: meta.next_cursor}}
                    output: \(output)
                """)
            let child = try ChildProcess(Self.binary, ["api", path, "--job", "items"])
            while server.log.count(path: "/api/cursor") < 3 { try await Task.sleep(for: .milliseconds(20)) }
            child.send(signal)
            let stopped = try await child.wait()
            #expect(stopped.status == status)
            let kept = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count
            #expect(kept >= 2 && kept < 200)
            #expect(
                stopped.stderr.contains(
                    "scrape api: job items: interrupted; \(kept) records written to \(output) were kept; "
                        + "running the same command again fetches every page again and replaces \(output)"),
                "\(stopped.stderr)")
        } }
    }

    /// Jobs run together share one scheduler: with per_host_concurrency 1, three jobs of
    /// three pages each never have two requests in flight to the host; and a child's walks
    /// start while its parent is still running (the parent's later pages answer only once
    /// a child request has arrived).
    @Test func jobsRunTogetherShareTheLimitsAndChildrenStreamFromTheirParent() async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            setenv("SCRAPE_TEST_TOKEN", "t0ken", 1)
            let key = UUID().uuidString
            let auth = "auth: {type: bearer, token_env: SCRAPE_TEST_TOKEN}"
            let slow = (1...3).map { n in
                """
                  - name: slow\(n)
                    api: {base_url: BASE/api/, path: "slow?key=\(key)", \(auth), data_selector: items, paginator: {type: page_number, total_path: total_pages}}
                    output: \(directory)/slow\(n).jsonl
                """
            }
            let path = try config(server, """
                http: {per_host_concurrency: 1}
                jobs:
                \(slow.joined(separator: "\n"))
                  - name: peak
                    api: {base_url: BASE/api/, path: "slow-peak?key=\(key)", \(auth)}
                  - name: users
                    api: {base_url: BASE/api/, path: "users?n=5&size=2&wait_child=\(key)", \(auth), data_selector: users, paginator: {type: page_number, total_path: total_pages}}
                    output: \(directory)/users.jsonl
                  - name: orders
                    api:
                      base_url: BASE/api/
                      path: "users/{user_id}/orders?arrive=\(key)"
                      \(auth)
                      resolve: {user_id: {job: users, field: id}}
                      paginator: {type: header_link}
                    output: \(directory)/orders.jsonl
                """)
            let shared = try await ChildProcess(Self.binary, ["api", path, "--job", "slow1", "--job", "slow2", "--job", "slow3"]).wait()
            #expect(shared.status == 0, "\(shared.stderr)")
            let peak = try await ChildProcess(Self.binary, ["api", path, "--job", "peak", "--quiet"]).wait()
            #expect(peak.stdout == "{\"peak\":1}\n")

            let streamed = try await ChildProcess(Self.binary, ["api", path, "--job", "orders"]).wait()
            #expect(streamed.status == 0, "\(streamed.stderr)")
            #expect(try String(contentsOfFile: directory + "/orders.jsonl", encoding: .utf8).split(separator: "\n").count == 15)
        } }
    }

    @Test func runsAJobToStdoutAndAllJobsToTheirOutputs() async throws {
        try await TestServer.withRunning { server in try await TemporaryFiles.withDirectory { directory in
            let path = try config(server, """
                jobs:
                  - name: pages
                    api: {base_url: BASE/api/, path: "pages?n=30&size=10", auth: {type: basic_typo}}
                """)
            let bad = try await ChildProcess(Self.binary, ["api", path, "--job", "pages"]).wait()
            #expect(bad.status == 2)
            #expect(bad.stderr.contains("jobs[0].api.auth.type: expected one of bearer, api_key, http_basic, oauth2_client_credentials; got \"basic_typo\""))

            let good = try config(server, """
                jobs:
                  - name: pages
                    api:
                      base_url: BASE/api/
                      path: "pages?n=30&size=10"
                      auth: {type: http_basic, username: me, password_file: \(directory)/password}
                      data_selector: data.items
                      paginator: {type: page_number, total_path: total_pages}
                    output: \(directory)/pages.jsonl
                  - name: single
                    api: {base_url: BASE/api/, path: "single?n=3", auth: {type: http_basic, username: me, password_file: \(directory)/password}}
                    output: \(directory)/single.jsonl
                  - name: urls
                    scrape: {urls_file: urls.txt}
                """)
            try "pa55\n".write(toFile: directory + "/password", atomically: true, encoding: .utf8)
            let one = try await ChildProcess(Self.binary, ["api", good, "--job", "pages", "-o", "-"]).wait()
            #expect(one.status == 0)
            #expect(one.stdout.split(separator: "\n").count == 30)
            #expect(one.stderr.contains("job pages: 30 records from 3 pages"))

            let all = try await ChildProcess(Self.binary, ["api", good, "--all", "--quiet"]).wait()
            #expect(all.status == 0)
            #expect(all.stderr.isEmpty)
            #expect(try String(contentsOfFile: directory + "/pages.jsonl", encoding: .utf8).split(separator: "\n").count == 30)
            #expect(try String(contentsOfFile: directory + "/single.jsonl", encoding: .utf8).split(separator: "\n").count == 3)

            let missing = try await ChildProcess(Self.binary, ["api", good, "--job", "nope"]).wait()
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("no api job named \"nope\"; api jobs: pages, single"))
        } }
    }

    @Test func failingJobExitsOneAndNamesTheJob() async throws {
        try await TestServer.withRunning { server in
            let path = try config(server, """
                jobs:
                  - name: loop
                    api: {base_url: BASE/api/, path: cursor-loop, data_selector: items, paginator: {type: cursor, cursor_path: meta.next_cursor}, auth: {type: api_key, name: api_key, location: query, value_file: /nonexistent/key}}
                """)
            let result = try await ChildProcess(Self.binary, ["api", path, "--job", "loop"]).wait()
            #expect(result.status == 2)  // the secret file is missing: before any request
            #expect(result.stderr.contains("jobs[0].api.auth.value_file: cannot read secret file /nonexistent/key"))
            #expect(server.log.all.isEmpty)
        }
    }
}
