import Foundation
import ScrapeCore
import ScrapeHTTP
import ScrapePages
import ScrapeTestSupport
import Testing

/// Whole `scrape run`s with cookies and headers against the loopback server: a run's cookies
/// are its own, a jar file keeps them from one run to the next in the format curl and
/// Python read, and a jar file is never used by two runs or replaced when it is not ours.
@Suite(.timeLimit(.minutes(1)))
struct CookieRunTests {
    /// Runs `paths` in order (one at a time), returning each record's title by path.
    private func titles(
        _ server: TestServer, _ paths: [String], configure: (inout ScrapeConfiguration.HTTP) -> Void = { _ in }
    ) async throws -> [String: String] {
        let input = try TemporaryFiles.urlList(paths.map(server.url))
        let output = TemporaryFiles.path("out.jsonl")
        defer {
            try? FileManager.default.removeItem(atPath: input)
            try? FileManager.default.removeItem(atPath: output)
        }
        var http = ScrapeConfiguration.HTTP()
        http.concurrency = 1
        http.perHostConcurrency = 1
        http.robotsTxt = .ignore
        configure(&http)
        _ = try await ScrapeRun(options: .init(input: input, output: output, http: http)).run()
        let records = try TemporaryFiles.records(String(contentsOfFile: output, encoding: .utf8))
        return Dictionary(uniqueKeysWithValues: records.map { (String(($0["url"] as! String).dropFirst(server.baseURL.count)), $0["title"] as? String ?? "") })
    }

    @Test func cookiesAreOffByDefault() async throws {
        try await TestServer.withRunning { server in
            let seen = try await titles(server, ["/session/set/a/1", "/session/echo"])
            #expect(seen["/session/set/a/1"] == "set a")
            #expect(seen["/session/echo"] == "cookie: none")
        }
    }

    @Test func aRunSendsBackWhatItWasSet() async throws {
        try await TestServer.withRunning { server in
            let seen = try await titles(server, ["/session/set/a/1", "/session/echo"]) { $0.cookies = true }
            #expect(seen["/session/echo"] == "cookie: a=1")
        }
    }

    @Test func twoRunsWithoutAJarFileShareNothing() async throws {
        try await TestServer.withRunning { server in
            _ = try await titles(server, ["/session/set/a/1"]) { $0.cookies = true }
            let seen = try await titles(server, ["/session/echo"]) { $0.cookies = true }
            #expect(seen["/session/echo"] == "cookie: none")
        }
    }

