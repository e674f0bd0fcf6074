import CoreMetrics
import Logging
import NIOCore
import NIOPosix
import ScrapeBase
import ScrapeCore
import ScrapeHTTP
import ScrapeStream
import ServiceLifecycle

/// `ws:` jobs, as a service: each a WebSocket stream the daemon keeps open from start to
/// stop, reconnecting forever with capped backoff (`http.backoff`), appending whole lines
/// to its output across restarts (a partial last line is cut first).
///
/// SIGTERM closes every stream with 1001 (at most the 1 s close handshake, within the
/// drain) and fsyncs its output. SIGHUP restarts only the `ws:` jobs whose settings
/// changed; the others keep their connection.
///
/// Streams run on an event loop of their own, not on the control server's: each writes
/// its output from its loop, and a busy stream must not delay `/healthz`.
final class StreamJobs: Service, Sendable {
    /// A stream as `GET /jobs` shows it (snake_case keys, ``DaemonJSON``).
    struct Info: Sendable, Codable, Equatable {
        enum State: String, Sendable, Codable {
            /// Connecting, or waiting for the next attempt.
            case connecting
            case connected
            /// Could not start (output not writable, a secret missing); see `lastError`.
            case failed
            case stopped
        }

        var state: State = .connecting
        var url: String
        var connectedSince: String?
        var connections = 0
        var messages = 0
        var lastCloseCode: Int?
        var lastCloseReason: String?
        var lastError: String?
    }

    /// One running stream.
    private struct Entry: Sendable {
        let job: ScrapeConfiguration.Job
        let http: ScrapeConfiguration.HTTP
        let runner: StreamRunner?
        let task: Task<Void, Never>?
        let info: Locked<Info>
    }

    private let streams = Locked<[String: Entry]>([:])
    /// The last ``apply(_:http:)`` in progress: each waits for the one before, so a reload
    /// arriving while the service starts its streams cannot interleave with it.
    private let applying = Locked<Task<Void, Never>?>(nil)
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let pending: Locked<(jobs: [ScrapeConfiguration.Job], http: ScrapeConfiguration.HTTP)>
    private let paths: DaemonPaths
    private let metrics: DaemonMetrics
    private let logger: Logger

    init(jobs: [ScrapeConfiguration.Job], http: ScrapeConfiguration.HTTP, paths: DaemonPaths, metrics: DaemonMetrics, logger: Logger) {
        pending = Locked((jobs, http))
        self.paths = paths
        self.metrics = metrics
        self.logger = logger
    }

    /// Whether `name` is a `ws:` job (it has no runs to trigger).
    func contains(_ name: String) -> Bool { streams.withLock { $0[name] != nil } }

    /// The state of stream `name`, nil when it is not a `ws:` job.
    func info(_ name: String) -> Info? { streams.withLock { $0[name]?.info.withLock { $0 } } }

    func run() async throws {
        let (jobs, http) = pending.withLock { $0 }
        await apply(jobs, http: http)
        // Runs until the group shuts down; then every stream closes with 1001.
        let (shutdown, signal) = AsyncStream.makeStream(of: Void.self)
        await withGracefulShutdownHandler {
            for await _ in shutdown { break }
        } onGracefulShutdown: {
            signal.yield()
        }
        await stopAll()
        try? await group.shutdownGracefully()
    }

    /// Starts the `ws:` jobs of `jobs` that are not running with these settings, stops the
    /// ones that are gone or changed. Unchanged streams keep their connection.
    func apply(_ jobs: [ScrapeConfiguration.Job], http: ScrapeConfiguration.HTTP) async {
        let task = applying.withLock { previous in
            let next = Task { [previous] in
                await previous?.value
                await self.applyNow(jobs, http: http)
            }
            previous = next
            return next
        }
        await task.value
    }

    private func applyNow(_ jobs: [ScrapeConfiguration.Job], http: ScrapeConfiguration.HTTP) async {
        let wanted = jobs.enumerated().compactMap { index, job -> (job: ScrapeConfiguration.Job, keyPath: String, stream: ScrapeConfiguration.Stream)? in
            guard case .stream(let stream) = job.source else { return nil }
            return (job, "jobs[\(index)].ws", stream)
        }
        let running = streams.withLock { $0 }
        for (name, entry) in running where !wanted.contains(where: { $0.job.name == name && Self.same(entry, $0.job, http) }) {
            await stop(entry, code: CloseCode.goingAway)
            _ = streams.withLock { $0.removeValue(forKey: name) }
            logger.info("ws job stopped", metadata: ["job": "\(name)", "reason": "\(wanted.contains { $0.job.name == name } ? "settings changed" : "removed")"])
        }
        for item in wanted where streams.withLock({ $0[item.job.name] }) == nil {
            let entry = start(item.job, keyPath: item.keyPath, stream: item.stream, http: http)
            streams.withLock { $0[item.job.name] = entry }
        }
    }

