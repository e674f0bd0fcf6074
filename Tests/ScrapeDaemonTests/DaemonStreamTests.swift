import Foundation
import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// `ws:` jobs in the daemon: open from start to stop, state in `/jobs`, metrics, a reload
/// that reconnects only the changed job, SIGTERM, and appends across restarts.
@Suite struct DaemonStreamTests {
    private static func config(_ server: WebSocketTestServer, tickerSubscription: String) -> String {
        """
        http:
          backoff: {initial: 50ms, max: 200ms}
        jobs:
          - name: ticker
            ws:
              url: \(server.url("/hold?count=3&job=ticker"))
              send: ['\(tickerSubscription)']
              headers: {X-Client: scrape}
              ping_interval: 5s
          - name: quiet
            ws:
              url: \(server.url("/hold?count=1&job=quiet"))
              send: [quiet]
            output: quiet-feed.jsonl
        """
    }

    @Test func wsJobsStreamReloadStopAndAppend() async throws {
        try await WebSocketTestServer.withRunning { server in
            try await DaemonHarness.with { daemon in
                let ticker = server.url("/hold?count=3&job=ticker").dropFirst("ws://127.0.0.1:\(server.port)".count)
                let quiet = server.url("/hold?count=1&job=quiet").dropFirst("ws://127.0.0.1:\(server.port)".count)
                let tickerOutput = daemon.stateDirectory + "/ticker.jsonl"
                try daemon.writeConfig(Self.config(server, tickerSubscription: "a"))
                try await daemon.start()
                let quietOutput = daemon.stateDirectory + "/quiet-feed.jsonl"
                try await daemon.eventually("ticker's three messages and quiet's one") {
                    daemon.records(tickerOutput).count == 3 && daemon.records(quietOutput).count == 1
                }
                let jobs = try await daemon.json(.get, "/jobs").object["jobs"] as? [[String: Any]] ?? []
                let tickerInfo = jobs.first { $0["name"] as? String == "ticker" }
                #expect(tickerInfo?["type"] as? String == "ws")
                let stream = tickerInfo?["stream"] as? [String: Any]
                #expect(stream?["state"] as? String == "connected")
                #expect(stream?["connections"] as? Int == 1)
                #expect(stream?["messages"] as? Int == 3)
                #expect((stream?["connected_since"] as? String)?.hasSuffix("Z") == true)

                let metrics = try PrometheusText(try await daemon.request(.get, "/metrics").body)
                #expect(metrics.total("scrape_ws_messages_total", ["job": "ticker"]) == 3)
                #expect(metrics.total("scrape_ws_connected", ["job": "ticker"]) == 1)
                #expect(metrics.total("scrape_ws_connections_total", ["job": "ticker", "outcome": "opened"]) == 1)
                #expect((metrics.total("scrape_ws_bytes_total", ["job": "ticker"]) ?? 0) > 0)

                let trigger = try await daemon.request(.post, "/jobs/ticker/run")
                #expect(trigger.status == 409)

                // SIGHUP with ticker's subscription changed: ticker reconnects, quiet stays.
                try daemon.writeConfig(Self.config(server, tickerSubscription: "b"))
                daemon.send(SIGHUP)
                try await daemon.eventually("ticker's second connection") { daemon.records(tickerOutput).count == 6 }
                #expect(server.log.connections(String(ticker)) == 2)
                #expect(server.log.connections(String(quiet)) == 1)
                try await daemon.eventually("the server saw ticker's first connection closed") { server.log.closes(String(ticker)) == 1 }
                #expect(server.log.subscriptions.filter { $0 != "quiet" } == ["a", "b"])

                daemon.send(SIGTERM)
                let result = try await daemon.waitForExit()
                #expect(result.status == 0)
                try await daemon.eventually("both streams closed by the client") {
                    server.log.closes(String(ticker)) == 2 && server.log.closes(String(quiet)) == 1
                }
                #expect(daemon.records(tickerOutput).count == 6)

                // A restart appends to the same file.
                try await daemon.start()
                try await daemon.eventually("ticker's third connection appended") { daemon.records(tickerOutput).count == 9 }
                // `seq` and `connection` count within a run: a daemon start or a reload that
                // changed the job begins a new one.
                let seqs = daemon.records(tickerOutput).map { $0["seq"] as? Int ?? 0 }
                #expect(seqs == [1, 2, 3, 1, 2, 3, 1, 2, 3])
            }
        }
    }

    @Test(arguments: [
        (#"ws: {url: "http://example.com/feed"}"#, "jobs[0].ws.url: expected a ws:// or wss:// URL"),
        ("ws: {url: ws://h/, headers: {Upgrade: x}}", "jobs[0].ws.headers.Upgrade: is part of the WebSocket handshake, which scrape writes itself"),
        ("ws: {url: ws://h/, max_message_size: 0B}", "jobs[0].ws.max_message_size: expected a size from 1B to 4GiB, like 64KiB or 16MiB, got \"0B\""),
        ("ws: {url: ws://h/, subprotocol: v1 feed}", "jobs[0].ws.subprotocol: expected a token"),
        ("ws: {url: ws://h/, pings: 3}", "jobs[0].ws.pings"),
        ("ws: {url: ws://h/}\n    every: 1h", "jobs[0].every: a ws: job runs for as long as the daemon does; every: does not apply"),
    ])
    func checkConfigNamesABadWsKey(job: String, message: String) async throws {
        try await DaemonHarness.with { daemon in
            try daemon.writeConfig("""
                jobs:
                  - name: feed
                    \(job)
                """)
            let result = try await ChildProcess(ChildProcess.builtProduct("scrape"), ["check-config", daemon.configPath]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }
    }
}
