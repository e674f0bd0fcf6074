import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Requests through real proxies from Debian (tinyproxy for HTTP and CONNECT, microsocks
/// for SOCKS5) to the in-process server, and through a port where nothing listens.
@Suite(.timeLimit(.minutes(2)))
struct HTTPClientProxyTests {
    static let secret = LocalProxy.Credentials(user: "alice", password: "hunter2-secret")

    /// A client whose requests go through `proxyURL`, the environment's no_proxy overridden.
    private func withProxiedClient(
        _ proxyURL: String, _ body: @Sendable (TestServer, HTTPClient) async throws -> Void
    ) async throws {
        let proxy = try ProxyURL(parsing: proxyURL)
        try await withServerAndClient({
            $0.proxy.route = .proxy(proxy)
            $0.proxy.noProxy = NoProxyList("")
        }, body)
    }

    private func withProxy(_ kind: LocalProxy.Kind, credentials: LocalProxy.Credentials? = nil, _ body: @Sendable (LocalProxy) async throws -> Void) async throws {
        let proxy = try await LocalProxy.start(kind, credentials: credentials)
        do { try await body(proxy) } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func forwardsThroughTinyproxy() async throws {
        try await withProxy(.tinyproxy) { proxy in
            try await withProxiedClient(proxy.url) { server, client in
                let response = try await client.execute(FetchRequest(url: server.url("/headers")))
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self).contains("tinyproxy"), "the server sees the proxy's Via")
                #expect(response.proxy?.displayName == proxy.displayURL)
                #expect(proxy.log.contains("/headers"))
            }
        }
    }

    @Test func basicAuthWorksAndIsNeverShown() async throws {
        try await withProxy(.tinyproxy, credentials: Self.secret) { proxy in
            try await withProxiedClient(proxy.url) { server, client in
                let response = try await client.execute(FetchRequest(url: server.url("/headers")))
                #expect(response.status == 200)
                #expect(response.proxy?.displayName == proxy.displayURL)
                #expect(!"\(response.proxy!)".contains("hunter2"))
            }
            // Without credentials the proxy answers a forwarded request with 407: the proxy's failure.
            // (With wrong ones tinyproxy 1.11 answers 401 and WWW-Authenticate, which cannot be told
            // from the server's own 401; through CONNECT, below, any refusal is the proxy's.)
            try await withProxiedClient(proxy.displayURL) { server, client in
                let error = await expectFailure(client, FetchRequest(url: server.url("/headers")))
                #expect(error?.kind == .proxy)
                #expect(error?.message.contains("407") == true, "\(String(describing: error))")
                #expect(error?.message.contains("no credentials") == true)
                #expect(server.log.all.isEmpty, "the request never reached the server")
            }
        }
    }

    @Test func tunnelsHTTPSWithConnect() async throws {
        let nginx = try await NginxServer.start(files: ["index.html": "<title>tunnel</title>"])
        do {
            try await withProxy(.tinyproxy, credentials: Self.secret) { proxy in
                let route = ProxyRoute.proxy(try ProxyURL(parsing: proxy.url))
                try await withClient({
                    $0.proxy.route = route
                    $0.proxy.noProxy = NoProxyList("")
                    $0.tls.caFile = nginx.certificatePath
                }) { client in
                    let response = try await client.execute(FetchRequest(url: nginx.baseURL + "/index.html"))
                    #expect(response.status == 200)
                    #expect(response.proxy?.displayName == proxy.displayURL)
                    #expect(proxy.log.contains("CONNECT"))
                    // CONNECT refused by the proxy (wrong credentials): the proxy's failure, CONNECTCODE 407.
                    var wrong = FetchRequest(url: nginx.baseURL + "/index.html")
                    wrong.proxy = .proxy(try ProxyURL(parsing: proxy.url.replacingOccurrences(of: "hunter2-secret", with: "nope")))
                    let error = await expectFailure(client, wrong)
                    #expect(error?.kind == .proxy)
                    #expect(error?.message.contains("refused the tunnel: CONNECT answered 40") == true, "\(String(describing: error))")
                    #expect(error?.message.contains("nope") == false)
                }
            }
        } catch {
            await nginx.stopped()
            throw error
        }
        await nginx.stopped()
    }

    @Test(arguments: [false, true])
    func socks5CarriesRequests(withCredentials: Bool) async throws {
        try await withProxy(.microsocks, credentials: withCredentials ? Self.secret : nil) { proxy in
            try await withProxiedClient(proxy.url) { server, client in
                let response = try await client.execute(FetchRequest(url: server.url("/headers")))
                #expect(response.status == 200)
                #expect(response.proxy?.displayName == proxy.displayURL)
                #expect(server.log.count(path: "/headers") == 1)
            }
            guard withCredentials else { return }
            try await withProxiedClient(proxy.url.replacingOccurrences(of: "hunter2-secret", with: "nope")) { server, client in
                let error = await expectFailure(client, FetchRequest(url: server.url("/headers")))
                #expect(error?.kind == .proxy)
                #expect(error?.message.contains(proxy.displayURL) == true, "\(String(describing: error))")
                #expect(server.log.all.isEmpty)
            }
        }
    }

    @Test(arguments: ["http", "socks5"])
    func deadProxyIsTheProxysFailure(scheme: String) async throws {
        let dead = try LocalProxy.deadURL(scheme: scheme)
        try await withProxiedClient(dead.replacingOccurrences(of: "://", with: "://bob:hunter2@")) { server, client in
            let error = await expectFailure(client, FetchRequest(url: server.url("/headers")))
            #expect(error?.kind == .proxy)
            #expect(error?.message.contains("cannot be reached") == true, "\(String(describing: error))")
            #expect(error?.message.contains("hunter2") == false)
            #expect(server.log.all.isEmpty)
        }
    }

    @Test func directRouteIgnoresTheDefaultProxy() async throws {
        let dead = try ProxyURL(parsing: try LocalProxy.deadURL())
        try await withServerAndClient({ $0.proxy.route = .proxy(dead) }) { server, client in
            var request = FetchRequest(url: server.url("/headers"))
            request.proxy = .direct
            let response = try await client.execute(request)
            #expect(response.status == 200)
            #expect(response.proxy == nil)
        }
    }
}
