import Foundation
import ScrapeTestSupport
import Testing

/// Values that become request headers are checked where they enter (flags, config keys,
/// secrets), never echoed, and an api run resolves every secret before any request.
@Suite(.timeLimit(.minutes(2)))
struct RequestSafetyTests {
    static let binary = ChildProcess.builtProduct("scrape")

    private func file(_ name: String, _ contents: String) throws -> String { try TemporaryFiles.file(name, contents) }

    @Test func headerInjectionIsRefusedAtEveryEntryPoint() async throws {
        try await TestServer.withRunning { server in
            let urls = try file("urls.txt", server.url("/headers") + "\n")
            let agentConfig = try file("ua.yaml", "http:\n  user_agent: \"evil\\r\\nX-Injected: 1\"\njobs:\n  - name: items\n    api: {base_url: \(server.baseURL)/api/, path: single}\n")
            let headerConfig = try file("h.yaml", "jobs:\n  - name: items\n    api: {base_url: \(server.baseURL)/api/, path: single, headers: {X-Tag: \"a\\nX-Injected: 1\"}}\n")
            let secretConfig = try file("s.yaml", "jobs:\n  - name: items\n    api: {base_url: \(server.baseURL)/api/, path: single, auth: {type: bearer, token_env: SCRAPE_TEST_INJECT}}\n")
            defer { [urls, agentConfig, headerConfig, secretConfig].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let cases: [([String], [String: String], String)] = [
                ([urls, "--user-agent", "evil\r\nX-Injected: 1"], [:], "--user-agent: must not contain CR, LF or NUL"),
                ([urls, "--user-agent", ""], [:], "--user-agent: must not be empty"),
                ([urls, "--config", agentConfig], [:], "http.user_agent: must not contain CR, LF or NUL"),
                (["check-config", agentConfig], [:], "http.user_agent: must not contain CR, LF or NUL"),
                (["api", agentConfig, "--job", "items"], [:], "http.user_agent: must not contain CR, LF or NUL"),
                (["api", headerConfig, "--job", "items"], [:], "jobs[0].api.headers.X-Tag: must not contain CR, LF or NUL"),
                (["api", secretConfig, "--job", "items"], ["SCRAPE_TEST_INJECT": "t\r\nX-Injected: 1"], "environment variable SCRAPE_TEST_INJECT must not contain CR, LF or NUL"),
                (["api", secretConfig, "--job", "items"], ["SCRAPE_TEST_INJECT": ""], "environment variable SCRAPE_TEST_INJECT is set but empty"),
            ]
            for (arguments, environment, message) in cases {
                let result = try await ChildProcess(Self.binary, arguments, environment: environment).wait()
                #expect(result.status == 2, "\(arguments)")
                #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("X-Injected"), "the value is never echoed")
            }
            #expect(server.log.all.isEmpty)
        }
    }

    @Test func apiAllResolvesEverySecretBeforeAnyRequest() async throws {
        try await TestServer.withRunning { server in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let config = try file("all.yaml", """
                jobs:
                  - name: first
                    api: {base_url: \(server.baseURL)/api/, path: "single?n=3"}
                    output: \(directory)/first.jsonl
                  - name: second
                    api: {base_url: \(server.baseURL)/api/, path: "single?n=3", auth: {type: bearer, token_env: SCRAPE_TEST_UNSET_TOKEN}}
                    output: \(directory)/second.jsonl
                """)
            let result = try await ChildProcess(Self.binary, ["api", config, "--all"]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("jobs[1].api.auth.token_env: environment variable SCRAPE_TEST_UNSET_TOKEN is not set"))
            #expect(result.stderr.contains("See 'scrape api --help'"))
            #expect(server.log.all.isEmpty)

            let none = try file("none.yaml", "jobs:\n  - name: urls\n    scrape: {urls_file: urls.txt}\n")
            let empty = try await ChildProcess(Self.binary, ["api", none, "--all"]).wait()
            #expect(empty.status == 2)
            #expect(empty.stderr.contains("--all found no api: jobs to run"))
            let listed = try await ChildProcess(Self.binary, ["check-config", config]).wait()
            #expect(listed.stdout.contains("jobs: 2 (api: first, second)"))
        }
    }

    @Test(arguments: [
        (["urls.txt", "--timeout", "-1s"], "--timeout: expected a duration like 250ms, 30s, 5m or 1h, got \"-1s\""),
        (["urls.txt", "--timeout", "0s"], "--timeout: expected a duration more than 0"),
        (["urls.txt", "--concurrency", "-1"], "--concurrency: expected a whole number >= 1, got \"-1\""),
        (["urls.txt", "--retries", "-1"], "--retries: expected a whole number >= 0, got \"-1\""),
        (["urls.txt", "--rate", "0/s"], "--rate: expected a rate more than 0 (leave the setting out for no limit), got \"0/s\""),
        (["http://example.test/page"], "to scrape one URL: echo 'http://example.test/page' | scrape -"),
    ])
    func badValuesSayWhatIsExpected(arguments: [String], message: String) async throws {
        let result = try await ChildProcess(Self.binary, arguments).wait()
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }
}
