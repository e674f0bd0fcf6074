import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// A daemon with `http.proxies`: it logs the proxy settings at start without credentials,
/// its scrape jobs go through the pool (a dead proxy skipped), records name the proxy, and
/// `/metrics` counts per proxy; no credential appears in the log, records or metrics.
@Suite(.timeLimit(.minutes(3)))
struct DaemonProxyTests {
    @Test func scrapeJobsGoThroughThePool() async throws {
        let credentials = LocalProxy.Credentials(user: "alice", password: "hunter2-secret")
        let proxy = try await LocalProxy.start(.tinyproxy, credentials: credentials)
        do {
            try await TestServer.withRunning { server in
                try await DaemonHarness.with { daemon in
                    let dead = try LocalProxy.deadURL()
                    let list = try daemon.write("urls.txt", (1...3).map { server.url("/page/\($0)") }.joined(separator: "\n") + "\n")
                    try daemon.writeConfig("http: {retries: 0, robots_txt: ignore, proxies: [\"\(dead)\", \"\(proxy.url)\"]}\n" + """
                        jobs:
                          - name: pages
                            scrape: {urls_file: \(list)}
                        """)
                    try await daemon.start(environment: ["http_proxy": "", "https_proxy": "", "all_proxy": "", "no_proxy": "", "NO_PROXY": ""])
                    #expect(daemon.log.contains("proxies"), "\(daemon.log)")
                    #expect(daemon.log.contains(proxy.displayURL))
                    #expect(try await daemon.json(.post, "/jobs/pages/run").status == 202)
                    try await daemon.waitForRun("pages-1")
                    let records = daemon.records(daemon.stateDirectory + "/pages.jsonl")
                    #expect(records.count == 3)
                    #expect(records.allSatisfy { $0["status"] as? Int == 200 && $0["proxy"] as? String == proxy.displayURL }, "\(records)")
                    let metrics = try await daemon.request(.get, "/metrics").body
                    let requests = metrics.split(separator: "\n").filter { $0.hasPrefix("scrape_proxy_requests_total{") && $0.contains(proxy.displayURL) }
                    #expect(requests.count == 1 && requests.first?.hasSuffix(" 3") == true, "\(requests)")
                    let failures = metrics.split(separator: "\n").filter { $0.hasPrefix("scrape_proxy_failures_total{") && $0.contains(dead) }
                    // At least its first failure (full jitter may bring it back for a probe that fails again).
                    #expect(failures.count == 1 && Int(failures[0].split(separator: " ").last ?? "") ?? 0 >= 1, "\(failures)")
                    let output = try String(contentsOfFile: daemon.stateDirectory + "/pages.jsonl", encoding: .utf8)
                    #expect(![daemon.log, metrics, output].contains { $0.contains("hunter2") })
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }

    @Test func aJobsOwnProxyIsThatJobsAlone() async throws {
        // jobs[].http.proxy: the job runs on a client of its own built from its http:, so
        // its pages go through the proxy while another job's go direct.
        let proxy = try await LocalProxy.start(.tinyproxy)
        do {
            try await TestServer.withRunning { server in
                try await DaemonHarness.with { daemon in
                    let viaList = try daemon.write("via.txt", (1...2).map { server.url("/page/via-\($0)") }.joined(separator: "\n") + "\n")
                    let directList = try daemon.write("direct.txt", server.url("/page/direct-1") + "\n")
                    try daemon.writeConfig("http: {retries: 0, robots_txt: ignore}\n" + """
                        jobs:
                          - name: via
                            scrape: {urls_file: \(viaList)}
                            revisit: false
                            http: {proxy: "\(proxy.url)"}
                          - name: direct
                            scrape: {urls_file: \(directList)}
                            revisit: false
                        """)
                    try await daemon.start(environment: ["http_proxy": "", "https_proxy": "", "all_proxy": "", "no_proxy": "", "NO_PROXY": ""])
                    for job in ["via", "direct"] {
                        #expect(try await daemon.json(.post, "/jobs/\(job)/run").status == 202)
                        try await daemon.waitForRun("\(job)-1")
                    }
                    let via = daemon.records(daemon.stateDirectory + "/via.jsonl")
                    #expect(via.count == 2)
                    #expect(via.allSatisfy { $0["status"] as? Int == 200 && $0["proxy"] as? String == proxy.displayURL }, "\(via)")
                    let direct = daemon.records(daemon.stateDirectory + "/direct.jsonl")
                    #expect(direct.count == 1)
                    #expect(direct.allSatisfy { $0["status"] as? Int == 200 && $0["proxy"] == nil }, "\(direct)")
                    #expect(proxy.log.contains("/page/via-1") && !proxy.log.contains("/page/direct-1"), "tinyproxy saw only the via job's pages")
                }
            }
        } catch {
            await proxy.stop()
            throw error
        }
        await proxy.stop()
    }
}
