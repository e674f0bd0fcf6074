import Foundation
import ScrapeBase
import ScrapeTestSupport
import Testing

/// `scrape ws` as users run it: the `scrape` binary, which execs `scrape-nio ws`.
@Suite struct StreamCommandTests {
    private let scrape = ChildProcess.builtProduct("scrape")

    @Test func writesRecordsToAFileAndSummarisesOnStderr() async throws {
        try await WebSocketTestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let output = directory + "/feed.jsonl"
                let result = try await ChildProcess(scrape, ["ws", server.url("/feed?count=4"), "--send", "btc", "-o", output]).wait()
                #expect(result.status == 0, "\(result.stderr)")
                let records = try TemporaryFiles.records(try String(contentsOfFile: output, encoding: .utf8))
                #expect(records.count == 4)
                #expect(server.log.subscriptions == ["btc"])
                #expect(result.stderr.contains("scrape ws: connected (connection 1, permessage-deflate)"))
                #expect(result.stderr.contains("scrape ws: closed by the server with 1000 (bye)"))
                #expect(result.stderr.hasSuffix("scrape ws: 4 messages (184 B) in 1 connection\n"))
            }
        }
    }

    @Test func quietPrintsNothingButRecords() async throws {
        try await WebSocketTestServer.withRunning { server in
            let result = try await ChildProcess(scrape, ["ws", server.url("/types"), "--quiet"]).wait()
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            #expect(try TemporaryFiles.records(result.stdout).count == 4)
        }
    }

    @Test func sigtermClosesWith1001AndExits143() async throws {
        let code = Locked<UInt16?>(nil)
        let server = try RawWebSocketServer { connection, _ in
            try connection.handshake()
            connection.sendText(#"{"tick":1}"#)
            code.withLock { $0 = connection.readCloseCode() }
            connection.sendClose(1001)
        }
        defer { server.close() }
        let child = try ChildProcess(scrape, ["ws", server.url(), "--quiet"])
        // Wait for the record, so the signal comes to an open connection.
        let deadline = ContinuousClock.now + .seconds(10)
        while child.currentStdout.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        child.send(SIGTERM)
        let result = try await child.wait()
        #expect(result.status == 143)
        #expect(code.withLock { $0 } == 1001)
        #expect(try TemporaryFiles.records(result.stdout).count == 1)
    }

    @Test func durationEndsTheRunWith1000() async throws {
        let code = Locked<UInt16?>(nil)
        let server = try RawWebSocketServer { connection, _ in
            try connection.handshake()
            code.withLock { $0 = connection.readCloseCode() }
            connection.sendClose(1000)
        }
        defer { server.close() }
        let result = try await ChildProcess(scrape, ["ws", server.url(), "--duration", "300ms", "--quiet"]).wait()
        #expect(result.status == 0)
        #expect(code.withLock { $0 } == 1000)
    }

    @Test func aPermanentRefusalExits1NamingTheStatus() async throws {
        let server = try RawWebSocketServer { connection, _ in try connection.refuse("401 Unauthorized") }
        defer { server.close() }
        let result = try await ChildProcess(scrape, ["ws", server.url(), "--quiet"]).wait()
        #expect(result.status == 1)
        #expect(result.stderr == "scrape ws: the server refused the WebSocket handshake with HTTP 401 Unauthorized\n")
    }

    @Test func appendCutsAPartialLastLineAndKeepsTheRest() async throws {
        try await WebSocketTestServer.withRunning { server in
            try await TemporaryFiles.withDirectory { directory in
                let output = directory + "/feed.jsonl"
                try "{\"kept\":1}\n{\"cut".write(toFile: output, atomically: true, encoding: .utf8)
                let result = try await ChildProcess(scrape, ["ws", server.url("/types"), "--append", "-o", output, "-q"]).wait()
                #expect(result.status == 0)
                let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
                #expect(lines.count == 5)
                #expect(lines.first == "{\"kept\":1}")
            }
        }
    }

    @Test(arguments: [
        (["ws", "http://example.com/"], "Error: invalid WebSocket URL http://example.com/: expected a ws:// or wss:// URL"),
        (["ws", "ws://h/", "--header", "X-A: a\rb"], "Error: --header X-A: the value must not contain CR, LF or NUL"),
        (["ws", "ws://h/", "--header", "Sec-WebSocket-Key: x"], "Error: --header Sec-WebSocket-Key: is part of the WebSocket handshake, which scrape writes itself"),
        (["ws", "ws://h/", "--ping-interval", "0s"], "Error: --ping-interval: expected a duration more than 0, like 250ms, 30s or 5m, got \"0s\""),
        (["ws", "ws://h/", "--max-message-size", "lots"], "Error: --max-message-size: expected a size from 1B to 4GiB, like 64KiB or 16MiB, got \"lots\""),
        (["ws", "ws://h/", "--duration", "0s"], "Error: --duration: expected a duration more than 0, like 250ms, 30s or 5m, got \"0s\""),
        (["ws", "ws://h/", "--subprotocol", "v1 feed"], "Error: --subprotocol: expected a token (letters, digits, !#$%&'*+-.^_`|~), got \"v1 feed\""),
        (["ws", "ws://h/", "--max-messages", "0"], "Error: --max-messages: expected a number of 1 or more, got 0"),
        (["ws", "ws://h/", "--job", "x"], "Error: --job needs --config"),
    ])
    func usageErrorsExit2(arguments: [String], message: String) async throws {
        let result = try await ChildProcess(scrape, arguments).wait()
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    }

    @Test func theOutputMayNotBeTheSendFile() async throws {
        let file = try TemporaryFiles.file("send.txt", "subscribe\n")
        defer { unlink(file) }
        let result = try await ChildProcess(scrape, ["ws", "ws://127.0.0.1:1/", "--send-file", file, "-o", file]).wait()
        #expect(result.status == 2)
        #expect(result.stderr.contains("refusing to write \(file): it is the input file \(file)"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "subscribe\n")
    }
}

