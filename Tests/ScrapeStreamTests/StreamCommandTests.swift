import Foundation
import ScrapeBase
import ScrapeTestSupport
import Testing

/// `scrape ws` as users run it: the `scrape` binary, which execs `scrape-daemon ws`.
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
        (["ws", "ws://h/", "--ping-interval", "0s"], "Error: --ping-interval: expected a duration above zero (250ms, 30s, 5m), got \"0s\""),
        (["ws", "ws://h/", "--max-message-size", "lots"], "Error: --max-message-size: expected a size from 1B to 4GiB (64KiB, 16MiB), got \"lots\""),
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
