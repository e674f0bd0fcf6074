import Foundation
import Glibc
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ScrapeCore
import ScrapeBase
import Synchronization

/// The control and metrics HTTP server (Hummingbird), on `daemon.listen`.
///
/// | route | what |
/// |---|---|
/// | `GET /healthz` | 200 while the engine loop answers and the state dir is writable, else 503; JSON says which |
/// | `GET /metrics` | Prometheus text format |
/// | `GET /jobs` | every job: schedule, priority, state, queued run and its position, last and next run, counts |
/// | `POST /jobs/{name}/run` | 202 and the queued run's id; 409 while a run of it goes or waits (`overlap: skip`) or for a `ws:` job; 404 unknown |
/// | `POST /scrape` | a text/plain URL list becomes an inbox file; 202 and its id |
/// | `GET /runs` | the runs queued (in queue order, with `position`) and running now |
/// | `GET /runs/{id}` | a run's state and counts (and `position` while queued) |
///
/// POST routes need `Authorization: Bearer TOKEN` when `daemon.token_file` is set.
/// Request bodies are capped at ``maxBodyBytes``.
struct ControlServer: Sendable {
    /// The largest `POST /scrape` body: about 100,000 URLs.
    static let maxBodyBytes = 8 * 1024 * 1024

    let engine: Engine
    let jobs: JobScheduler
    let inbox: Inbox
    let streams: StreamJobs
    let metrics: DaemonMetrics
    let registry: RunRegistry
    let paths: DaemonPaths
    let drain: Drain
    /// The bearer token, when one is configured; replaced on reload.
    let token: BearerToken

    func makeApplication(
        listen: ScrapeConfiguration.ListenAddress, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "scrape"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }

    /// The routes; apart from the application so tests can drive them in process.
    func makeRouter() -> Router<ControlContext> {
        let router = Router(context: ControlContext.self)
        router.get("/healthz") { request, context in try health().response(from: request, context: context) }
        router.get("/metrics") { _, _ in
            let body = metrics.render(
                inflight: engine.inflight, inboxPending: inbox.pendingCount, openCircuits: engine.openCircuits, queuedRuns: jobs.queue().count)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/jobs") { _, _ in
            JobList(jobs: jobs.snapshot().map { job in
                var job = job
                job.stream = streams.info(job.name)
                return job
            })
        }
        router.get("/runs") { _, _ in RunList(runs: activeRuns()) }
        router.get("/runs/:id") { request, context in
            try run(context.parameters.require("id")).response(from: request, context: context)
        }
        let mutating = router.group().add(middleware: BearerTokenMiddleware(token: token))
        mutating.post("/jobs/:name/run") { request, context in
            try trigger(context.parameters.require("name")).response(from: request, context: context)
        }
        mutating.post("/scrape") { request, context in
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: Self.maxBodyBytes)
            } catch {
                return try Answer(Problem(error: "the URL list is larger than \(Self.maxBodyBytes) bytes; split it"), .contentTooLarge)
                    .response(from: request, context: context)
            }
            return try submit(Array(buffer.readableBytesView)).response(from: request, context: context)
        }
        return router
    }

    // MARK: Handlers

    private func health() -> Answer {
        let alive = engine.isAlive
        let writable = Self.probeWritable(paths.stateDirectory)
        let healthy = alive && writable == nil
        let report = Health(
            status: healthy ? "ok" : "unhealthy",
            engine: alive ? "alive" : "not responding",
            stateDir: writable.map { "not writable: \($0)" } ?? "writable",
            draining: drain.isDraining
        )
        return Answer(report, healthy ? .ok : .serviceUnavailable)
    }

    private func trigger(_ name: String) -> Answer {
        switch jobs.trigger(name) {
        case .queued(let id), .joined(let id): Answer(Accepted(id: id, status: "/runs/\(id)"), .accepted)
        case .alreadyRunning(let id): Answer(Problem(error: "job \(name) is already running (overlap: skip)", id: id), .conflict)
        case .alreadyQueued(let id): Answer(Problem(error: "job \(name) is already queued (overlap: skip)", id: id), .conflict)
        case .stream: Answer(Problem(error: "job \(name) is a ws: stream, open while the daemon runs; it has no runs to start"), .conflict)
        case .unknownJob: Answer(Problem(error: "no job named \(name)"), .notFound)
        case .shuttingDown: Answer(Problem(error: "the daemon is shutting down"), .serviceUnavailable)
        }
    }

    /// Queued job runs in queue order with their positions, then the other runs queued or
    /// running (inbox lists have no position: the inbox takes them one at a time, in name
    /// order, beside the job runs).
    private func activeRuns() -> [RunRegistry.Entry] {
        let queue = jobs.queue()
        var runs: [RunRegistry.Entry] = []
        for item in queue {
            var entry = registry[item.id] ?? RunRegistry.Entry(id: item.id, kind: .job, name: item.job, state: .queued)
            guard entry.state == .queued else { continue }  // started since: listed with the running ones
            entry.position = item.position
            runs.append(entry)
        }
        let listed = Set(runs.map(\.id))
        runs += registry.active.filter { !listed.contains($0.id) }.sorted { a, b in
            if a.state != b.state { return a.state == .running }
            return (a.started ?? "", a.id) < (b.started ?? "", b.id)
        }
        return runs
    }

    private func submit(_ bytes: [UInt8]) -> Answer {
        guard !drain.isDraining else { return Answer(Problem(error: "the daemon is shutting down"), .serviceUnavailable) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return Answer(Problem(error: "the URL list is not UTF-8 text"), .badRequest)
        }
        let urls = URLSource.urlLineCount(in: bytes)
        guard urls > 0 else { return Answer(Problem(error: "the URL list has no URLs (one per line)"), .badRequest) }
        let id = Self.newID()
        let incoming = "\(paths.inbox)/.incoming-\(id)"
        do {
            try AtomicFile.write(bytes.last == UInt8(ascii: "\n") ? bytes : bytes + [UInt8(ascii: "\n")], to: incoming)
        } catch {
            return Answer(Problem(error: "cannot write the list into the inbox: \(error.reason)"), .internalServerError)
        }
        guard rename(incoming, "\(paths.inbox)/\(id).txt") == 0 else {
            let reason = SystemCall.errorMessage()
            unlink(incoming)
            return Answer(Problem(error: "cannot move the list into the inbox: \(reason)"), .internalServerError)
        }
        registry.queued(id: id, kind: .inbox, name: id)
        inbox.poke()
        return Answer(Accepted(id: id, status: "/runs/\(id)", urls: urls), .accepted)
    }

    private func run(_ id: String) -> Answer {
        if var entry = registry[id] {
            if entry.kind == .job, entry.state == .queued { entry.position = jobs.queue().first { $0.id == id }?.position }
            return Answer(entry)
        }
        if let saved = jobs.savedRun(id) {
            let last = JobScheduler.lastRun(saved)
            let entry = RunRegistry.Entry(
                id: id, kind: .job, name: String(id[..<(id.lastIndex(of: "-") ?? id.endIndex)]), state: last.outcome,
                started: last.started, finished: last.finished, records: last.records, errors: last.errors,
                skipped: last.skipped, message: last.message
            )
            return Answer(entry)
        }
        guard !id.contains("/"), !id.hasPrefix("."), let status = inbox.status(of: id) else {
            return Answer(Problem(error: "no run with id \(id)"), .notFound)
        }
        var entry = RunRegistry.Entry(id: id, kind: .inbox, name: id, state: .queued)
        switch status {
        case .queued: entry.state = .queued
        case .claimed: entry.state = .interrupted
        case .done:
            entry.state = .succeeded
            entry.records = Self.lineCount(paths.inboxOutput(id))
        case .failed(let reason):
            entry.state = .failed
            entry.message = reason
        }
        return Answer(entry)
    }

    // MARK: Answers

    private struct JobList: ResponseEncodable { var jobs: [JobScheduler.JobInfo] }
    private struct RunList: ResponseEncodable { var runs: [RunRegistry.Entry] }
    private struct Accepted: ResponseEncodable {
        var id: String
        var status: String
        var urls: Int?
    }
    private struct Health: ResponseEncodable {
        var status: String
        var engine: String
        var stateDir: String
        var draining: Bool
    }

    /// nil when a file can be created in `folder`, else why not.
    static func probeWritable(_ folder: String) -> String? {
        let probe = "\(folder)/.healthz-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return SystemCall.errorMessage() }
        close(descriptor)
        unlink(probe)
        return nil
    }

    /// A sortable, unique id for a submitted list: `list-20261125T031512Z-1a2b3c4d`.
    static func newID() -> String {
        let stamp = Timestamp.now.description.filter { $0.isNumber || $0 == "T" }.prefix(15)
        return "list-\(stamp)Z-\(String(UInt32.random(in: .min ... .max), radix: 16))"
    }

    static func lineCount(_ path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        return data.count { $0 == UInt8(ascii: "\n") }
    }
}

