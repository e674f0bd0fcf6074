import Foundation
import ScrapeBase
import ScrapeCore
import ScrapeHTTP
@testable import ScrapeStream
import ScrapeTestSupport
import Testing

/// `scrape ws --proxy http://…`: the connection tunnels through tinyproxy with CONNECT
/// (basic auth from the URL), a refused tunnel says so, and other proxy schemes are refused at
/// start; without `--proxy`, the environment's proxy is chosen as curl would choose it.
@Suite(.timeLimit(.minutes(2)))
struct StreamProxyTests {
    private let scrape = ChildProcess.builtProduct("scrape")
    static let secret = LocalProxy.Credentials(user: "alice", password: "hunter2-secret")

    @Test func tunnelsThroughAnHTTPProxy() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy, credentials: Self.secret)
        do {
            try await WebSocketTestServer.withRunning { server in
                try await TemporaryFiles.withDirectory { directory in
                    let output = directory + "/feed.jsonl"
                    let result = try await ChildProcess(
                        scrape, ["ws", server.url("/feed?count=4"), "--send", "btc", "-o", output, "--proxy", proxy.url]).wait()
                    #expect(result.status == 0, "\(result.stderr)")
                    #expect(try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8)).count == 4)
                    #expect(proxy.log.contains("CONNECT"), "\(proxy.log)")
                    #expect(!result.stderr.contains("hunter2"))

                    // The same proxy without credentials refuses the tunnel.
                    let refused = try await ChildProcess(scrape, ["ws", server.url("/feed?count=4"), "--no-reconnect", "--proxy", proxy.displayURL]).wait()
                    #expect(refused.status == 1)
                    #expect(refused.stderr.contains("proxy \(proxy.displayURL) refused the tunnel: CONNECT answered 407"), "\(refused.stderr)")
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func theEnvironmentsProxyIsUsedAsCurlWouldChooseIt() throws {
        let plain = try StreamURL("ws://feed.example:8080/x")
        let secure = try StreamURL("wss://feed.example/x")
        let none = ScrapeConfiguration.HTTP.ProxySettings()
        let environment = ProxyEnvironment(["http_proxy": "http://10.0.0.1:3128", "https_proxy": "10.0.0.2:3128"])
        #expect(try StreamSettings.tunnelProxy(none, target: plain, environment: environment)?.displayName == "http://10.0.0.1:3128")
        #expect(try StreamSettings.tunnelProxy(none, target: secure, environment: environment)?.displayName == "http://10.0.0.2:3128", "no scheme means http://")
        #expect(try StreamSettings.tunnelProxy(none, target: plain, environment: ProxyEnvironment(["HTTP_PROXY": "http://10.0.0.9:1"])) == nil, "curl ignores HTTP_PROXY")
        #expect(try StreamSettings.tunnelProxy(none, target: secure, environment: ProxyEnvironment(["all_proxy": "http://10.0.0.3:8"]))?.displayName == "http://10.0.0.3:8")
        let skipped = ProxyEnvironment(["http_proxy": "http://10.0.0.1:3128", "no_proxy": ".example"])
        #expect(try StreamSettings.tunnelProxy(none, target: plain, environment: skipped) == nil, "no_proxy")
        var direct = none
        try direct.setProxy("none", source: "--proxy")
        #expect(try StreamSettings.tunnelProxy(direct, target: plain, environment: environment) == nil, "--proxy none goes direct")
        var explicit = none
        try explicit.setProxy("http://10.0.0.4:3128", source: "--proxy")
        #expect(try StreamSettings.tunnelProxy(explicit, target: plain, environment: environment)?.displayName == "http://10.0.0.4:3128")
        #expect(try StreamSettings.tunnelProxy(explicit, target: plain, environment: skipped) == nil, "the environment's no_proxy applies to --proxy too, as in curl")
        #expect {
            try StreamSettings.tunnelProxy(none, target: plain, environment: ProxyEnvironment(["all_proxy": "socks5://bob:hunter2@10.0.0.5:1080"]))
        } throws: { error in
            let text = "\(error)"
            return text.contains("the environment's all_proxy") && text.contains("not socks5://") && text.contains("--proxy none") && !text.contains("hunter2")
        }
    }

    @Test func theEnvironmentsProxyCarriesTheConnection() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await WebSocketTestServer.withRunning { server in
                try await TemporaryFiles.withDirectory { directory in
                    let output = directory + "/feed.jsonl"
                    let environment = ["http_proxy": proxy.url, "no_proxy": "", "NO_PROXY": "", "all_proxy": ""]
                    let result = try await ChildProcess(scrape, ["ws", server.url("/feed?count=2"), "--send", "btc", "-o", output], environment: environment).wait()
                    #expect(result.status == 0, "\(result.stderr)")
                    #expect(try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8)).count == 2)
                    #expect(proxy.log.contains("CONNECT"), "\(proxy.log)")
                    let before = proxy.log.components(separatedBy: "CONNECT").count
                    let direct = try await ChildProcess(
                        scrape, ["ws", server.url("/feed?count=2"), "--send", "btc", "-o", output, "--proxy", "none"], environment: environment).wait()
                    #expect(direct.status == 0, "\(direct.stderr)")
                    #expect(proxy.log.components(separatedBy: "CONNECT").count == before, "--proxy none went direct")
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func onlyHTTPProxiesAreAccepted() async throws {
        let result = try await ChildProcess(scrape, ["ws", "ws://127.0.0.1:9/", "--proxy", "socks5://bob:hunter2@127.0.0.1:1080"]).wait()
        #expect(result.status == 2)
        #expect(result.stderr.contains("scrape ws tunnels through http:// proxies only"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }
}

/// `wss://` through a proxy: TLS to nginx inside tinyproxy's CONNECT tunnel.
@Suite(.timeLimit(.minutes(2)))
struct SecureStreamProxyTests {
    @Test func wssTunnelsThroughAnHTTPProxy() async throws {
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await WebSocketTestServer.withRunning { server in
                let nginx = try await NginxServer.start(files: [:], serverDirectives: """
                    location /ws/ {
                        proxy_pass http://127.0.0.1:\(server.port)/;
                        proxy_http_version 1.1;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection "upgrade";
                    }
                    """)
                defer { nginx.stop() }
                var settings = try StreamHarness.settings("wss://127.0.0.1:\(nginx.port)/ws/types", limit: .never)
                settings.caCertificatePath = nginx.certificatePath
                settings.proxy = try ProxyURL(parsing: proxy.url)
                let outcome = try await StreamHarness.run(settings)
                #expect(outcome.exit == .success, "\(outcome.events)")
                #expect(outcome.records.count == 4)
                #expect(proxy.log.contains("CONNECT 127.0.0.1:\(nginx.port)"), "\(proxy.log)")
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }
}
