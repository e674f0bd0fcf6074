import Foundation
import ScrapeBase
import ScrapeTestSupport
import Testing

/// `scrape ws --proxy http://…`: the connection tunnels through tinyproxy with CONNECT
/// (basic auth from the URL), a refused tunnel says so, and other proxy schemes are refused at start.
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

    @Test func onlyHTTPProxiesAreAccepted() async throws {
        let result = try await ChildProcess(scrape, ["ws", "ws://127.0.0.1:9/", "--proxy", "socks5://bob:hunter2@127.0.0.1:1080"]).wait()
        #expect(result.status == 2)
        #expect(result.stderr.contains("scrape ws tunnels through http:// proxies only"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
    }
}
