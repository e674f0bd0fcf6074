import Foundation
import ScrapeTestSupport
import Testing

/// `--proxy`, `--proxies`, `--no-proxy` and `http.proxy` as a user meets them: refused at
/// start with exit 2 and no credentials echoed, the environment obeyed as curl obeys it,
/// `--proxy none` going direct, and records that name the proxy without its credentials.
@Suite(.timeLimit(.minutes(2)))
struct ProxyCommandTests {
    static let binary = ChildProcess.builtProduct("scrape")
    static let secret = LocalProxy.Credentials(user: "alice", password: "hunter2-secret")
    /// The proxy variables a test sets, so the machine's own never leak in.
    static let cleanEnvironment = ["http_proxy": "", "https_proxy": "", "HTTPS_PROXY": "", "all_proxy": "", "ALL_PROXY": "", "no_proxy": "", "NO_PROXY": ""]

    private func run(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess.Result {
        try await ChildProcess(Self.binary, arguments, environment: Self.cleanEnvironment.merging(environment) { $1 }).wait()
    }

    private func records(_ path: String) throws -> [[String: Any]] {
        try TemporaryFiles.records(String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func badProxySettingsStopTheRunWithoutEchoingCredentials() async throws {
        let urls = try TemporaryFiles.urlList(["http://127.0.0.1:9/"])
        let pool = try TemporaryFiles.file("pool.txt", "# pool\n\nhttp://127.0.0.1:3128\nftp://bob:hunter2@127.0.0.1:21\n")
        let config = try TemporaryFiles.file("proxy.yaml", "http:\n  proxy: \"socks4://bob:hunter2@127.0.0.1:1080\"\n")
        let both = try TemporaryFiles.file("both.yaml", "http:\n  proxy: http://127.0.0.1:1\n  proxies: [http://127.0.0.1:2]\n")
        defer { [urls, pool, config, both].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let cases: [([String], String)] = [
            ([urls, "--proxy", "ftp://bob:hunter2@127.0.0.1:21"], "--proxy: proxy scheme \"ftp\" is not supported"),
            ([urls, "--proxy", "http://bob:hunter2@127.0.0.1:3128/path"], "--proxy: a proxy URL has no path"),
            ([urls, "--proxy", "bob:hunter2@127.0.0.1:3128"], "--proxy: a proxy URL starts with http://"),
            ([urls, "--proxy", "http://127.0.0.1:1", "--proxies", pool], "give either --proxy or --proxies"),
            ([urls, "--proxies", pool], "line 4: --proxies \(pool): proxy scheme \"ftp\" is not supported"),
            ([urls, "--proxy-rotation", "random"], "--proxy-rotation: expected request or host"),
            ([urls, "--config", config], "http.proxy: proxy scheme \"socks4\" is not supported"),
            (["check-config", config], "http.proxy: proxy scheme \"socks4\" is not supported"),
            (["check-config", both], "http.proxies: set either proxy or proxies, not both"),
            (["crawl", "http://127.0.0.1:9/", "--proxy", "gopher://bob:hunter2@h:70"], "--proxy: proxy scheme \"gopher\" is not supported"),
        ]
        for (arguments, message) in cases {
            let result = try await run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("hunter2"), "\(arguments): credentials echoed")
        }
    }

    @Test func environmentProxyCarriesRequestsAndNoneGoesDirect() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy, credentials: Self.secret)
        do {
            try await TestServer.withRunning { server in
                let urls = try TemporaryFiles.urlList([server.url("/headers")])
                let output = TemporaryFiles.path("proxied.jsonl")
                defer { [urls, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
                let base = [urls, "-o", output, "--ignore-robots", "--retries", "0"]

                let viaEnvironment = try await run(base, environment: ["http_proxy": proxy.url])
                #expect(viaEnvironment.status == 0, "\(viaEnvironment.stderr)")
                let carried = try records(output)
                #expect(carried.first?["status"] as? Int == 200)
                #expect(carried.first?["proxy"] as? String == proxy.displayURL)
                #expect(proxy.log.contains("/headers"))
                let text = try String(contentsOfFile: output, encoding: .utf8)
                #expect(!text.contains("hunter2") && !viaEnvironment.stderr.contains("hunter2"))

                // --proxy none: direct although the environment names a proxy (a dead one here).
                let dead = try LocalProxy.deadURL()
                let direct = try await run(base + ["--proxy", "none"], environment: ["http_proxy": dead, "all_proxy": dead])
                #expect(direct.status == 0, "\(direct.stderr)")
                let directRecords = try records(output)
                #expect(directRecords.first?["status"] as? Int == 200)
                #expect(directRecords.first?.keys.contains("proxy") == false, "no proxy carried it: no field")

                // --no-proxy: the host goes direct, past a dead proxy.
                let excluded = try await run(base + ["--proxy", dead, "--no-proxy", "127.0.0.1"])
                #expect(excluded.status == 0, "\(excluded.stderr)")
                #expect(try records(output).first?["status"] as? Int == 200)

                // The environment's no_proxy, as curl reads it.
                let environmentExcluded = try await run(base, environment: ["http_proxy": dead, "no_proxy": "127.0.0.0/8"])
                #expect(environmentExcluded.status == 0)
                #expect(try records(output).first?.keys.contains("proxy") == false)
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func deadProxyIsWrittenAsAProxyError() async throws {
        try await TestServer.withRunning { server in
            let urls = try TemporaryFiles.urlList([server.url("/page/1")])
            let output = TemporaryFiles.path("dead.jsonl")
            defer { [urls, output].forEach { try? FileManager.default.removeItem(atPath: $0) } }
            let dead = try LocalProxy.deadURL().replacingOccurrences(of: "://", with: "://bob:hunter2@")
            // A dead proxy is out, probed again, and its host's URLs are given up after give_up_after.
            let config = try TemporaryFiles.file("giveup.yaml", "http:\n  circuit_breaker: {give_up_after: 1s}\n")
            defer { try? FileManager.default.removeItem(atPath: config) }
            let result = try await run([urls, "-o", output, "--ignore-robots", "--retries", "0", "--proxy", dead, "--config", config])
            let written = try records(output)
            #expect(written.count == 1)
            let error = written.first?["error"] as? [String: Any]
            #expect(error?["kind"] as? String == "proxy")
            #expect((error?["message"] as? String)?.contains("cannot be reached") == true, "\(String(describing: error))")
            #expect(written.first?["attempts"] as? Int == 0, "no request reached the server")
            let text = try String(contentsOfFile: output, encoding: .utf8)
            #expect(!text.contains("hunter2") && !result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
            #expect(server.log.all.isEmpty)
        }
    }

    @Test func checkConfigShowsTheProxiesInForceWithoutCredentials() async throws {
        let config = try TemporaryFiles.file("shown.yaml", "http:\n  proxies: [\"http://a:hunter2@127.0.0.1:3128\", \"http://b:other@127.0.0.1:3128\", \"socks5h://127.0.0.1:1080\"]\n  no_proxy: internal.test\n")
        let plain = try TemporaryFiles.file("plain.yaml", "http:\n  concurrency: 4\n")
        defer { [config, plain].forEach { try? FileManager.default.removeItem(atPath: $0) } }
        let shown = try await run(["check-config", config])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("- http://127.0.0.1:3128  # credentials hidden  # #1"))
        #expect(shown.stdout.contains("- http://127.0.0.1:3128  # credentials hidden  # #2"))
        #expect(shown.stdout.contains("- socks5h://127.0.0.1:1080  # #3"))
        #expect(shown.stdout.contains("no_proxy: \"internal.test\""))
        #expect(!shown.stdout.contains("hunter2"))
        let environment = try await run(["check-config", plain], environment: ["https_proxy": "http://u:hunter2@10.1.2.3:8080", "no_proxy": "localhost"])
        #expect(environment.stdout.contains("https_proxy=http://10.1.2.3:8080 (credentials hidden)"), "\(environment.stdout)")
        #expect(environment.stdout.contains("no_proxy: unset: the environment's no_proxy=localhost"))
        #expect(!environment.stdout.contains("hunter2"))
        let none = try await run(["check-config", plain])
        #expect(none.stdout.contains("the environment names none: direct"))
    }
}