    private static func same(_ entry: Entry, _ job: ScrapeConfiguration.Job, _ http: ScrapeConfiguration.HTTP) -> Bool {
        // A stream that could not start is tried again at every reload.
        guard entry.runner != nil, case .stream(let old) = entry.job.source, case .stream(let new) = job.source else { return false }
        return old == new && entry.job.output == job.output && entry.http.userAgent == http.userAgent && entry.http.backoff == http.backoff
            && entry.http.headers == http.headers
    }

    private func start(_ job: ScrapeConfiguration.Job, keyPath: String, stream: ScrapeConfiguration.Stream, http: ScrapeConfiguration.HTTP) -> Entry {
        let info = Locked(Info(url: stream.url.text))
        let name = job.name
        let output = paths.output(of: job)
        let writer: RecordWriter
        let settings: StreamSettings
        let runner: StreamRunner
        do {
            writer = try RecordWriter(path: output, mode: .append)
            settings = try StreamSettings(job: stream, keyPath: keyPath, http: http, limit: .forever)
            let counters = metrics.streamCounters(job: name)
            let recorder = StreamRecorder(url: stream.url.text, writer: writer, maxMessages: nil) { bytes in
                counters.messages.increment()
                counters.bytes.increment(by: bytes)
                info.withLock { $0.messages += 1 }
            }
            let (metrics, logger) = (metrics, logger)
            runner = try StreamRunner(settings: settings, recorder: recorder, eventLoop: group.next()) { event in
                Self.record(event, job: name, info: info, metrics: metrics, logger: logger)
            }
        } catch {
            info.withLock {
                $0.state = .failed
                $0.lastError = "\(error)"
            }
            logger.error("ws job cannot start", metadata: ["job": "\(name)", "error": "\(error)"])
            return Entry(job: job, http: http, runner: nil, task: nil, info: info)
        }
        logger.info("ws job started", metadata: ["job": "\(name)", "url": "\(stream.url)", "output": "\(output)"])
        let (metrics, logger) = (metrics, logger)
        let task = Task {
            let exit = await runner.run()
            do {
                try writer.finish()  // releases the lock: a reload may reopen the file next
            } catch {
                logger.error("ws job output", metadata: ["job": "\(name)", "error": "\(error)"])
            }
            await settings.credentials?.shutdown()
            metrics.streamConnected(job: name, false)
            info.withLock {
                $0.state = .stopped
                $0.connectedSince = nil
                if case .outputFailed(let reason) = exit { $0.lastError = reason }
            }
        }
        return Entry(job: job, http: http, runner: runner, task: task, info: info)
    }

    /// A stream's event: its `/jobs` state, metrics and log line.
    private static func record(_ event: StreamEvent, job: String, info: Locked<Info>, metrics: DaemonMetrics, logger: Logger) {
        switch event {
        case .connected(let number, _, _):
            info.withLock {
                $0.state = .connected
                $0.connectedSince = Timestamp.now.description
                $0.connections = number
            }
            metrics.streamConnection(job: job, outcome: "opened")
            metrics.streamConnected(job: job, true)
            logger.info("ws connected", metadata: ["job": "\(job)", "connection": "\(number)"])
        case .ended(let end, let next):
            let wasOpen = info.withLock { info -> Bool in
                let wasOpen = info.state == .connected
                info.state = .connecting
                info.connectedSince = nil
                if let code = end.closeCode { info.lastCloseCode = Int(code) }
                if case .closedByServer(_, let reason) = end { info.lastCloseReason = reason }
                if case .reconnect = next { info.lastError = end.description }
                return wasOpen
            }
            if !wasOpen { metrics.streamConnection(job: job, outcome: "failed") }
            metrics.streamConnected(job: job, false)
            if case .stopped = end { return }
            logger.warning("ws \(StreamLog.line(for: event))", metadata: ["job": "\(job)"])
        }
    }

    private func stopAll() async {
        let running = streams.withLock { $0.values }
        await withTaskGroup(of: Void.self) { group in
            for entry in running { group.addTask { await self.stop(entry, code: CloseCode.goingAway) } }
        }
    }

    private func stop(_ entry: Entry, code: UInt16) async {
        entry.runner?.stop(code: code)
        await entry.task?.value
    }
}
