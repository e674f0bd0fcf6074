import Foundation
import Glibc
import ScrapeTestSupport
import Testing

/// `--header`, `--cookies` and `--cookie-jar` on the built binary: refusals (exit 2, saying
/// why, never quoting a value), flag over config file, the jar locked while a run uses it
/// and saved when a signal stops the run; `scrape crawl` takes the same flags.
@Suite(.timeLimit(.minutes(2)))
struct SessionCommandTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func scrape(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments).wait(timeout: .seconds(60))
    }

    private func titles(_ output: String, server: TestServer) throws -> [String: String] {
        let records = try TemporaryFiles.records(String(contentsOfFile: output, encoding: .utf8))
        return Dictionary(uniqueKeysWithValues: records.map { (String(($0["url"] as! String).dropFirst(server.baseURL.count)), $0["title"] as? String ?? "") })
    }

    @Test(arguments: [
        (["--header", "Host: other.test"], "--header Host: cannot be set: it is written from each URL"),
        (["--header", "Content-Length: 5"], "--header Content-Length: cannot be set"),
        (["--header", "Transfer-Encoding: chunked"], "--header Transfer-Encoding: cannot be set"),
        (["--header", "X-Token: sec\r\nX-Injected: 1"], "--header X-Token: the value must not contain CR, LF or NUL"),
        (["--header", "Bad Name: x"], "--header Bad Name: not a valid header name"),
        (["--header", "no colon here"], "--header: expected 'Name: value'"),
        (["--header", "X-Empty:"], "--header X-Empty: the value must not be empty"),
        (["--user-agent", "a/1", "--header", "User-Agent: b/2"], "the user agent is given twice, here and as --user-agent"),
        (["--cookie-jar", "-"], "--cookie-jar: a cookie jar is a file"),
        (["--cookies", "--header", "Cookie: a=1"], "a Cookie header cannot be given with the cookie jar on"),
    ])
    func badHeadersAndJarsAreUsageErrors(flags: [String], message: String) async throws {
        let input = try TemporaryFiles.urlList(["http://127.0.0.1:9/"])
        defer { try? FileManager.default.removeItem(atPath: input) }
        for command in [[input], ["crawl", "http://127.0.0.1:9/"]] {
            let result = try await scrape(command + flags)
            #expect(result.status == 2, "\(command.first ?? "") \(flags)")
            #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
            #expect(!result.stderr.contains("sec\r"), "a value is never quoted back")
        }
    }

    @Test func aHeaderFlagReplacesTheConfigFilesHeaderOfThatName() async throws {
        try await TestServer.withRunning { server in
            let config = try TemporaryFiles.file("scrape.yaml", "http:\n  headers: {X-Test: file, X-Other: file}\n")
            let input = try TemporaryFiles.urlList(["/session/header/X-Test", "/session/header/X-Other"].map(server.url))
            let output = TemporaryFiles.path("out.jsonl")
            defer { [config, input, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let result = try await scrape([input, "-o", output, "--config", config, "--header", "x-test: flag", "--ignore-robots", "-q"])
            #expect(result.status == 0, "\(result.stderr)")
            let seen = try titles(output, server: server)
            #expect(seen["/session/header/X-Test"] == "X-Test: flag")
            #expect(seen["/session/header/X-Other"] == "X-Other: file")
        }
    }

    @Test func aSecondRunOnALockedJarExitsTwo() async throws {
        try await TemporaryFiles.withDirectory { folder in
            let jar = folder + "/cookies.txt"
            let input = try TemporaryFiles.urlList(["http://127.0.0.1:9/"])
            defer { try? FileManager.default.removeItem(atPath: input) }
            // Another run holds it: the same lock a run takes (flock, exclusive).
            let held = open(jar, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            #expect(held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0)
            defer { close(held) }
            for command in [[input], ["crawl", "http://127.0.0.1:9/"]] {
                let result = try await scrape(command + ["--cookie-jar", jar, "-o", folder + "/out.jsonl"])
                #expect(result.status == 2)
                #expect(result.stderr.contains("refusing to write cookie jar \(jar): another scrape run is writing it (the file is locked)"), "\(result.stderr)")
            }
        }
    }

    @Test func sigtermMidRunStillSavesTheJar() async throws {
        try await TestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { folder in
                let jar = folder + "/cookies.txt"
                let urls = [server.url("/session/set/sid/abc")] + (0..<4).map { server.url("/delay/20000?i=\($0)") }
                let input = try TemporaryFiles.urlList(urls)
                defer { try? FileManager.default.removeItem(atPath: input) }
                let child = try ChildProcess(
                    Self.binary, [input, "-o", folder + "/out.jsonl", "--cookie-jar", jar, "--concurrency", "1", "--ignore-robots", "-q"])
                while server.log.count(prefix: "/delay/") < 1 { try await Task.sleep(for: .milliseconds(20)) }
                child.send(SIGTERM)
                let stopped = try await child.wait()
                #expect(stopped.status == 128 + SIGTERM)
                let text = try String(contentsOfFile: jar, encoding: .utf8)
                #expect(text.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tabc"), "\(text)")
            }
        }
    }

    @Test func aCrawlKeepsItsCookiesAndSendsItsHeaders() async throws {
        try await TestServer.withRunning { server in
            let output = TemporaryFiles.path("out.jsonl")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let result = try await scrape([
                "crawl", server.url("/session/set/c/1"), server.url("/session/echo"), server.url("/session/header/X-Crawl"),
                "-o", output, "--cookies", "--header", "X-Crawl: yes", "--concurrency", "1", "--per-host-concurrency", "1", "--ignore-robots", "-q",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let seen = try titles(output, server: server)
            #expect(seen["/session/echo"] == "cookie: c=1")
            #expect(seen["/session/header/X-Crawl"] == "X-Crawl: yes")
        }
    }
}