    @Test func aJarFileKeepsTheSessionAcrossRunsInCurlsFormat() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { folder in
                let jar = folder + "/cookies.txt"
                _ = try await titles(server, ["/session/set/a/1", "/session/set/h/2?httponly=1&max_age=3600", "/session/set/gone/3?max_age=-1"]) {
                    try! $0.setCookieJar(jar, source: "--cookie-jar")
                }
                var info = stat()
                #expect(stat(jar, &info) == 0)
                #expect(info.st_mode & 0o777 == 0o600)
                let text = try String(contentsOfFile: jar, encoding: .utf8)
                #expect(text.hasPrefix("# Netscape HTTP Cookie File\n"))
                #expect(text.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1\n"), "a session cookie, saved with expiry 0 as curl -c saves it")
                #expect(text.contains("#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t"))
                #expect(!text.contains("gone"), "an expired cookie is not saved")
                #expect(!FileManager.default.fileExists(atPath: jar + ".scrape-rewrite"))

                // The next run starts with the session.
                let seen = try await titles(server, ["/session/echo"]) { try! $0.setCookieJar(jar, source: "--cookie-jar") }
                let sent = Set((seen["/session/echo"] ?? "").dropFirst("cookie: ".count).split(separator: "; ").map(String.init))
                #expect(sent == ["a=1", "h=2"])

                // curl reads it as a cookie file (-b) and sends its cookies.
                let curl = try await ChildProcess("/usr/bin/curl", ["-s", "--max-time", "10", "-b", jar, server.url("/session/echo")]).wait()
                #expect(curl.status == 0)
                #expect(curl.stdout.contains("a=1") && curl.stdout.contains("h=2"), "\(curl.stdout)")

                // Python's MozillaCookieJar loads it (session cookies need ignore_discard).
                let script = """
                    import http.cookiejar, sys
                    jar = http.cookiejar.MozillaCookieJar(sys.argv[1])
                    jar.load(ignore_discard=True, ignore_expires=True)
                    print(" ".join(sorted(c.name + "=" + c.value + "@" + c.domain for c in jar)))
                    """
                let python = try await ChildProcess("/usr/bin/python3", ["-c", script, jar]).wait()
                #expect(python.status == 0, "\(python.stderr)")
                #expect(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "a=1@127.0.0.1 h=2@127.0.0.1")
            }
        }
    }

    @Test func aJarFileInUseByAnotherRunIsRefused() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { folder in
                let jar = folder + "/cookies.txt"
                let held = try CookieJarFile(path: jar)
                defer { held.close() }
                await #expect {
                    _ = try await titles(server, ["/session/echo"]) { try! $0.setCookieJar(jar, source: "--cookie-jar") }
                } throws: { error in
                    guard case .session(let failure) = error as? ScrapeRun.Failure else { return false }
                    return "\(failure)".contains("locked")
                }
                #expect(server.log.count(path: "/session/echo") == 0, "nothing is fetched")
            }
        }
    }

    @Test func aFileThatIsNotACookieFileIsRefusedAndLeftAsItWas() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { folder in
                let jar = folder + "/records.jsonl"
                let contents = "{\"url\":\"https://example.com/\",\"status\":200}\n"
                try contents.write(toFile: jar, atomically: true, encoding: .utf8)
                await #expect {
                    _ = try await titles(server, ["/session/echo"]) { try! $0.setCookieJar(jar, source: "--cookie-jar") }
                } throws: { error in
                    "\(error)".contains("not a Netscape cookie file (line 1")
                }
                #expect(try String(contentsOfFile: jar, encoding: .utf8) == contents)
            }
        }
    }

    @Test func runHeadersGoOnEveryRequestAndTheRequestsOwnWin() async throws {
        try await TestServer.withRunning { server in
            let seen = try await titles(server, ["/session/header/X-Test", "/session/header/Accept-Language", "/session/header/User-Agent"]) {
                $0.headers = ["X-Test": "yes", "Accept-Language": "fr"]
                $0.userAgent = "bot/9"
            }
            #expect(seen["/session/header/X-Test"] == "X-Test: yes")
            #expect(seen["/session/header/Accept-Language"] == "Accept-Language: fr")
            #expect(seen["/session/header/User-Agent"] == "User-Agent: bot/9")
        }
    }

    @Test func sincesConditionalHeadersWinOverTheRunsOwn() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { folder in
                var http = ScrapeConfiguration.HTTP()
                http.robotsTxt = .ignore
                // The run asks for If-None-Match "nothing"; the page's record gives the real one.
                http.headers = ["If-None-Match": "\"nothing\"", "X-Run": "yes"]
                let input = try TemporaryFiles.urlList([server.url("/revisit/weak/a")])
                defer { try? FileManager.default.removeItem(atPath: input) }
                _ = try await ScrapeRun(options: .init(input: input, output: folder + "/first.jsonl", http: http)).run()
                _ = try await ScrapeRun(options: .init(input: input, output: folder + "/second.jsonl", http: http, since: folder + "/first.jsonl")).run()
                let first = try TemporaryFiles.records(String(contentsOfFile: folder + "/first.jsonl", encoding: .utf8))
                let second = try TemporaryFiles.records(String(contentsOfFile: folder + "/second.jsonl", encoding: .utf8))
                #expect(first.first?["status"] as? Int == 200, "without a record to revalidate, the run's header is sent")
                #expect(second.first?["status"] as? Int == 304, "the conditional request's own If-None-Match won")
            }
        }
    }
}