/// `--config`: the `ws:` job's settings and `auth:` (the `scrape api` kinds), chosen by
/// `--job` or by URL, with `http.user_agent`.
@Suite struct StreamConfigTests {
    private let scrape = ChildProcess.builtProduct("scrape")

    @Test func theJobsAuthAndSettingsReachTheHandshake() async throws {
        let request = Locked<[String: String]>([:])
        let server = try RawWebSocketServer { connection, _ in
            try connection.handshake(echoSubprotocol: true)
            let subscription = connection.request["sec-websocket-protocol"] == nil ? [] : connection.readTexts(1)
            request.withLock {
                $0 = connection.request
                $0["subscription"] = subscription.first
            }
            connection.sendText("ok")
            connection.sendClose(1000)
            _ = connection.readCloseCode()
        }
        defer { server.close() }
        try await TemporaryFiles.withDirectory { directory in
            try "s3cret-token\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            try "k3y\n".write(toFile: directory + "/key", atomically: true, encoding: .utf8)
            let config = directory + "/scrape.yaml"
            try """
                http:
                  user_agent: feed-reader/2.0
                jobs:
                  - name: other
                    ws: {url: "ws://127.0.0.1:1/", auth: {type: bearer, token_file: \(directory)/missing}}
                  - name: ticker
                    ws:
                      url: \(server.url("/feed?x=1"))
                      send: ['{"op":"subscribe"}']
                      subprotocol: v1.feed
                      headers: {X-Client: scrape}
                      auth: {type: bearer, token_file: \(directory)/token}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let result = try await ChildProcess(scrape, ["ws", server.url("/feed?x=1"), "--config", config, "--job", "ticker", "-q"]).wait()
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try TemporaryFiles.records(result.stdout).first?["data"] as? String == "ok")
            let fields = request.withLock { $0 }
            #expect(fields["authorization"] == "Bearer s3cret-token")
            #expect(fields["user-agent"] == "feed-reader/2.0")
            #expect(fields["x-client"] == "scrape")
            #expect(fields["sec-websocket-protocol"] == "v1.feed")
            #expect(fields["subscription"] == #"{"op":"subscribe"}"#)
            #expect(!result.stdout.contains("s3cret"))

            // api_key in the query: sent, but the record's url is the URL as given.
            try """
                jobs:
                  - name: keyed
                    ws:
                      url: \(server.url("/feed"))
                      auth: {type: api_key, name: key, location: query, value_file: \(directory)/key}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let keyed = try await ChildProcess(scrape, ["ws", server.url("/feed"), "--config", config, "-q"]).wait()
            #expect(keyed.status == 0, "\(keyed.stderr)")
            #expect(request.withLock { $0["request-line"] } == "GET /feed?key=k3y HTTP/1.1")
            #expect(try TemporaryFiles.records(keyed.stdout).first?["url"] as? String == server.url("/feed"))
        }
    }

