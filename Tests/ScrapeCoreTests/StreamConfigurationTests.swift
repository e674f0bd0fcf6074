import ScrapeCore
import Testing
import ScrapeBase

/// `ws:` settings: one parser for the keys and `scrape ws`'s flags, defaults in one place.
@Suite struct StreamConfigurationTests {
    private static func stream(_ yaml: String) throws(ConfigurationError) -> ScrapeConfiguration.Stream {
        let file = try ScrapeConfiguration(yaml: "jobs:\n  - name: feed\n    ws: {url: ws://h/feed\(yaml.isEmpty ? "" : ", " + yaml)}\n")
        guard case .stream(let stream) = file.jobs.first?.source else { throw ConfigurationError(key: "jobs", message: "no ws: job") }
        return stream
    }

    @Test func theDefaultsAreTheTypes() throws {
        let stream = try Self.stream("")
        #expect(stream.pingInterval == .seconds(30))
        #expect(stream.effectiveIdleTimeout == .seconds(60))
        #expect(stream.maxMessageSize == ByteCount(bytes: 16 << 20))
        #expect(stream.compression)
        #expect(stream.subprotocol == nil && stream.caCertificate == nil)
        #expect(stream == ScrapeConfiguration.Stream(url: try StreamURL("ws://h/feed")))
    }

    @Test func everyKeyIsRead() throws {
        let stream = try Self.stream(
            "subprotocol: v1.feed, ping_interval: 5s, idle_timeout: 12s, max_message_size: 64KiB, cacert: /etc/ca.pem, compression: false, headers: {X-Id: 7}")
        #expect(stream.subprotocol == "v1.feed")
        #expect(stream.pingInterval == .seconds(5))
        #expect(stream.effectiveIdleTimeout == .seconds(12))
        #expect(stream.maxMessageSize == ByteCount(bytes: 64 << 10))
        #expect(stream.caCertificate == "/etc/ca.pem")
        #expect(!stream.compression)
        #expect(stream.headers.map(\.name) == ["X-Id"])
    }

    /// A key in the file and its flag take the same text and refuse the same text with
    /// the same words, each naming where it came from.
    @Test(arguments: [
        (ScrapeConfiguration.Stream.Setting.pingInterval, "0s", "expected a duration more than 0, like 250ms, 30s or 5m, got \"0s\""),
        (.idleTimeout, "soon", "expected a duration like 250ms, 30s, 5m or 1h, got \"soon\""),
        (.maxMessageSize, "0B", "expected a size from 1B to 4GiB, like 64KiB or 16MiB, got \"0B\""),
        (.maxMessageSize, "5GiB", "expected a size from 1B to 4GiB, like 64KiB or 16MiB, got \"5GiB\""),
        (.subprotocol, "v1 feed", "expected a token (letters, digits, !#$%&'*+-.^_`|~), got \"v1 feed\""),
    ])
    func aKeyAndItsFlagRefuseAlike(setting: ScrapeConfiguration.Stream.Setting, text: String, message: String) throws {
        var stream = ScrapeConfiguration.Stream(url: try StreamURL("ws://h/"))
        #expect(throws: ConfigurationError.self) { try stream.set(setting, from: text, source: setting.flag) }
        do {
            try stream.set(setting, from: text, source: setting.flag)
        } catch {
            #expect(error.description == "\(setting.flag): \(message)")
        }
        do {
            _ = try Self.stream("\(setting.key): \"\(text)\"")
            Issue.record("\(setting.key): \(text) was accepted")
        } catch {
            #expect(error.description == "line 3: jobs[0].ws.\(setting.key): \(message)")
        }
    }

    @Test func aFlagIsSetOverAJobsValue() throws {
        var stream = try Self.stream("ping_interval: 5s, max_message_size: 1KiB")
        try stream.set(.pingInterval, from: "10s", source: "--ping-interval")
        #expect(stream.pingInterval == .seconds(10))
        #expect(stream.maxMessageSize == ByteCount(bytes: 1024))  // no flag: the job's value stands
    }

    @Test(arguments: [
        ("Upgrade", "x", "is part of the WebSocket handshake, which scrape writes itself"),
        ("Sec-WebSocket-Protocol", "v1", "is set from the subprotocol setting"),
        ("X Id", "1", "not a valid header name (an HTTP token: letters, digits, !#$%&'*+-.^_`|~)"),
        ("X-Id", "a\r\nInjected: 1", "the value must not contain CR, LF or NUL (they would inject headers into the request)"),
        ("X-Id", "", "the value must not be empty"),
    ])
    func headersAreCheckedAlikeFromAFlagOrTheFile(name: String, value: String, message: String) throws {
        var stream = ScrapeConfiguration.Stream(url: try StreamURL("ws://h/"))
        do {
            try stream.addHeader(name: name, value: value, key: "--header \(name)")
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description == "--header \(name): \(message)")
            #expect(!error.description.contains("Injected"))
        }
        #expect(stream.headers.isEmpty)
    }

    /// A reload compares settings in force: writing out a default changes nothing.
    @Test func writingOutADefaultIsTheSameStream() throws {
        #expect(try Self.stream("") == Self.stream("ping_interval: 30s, idle_timeout: 60s, max_message_size: 16MiB"))
        #expect(try Self.stream("") != Self.stream("idle_timeout: 61s"))
    }
}