/// The bearer token mutating endpoints require; replaced on reload.
final class BearerToken: Sendable {
    private let storage: Locked<String?>

    init(_ value: String?) { storage = Locked(value) }

    var value: String? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

/// The control server's request context: Hummingbird's basics, and answers in the
/// daemon's JSON convention (``DaemonJSON``), one line each.
struct ControlContext: RequestContext {
    var coreContext: CoreRequestContextStorage

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    var responseEncoder: JSONLineResponseEncoder { JSONLineResponseEncoder() }
}

/// Encodes a handler's answer with ``DaemonJSON`` and ends it with a newline, so
/// `curl` output in a terminal ends its line.
struct JSONLineResponseEncoder: ResponseEncoder {
    func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        var bytes = [UInt8](try DaemonJSON.encoder().encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// An error answer: `{"error": "...", "id": "..."}`.
struct Problem: ResponseEncodable {
    var error: String
    var id: String?
}

/// A JSON answer with its status, encoded by the context's encoder.
struct Answer: ResponseGenerator {
    let body: any ResponseEncodable
    let status: HTTPResponse.Status

    init(_ body: some ResponseEncodable, _ status: HTTPResponse.Status = .ok) {
        self.body = body
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        return response
    }
}

/// Refuses a request to the routes it guards (those that change something) unless it
/// carries `Authorization: Bearer TOKEN` with the configured token; with no token
/// configured, everything passes. The comparison takes the same time wherever the
/// presented token first differs.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = ControlContext

    let token: BearerToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let expected = token.value else { return try await next(request, context) }
        let given = request.headers[.authorization] ?? ""
        let presented = given.hasPrefix("Bearer ") ? Array(given.utf8.dropFirst(7)) : []
        let wanted = Array(expected.utf8)
        var difference = presented.count ^ wanted.count
        for index in wanted.indices { difference |= Int(wanted[index] ^ (index < presented.count ? presented[index] : 0)) }
        guard difference != 0 else { return try await next(request, context) }
        let problem = Problem(error: given.isEmpty ? "missing Authorization: Bearer token" : "wrong bearer token")
        var response = try Answer(problem, .unauthorized).response(from: request, context: context)
        response.headers[.wwwAuthenticate] = #"Bearer realm="scrape""#
        return response
    }
}

extension RunRegistry.Entry: ResponseEncodable {}