    /// The flags of `ws:` keys are set over the job's values only when given: a job's
    /// `max_message_size` was overwritten by `--max-message-size`'s default before.
    @Test func theJobsSettingsStandWhereNoFlagIsGiven() async throws {
        let code = Locked<UInt16?>(nil)
        let server = try RawWebSocketServer { connection, _ in
            try connection.handshake()
            connection.sendText(String(repeating: "x", count: 64))
            code.withLock { $0 = connection.readCloseCode() }
        }
        defer { server.close() }
        try await TemporaryFiles.withDirectory { directory in
            let config = directory + "/scrape.yaml"
            try """
                jobs:
                  - name: small
                    ws: {url: "\(server.url())", max_message_size: 16B}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let result = try await ChildProcess(scrape, ["ws", server.url(), "--config", config, "--no-reconnect", "-q"]).wait()
            #expect(result.status == 1)
            #expect(code.withLock { $0 } == 1009)
            #expect(result.stderr == "scrape ws: protocol error by the server, closed with 1009: a frame over the 16-byte limit\n")
        }
    }

    @Test func aMissingSecretIsAUsageErrorNamingTheKey() async throws {
        try await TemporaryFiles.withDirectory { directory in
            let config = directory + "/scrape.yaml"
            try """
                jobs:
                  - name: ticker
                    ws: {url: "ws://127.0.0.1:1/", auth: {type: bearer, token_env: SCRAPE_TEST_NO_SUCH_VARIABLE}}
                """.write(toFile: config, atomically: true, encoding: .utf8)
            let result = try await ChildProcess(scrape, ["ws", "ws://127.0.0.1:1/", "--config", config]).wait()
            #expect(result.status == 2)
            #expect(result.stderr.contains("jobs[0].ws.auth.token_env"), "\(result.stderr)")
        }
    }
}

/// `scrape ws URL | head -1`: the reader going away ends the run quietly, as for `scrape run`.
@Suite struct StreamPipeTests {
    @Test func aReaderThatGoesAwayEndsTheRunWith141() async throws {
        let server = try RawWebSocketServer { connection, _ in
            try connection.handshake()
            for n in 0..<200_000 { connection.sendText(#"{"n":\#(n)}"#) }
            connection.waitForEOF()
        }
        defer { server.close() }
        let stdout = try FIFO()
        let child = try ChildProcess(ChildProcess.builtProduct("scrape"), ["ws", server.url()], stdoutPath: stdout.path)
        let first = try await stdout.readLine(timeout: .seconds(10))
        #expect(first.hasPrefix(#"{"url":"#))
        stdout.close()  // `| head -1` has what it wanted
        let result = try await child.wait(timeout: .seconds(20))
        #expect(result.status == 141)
        #expect(!result.stderr.contains("cannot write"), "\(result.stderr)")
    }
}

/// Issue 24: a server that sends one message and closes got 87 connections in 20 s,
/// because any message delivered reset both the reconnect count and the backoff.
@Suite struct StreamReconnectCommandTests {
    private let scrape = ChildProcess.builtProduct("scrape")

    /// A server that accepts, sends one message and closes with 1001 (which invites a return).
    private static func oneMessageServer() throws -> RawWebSocketServer {
        try RawWebSocketServer { connection, _ in
            try connection.handshake()
            connection.sendText(#"{"tick":1}"#)
            connection.sendClose(1001, reason: "bye")
            _ = connection.readCloseCode()
        }
    }

    @Test func reconnectTwoMeansTwoReconnectsAgainstAServerThatDeliversAndCloses() async throws {
        let server = try Self.oneMessageServer()
        defer { server.close() }
        // --duration only bounds the test should the budget not end the run.
        let result = try await ChildProcess(scrape, ["ws", server.url(), "--reconnect", "2", "--duration", "15s", "-q"]).wait()
        #expect(result.status == 1)
        #expect(server.connections == 3)
        #expect(try TemporaryFiles.records(result.stdout).count == 3)
        #expect(result.stderr == "scrape ws: gave up after 2 reconnect attempts; last: closed by the server with 1001 (bye)\n")
    }

    @Test func atMostTenConnectionsInTwentySecondsWhateverTheBudget() async throws {
        let server = try Self.oneMessageServer()
        defer { server.close() }
        let result = try await ChildProcess(scrape, ["ws", server.url(), "--reconnect", "1000", "--duration", "20s", "-q"]).wait(timeout: .seconds(60))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.connections >= 3)  // it does come back (default backoff: 6 or more by then)
        #expect(server.connections <= 10)
    }
}
