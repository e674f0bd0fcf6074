import ArgumentParser
import CommandSupport
import Glibc
import ScrapeBase
import ScrapeCore
import ScrapeResilience
import ScrapeStream

/// `scrape ws URL`: one WebSocket stream to JSON Lines, until `--max-messages`,
/// `--duration`, a signal, a close 1000 or the reconnect budget ends it.
///
/// Lives in `scrape-nio`, the binary that already links SwiftNIO, so one-shot
/// `scrape run` keeps its start-up and memory (docs/benchmarks.md, "Measured choices").
struct StreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ws",
        abstract: "Record a WebSocket stream as JSON Lines: one line per message, reconnecting after failures.",
        discussion: """
            Each record: {"url","connection","seq","received_at","type":"json"|"text"|"binary","data"}. \
            --send messages go out after every connect, so a reconnect subscribes again. \
            Reconnects (backoff from http.backoff, each delay between half and all of its doubling \
            ceiling; Retry-After on 429/503) follow an abnormal closure, an idle timeout, a protocol \
            error by the server, or a close with 1001, 1011, 1012, 1013 or 1014; a close 1000 ends the \
            run. A handshake answered 401, 403 or 404 is not retried. Only a connection that stayed \
            open 10 s and delivered a message resets the reconnect count and the backoff. Exit status: 0 done, 1 the stream failed or the output cannot be written, \
            2 usage, 130/143 interrupted (after a close 1001).
            """
    )

    @Argument(help: ArgumentHelp("The ws:// or wss:// URL.", valueName: "url"))
    var url: String

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Where records go; - for standard output.", valueName: "file"))
    var output = "-"

    @Flag(help: "Append to the output instead of starting it empty (a partial last line is cut first).")
    var append = false

    @Option(name: .customLong("send"), help: ArgumentHelp("A text message to send after each connect (repeatable, in order).", valueName: "text"))
    var messages: [String] = []

    @Option(help: ArgumentHelp("A file of messages to send after each connect, one per line.", valueName: "file"))
    var sendFile: String?

    @Option(
        name: .customLong("header"),
        help: ArgumentHelp(
            "A handshake header (repeatable), as 'Name: value'; over the config file's http.headers and ws: job headers. "
                + "Not Host, Content-Length, Transfer-Encoding or the handshake's own (Upgrade, Connection, Sec-WebSocket-*).",
            valueName: "header"))
    var headers: [String] = []

    @Option(help: ArgumentHelp("Ask for this subprotocol (Sec-WebSocket-Protocol).", valueName: "name"))
    var subprotocol: String?

    @Option(help: ArgumentHelp("Stop after this many records.", valueName: "n"))
    var maxMessages: Int?

    @Option(help: ArgumentHelp("Stop after this long (30s, 5m, 1h).", valueName: "duration"))
    var duration: String?

    @Option(help: ArgumentHelp("Send a ping when nothing was received for this long.\(StreamCommand.defaultSuffix(.pingInterval))", valueName: "duration"))
    var pingInterval: String?

    @Option(help: ArgumentHelp("Nothing received for this long means the connection is dead\(StreamCommand.defaultSuffix(.idleTimeout)).", valueName: "duration"))
    var idleTimeout: String?

    @Option(help: ArgumentHelp("Refuse larger messages (close 1009).\(StreamCommand.defaultSuffix(.maxMessageSize))", valueName: "size"))
    var maxMessageSize: String?

    @Option(help: ArgumentHelp("Reconnect attempts in a row before giving up (a connection open 10 s that delivered messages resets the count).", valueName: "n"))
    var reconnect = 5

    @Flag(help: "Exit after the first close (status 1 unless the server closed with 1000).")
    var noReconnect = false

    @Option(help: ArgumentHelp("Trust the certificates of this PEM file instead of the system's.", valueName: "file"))
    var cacert: String?

    @Option(help: ArgumentHelp("Connect through this http:// proxy with CONNECT (credentials as user:password@); none goes direct.", valueName: "url"))
    var proxy: String?

    @Flag(help: "Do not offer permessage-deflate.")
    var noCompression = false

    @Option(help: ArgumentHelp("A config file: http.user_agent and http.backoff, and the ws: job for this URL (or --job): its settings and auth:.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("With --config: the ws: job whose auth: and settings to use.", valueName: "name"))
    var job: String?

    @Flag(name: [.short, .long], help: "No connection log lines and no summary on stderr (errors are still printed).")
    var quiet = false

    func validate() throws {
        if let maxMessages, maxMessages < 1 { throw ValidationError("--max-messages: expected a number of 1 or more, got \(maxMessages)") }
        if reconnect < 0 { throw ValidationError("--reconnect: expected 0 or more, got \(reconnect)") }
        if job != nil && config == nil { throw ValidationError("--job needs --config") }
        _ = try settings(configuration: nil)
    }

    func run() async throws {
        let file: ScrapeConfiguration
        do {
            file = try config.map { try ScrapeConfiguration(contentsOfFile: $0) } ?? ScrapeConfiguration()
        } catch {
            throw ValidationError("\(config ?? ""): \(error)")
        }
        let settings = try settings(configuration: file)
        let writer: RecordWriter
        do {
            writer = try RecordWriter(path: output, mode: append ? .append : .replace, inputs: [config, sendFile].compactMap { $0 })
        } catch {
            Terminal.error("scrape ws: \(error)")
            throw ExitCode(error.kind == .refused ? 2 : 1)
        }
        let recorder = StreamRecorder(url: settings.url.text, writer: writer, maxMessages: maxMessages)
        let runner: StreamRunner
        do {
            runner = try StreamRunner(settings: settings, recorder: recorder) { [quiet] event in
                // A run that ends badly says why once, as its error line (printed even with -q).
                if case .ended(_, .finish(let exit)) = event, exit != .success { return }
                if !quiet { Terminal.error("scrape ws: \(StreamLog.line(for: event))") }
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let stopAfter = try duration.map(Self.duration)
        let status = await Self.execute(runner, duration: stopAfter, quiet: quiet)
        if status == Self.closedPipeStatus { throw ExitCode(status) }
        let closed: OutputError?
        do {
            try writer.close()
            closed = nil
        } catch {
            closed = error
        }
        await settings.credentials?.shutdown()
        if let closed, closed.kind != .closedPipe {
            Terminal.error("scrape ws: \(closed)")
            throw ExitCode(1)
        }
        if !quiet { Terminal.error("scrape ws: \(StreamLog.summary(messages: writer.recordsWritten, bytes: recorder.bytes, connections: recorder.connection))") }
        throw ExitCode(status)
    }

    /// Runs the stream under SIGINT/SIGTERM and `--duration`; returns the exit status.
    private static func execute(_ runner: StreamRunner, duration: Duration?, quiet: Bool) async -> Int32 {
        let signals = await StopSignals { _ in runner.stop(code: CloseCode.goingAway) }
        let timer = duration.map { duration in
            Task {
                try await Task.sleep(for: duration)
                runner.stop(code: CloseCode.normal)
            }
        }
        let exit = await runner.run()
        signals.cancel()
        timer?.cancel()
        let signal = signals.signal
        switch exit {
        case .success:
            return signal != 0 ? 128 + signal : 0
        case .failure(let reason):
            Terminal.error("scrape ws: \(reason)")
            return signal != 0 ? 128 + signal : 1
        case .outputFailed:
            // The writer keeps its failure: closing it below reports it, once.
            return signal != 0 ? 128 + signal : 1
        case .closedPipe:
            return closedPipeStatus
        }
    }

    /// The flags over the config file's `http:` section and its `ws:` job (nil: the flags
    /// alone, to check them before the file is read). The flags of `ws:` keys go through
    /// the keys' own parser, ``ScrapeConfiguration/Stream/set(_:from:source:line:)``, over
    /// the job's values or else the defaults.
    ///
    /// - Throws: `ValidationError` naming the flag or key that is wrong.
    private func settings(configuration: ScrapeConfiguration?) throws -> StreamSettings {
        var file = configuration ?? ScrapeConfiguration()
        do throws(ConfigurationError) {
            if let proxy { try file.http.proxy.setProxy(proxy, source: "--proxy") }
        } catch {
            throw ValidationError(error.description)
        }
        let streamURL: StreamURL
        do {
            streamURL = try StreamURL(url)
        } catch {
            throw ValidationError(error.description)
        }
        let job = configuration == nil ? nil : try configuredJob(in: file, url: streamURL)
        var stream = job?.stream ?? ScrapeConfiguration.Stream(url: streamURL)
        stream.url = streamURL
        stream.send += messages
        if let sendFile {
            guard let text = FileContents.read(sendFile) else {
                throw ValidationError("--send-file: cannot read \(sendFile): \(SystemCall.errorMessage())")
            }
            stream.send += text.split(separator: "\n", omittingEmptySubsequences: true).map { String($0.trimmingCharacters(in: "\r")) }
        }
        let flags: [(ScrapeConfiguration.Stream.Setting, String?)] = [
            (.subprotocol, subprotocol), (.pingInterval, pingInterval), (.idleTimeout, idleTimeout),
            (.maxMessageSize, maxMessageSize), (.caCertificate, cacert),
        ]
        do throws(ConfigurationError) {
            for header in headers {
                // The one parser of --header (scrape run's too); then the handshake's own rules.
                let (name, value) = try HeaderCheck.field(parsing: header)
                try stream.addHeader(name: name, value: value, key: "--header \(name)")
            }
            for case (let setting, let text?) in flags {
                try stream.set(setting, from: text, source: setting.flag)
            }
        } catch {
            throw ValidationError(error.description)
        }
        if noCompression { stream.compression = false }
        _ = try duration.map(Self.duration)
        do {
            return try StreamSettings(
                job: stream, keyPath: job?.keyPath ?? "ws", http: file.http, limit: noReconnect ? .never : .attempts(reconnect))
        } catch {
            throw ValidationError("\(config ?? ""): \(error)")
        }
    }

    /// The `ws:` job of the config file that `--job` names, or else the one for this URL.
    private func configuredJob(in file: ScrapeConfiguration, url: StreamURL) throws -> (stream: ScrapeConfiguration.Stream, keyPath: String)? {
        for (index, entry) in file.jobs.enumerated() {
            guard case .stream(let stream) = entry.source else { continue }
            if let job, entry.name != job { continue }
            if job == nil, stream.url != url { continue }
            return (stream, "jobs[\(index)].ws")
        }
        if let job { throw ValidationError("--job: \(config ?? ""): no ws: job named \"\(job)\"") }
        return nil
    }

    /// 128 + SIGPIPE, as `scrape run` ends when the reader of stdout goes away.
    static let closedPipeStatus: Int32 = 128 + 13

    /// `--duration`, which no `ws:` key has, through the same parser as the keys' durations.
    private static func duration(_ text: String) throws -> Duration {
        do throws(ValueParser.Mismatch) {
            return try ValueParser.duration(text, positive: true)
        } catch {
            throw ValidationError(ConfigurationError.expected(error.expected, key: "--duration", got: text).description)
        }
    }

    /// ` (default: 30s)`, from the code that owns the default, for the help of a flag whose
    /// value is optional (so that a `--config` job's own value stands when it is not given).
    private static func defaultSuffix(_ setting: ScrapeConfiguration.Stream.Setting) -> String {
        setting.defaultDescription.map { " (default: \($0))" } ?? ""
    }
}
