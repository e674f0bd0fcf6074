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
/// | `GET /jobs` | every job: schedule, state, last and next run, counts |
/// | `POST /jobs/{name}/run` | 202 and the run's id; 409 while it runs; 404 unknown |
/// | `POST /scrape` | a text/plain URL list becomes an inbox file; 202 and its id |
/// | `GET /runs/{id}` | a run's state and counts |
///
/// POST routes need `Authorization: Bearer TOKEN` when `daemon.token_file` is set.
/// Request bodies are capped at ``maxBodyBytes``.
struct ControlServer: Sendable {
    /// The largest `POST /scrape` body: about 100,000 URLs.
    static let maxBodyBytes = 8 * 1024 * 1024

    let engine: Engine
    let jobs: JobScheduler
    let inbox: Inbox
    let metrics: DaemonMetrics
    let registry: RunRegistry
    let paths: DaemonPaths
    let drain: Drain
    /// The bearer token, when one is configured; replaced on reload.
    let token: BearerToken

    func makeApplication(
        listen: ScrapeConfiguration.ListenAddress, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.get("/healthz") { _, _ in health() }
        router.get("/metrics") { _, _ in
            let body = metrics.render(inflight: engine.inflight, inboxPending: inbox.pendingCount)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        router.get("/jobs") { _, _ in json(JobList(jobs: jobs.snapshot())) }
        router.post("/jobs/:name/run") { request, context in
            if let refusal = authorize(request) { return refusal }
            let name = try context.parameters.require("name")
            switch jobs.trigger(name) {
            case .started(let id): return json(Accepted(id: id, status: "/runs/\(id)"), status: .accepted)
            case .alreadyRunning(let id): return json(Problem(error: "job \(name) is already running", id: id), status: .conflict)
            case .unknownJob: return json(Problem(error: "no job named \(name)"), status: .notFound)
            case .shuttingDown: return json(Problem(error: "the daemon is shutting down"), status: .serviceUnavailable)
            }
        }
        router.post("/scrape") { request, _ in
            if let refusal = authorize(request) { return refusal }
            let body = request.body
            let buffer: ByteBuffer
            do {
                buffer = try await body.collect(upTo: Self.maxBodyBytes)
            } catch {
                return json(Problem(error: "the URL list is larger than \(Self.maxBodyBytes) bytes; split it"), status: .contentTooLarge)
            }
            return submit(Array(buffer.readableBytesView))
        }
        router.get("/runs/:id") { _, context in
            let id = try context.parameters.require("id")
            return run(id)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "scrape"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? listen.port) },
            logger: logger
        )
    }

    // MARK: Handlers

    private func health() -> Response {
        let alive = engine.isAlive
        let writable = Self.probeWritable(paths.stateDirectory)
        let report = Health(
            status: alive && writable == nil ? "ok" : "unhealthy",
            engine: alive ? "alive" : "not responding",
            state_dir: writable.map { "not writable: \($0)" } ?? "writable",
            draining: drain.isDraining
        )
        return json(report, status: report.status == "ok" ? .ok : .serviceUnavailable)
    }

    private func submit(_ bytes: [UInt8]) -> Response {
        guard !drain.isDraining else { return json(Problem(error: "the daemon is shutting down"), status: .serviceUnavailable) }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return json(Problem(error: "the URL list is not UTF-8 text"), status: .badRequest)
        }
        let urls = URLSource.urlLineCount(in: bytes)
        guard urls > 0 else { return json(Problem(error: "the URL list has no URLs (one per line)"), status: .badRequest) }
        let id = Self.newID()
        let incoming = "\(paths.inbox)/.incoming-\(id)"
        do {
            try AtomicFile.write(bytes.last == UInt8(ascii: "\n") ? bytes : bytes + [UInt8(ascii: "\n")], to: incoming)
        } catch {
            return json(Problem(error: "cannot write the list into the inbox: \(error.reason)"), status: .internalServerError)
        }
        guard rename(incoming, "\(paths.inbox)/\(id).txt") == 0 else {
            unlink(incoming)
            return json(Problem(error: "cannot move the list into the inbox: \(String(cString: strerror(errno)))"), status: .internalServerError)
        }
        registry.queued(id: id, kind: "inbox", name: id)
        inbox.poke()
        return json(Accepted(id: id, status: "/runs/\(id)", urls: urls), status: .accepted)
    }

    private func run(_ id: String) -> Response {
        if let entry = registry[id] { return json(entry) }
        if let saved = jobs.savedRun(id) {
            let last = JobScheduler.lastRun(saved)
            let entry = RunRegistry.Entry(
                id: id, kind: "job", name: String(id[..<(id.lastIndex(of: "-") ?? id.endIndex)]), state: last.outcome,
                started: last.started, finished: last.finished, records: last.records, errors: last.errors,
                skipped: last.skipped, message: last.message
            )
            return json(entry)
        }
        guard !id.contains("/"), !id.hasPrefix("."), let status = inbox.status(of: id) else {
            return json(Problem(error: "no run with id \(id)"), status: .notFound)
        }
        var entry = RunRegistry.Entry(id: id, kind: "inbox", name: id, state: "queued")
        switch status {
        case .queued: entry.state = "queued"
        case .claimed: entry.state = "interrupted"
        case .done:
            entry.state = "succeeded"
            entry.records = Self.lineCount(paths.inboxOutput(id))
        case .failed(let reason):
            entry.state = "failed"
            entry.message = reason
        }
        return json(entry)
    }

    /// Refuses a mutating request without the configured bearer token (constant-time compare).
    private func authorize(_ request: Request) -> Response? {
        guard let expected = token.value else { return nil }
        let given = request.headers[.authorization] ?? ""
        let presented = given.hasPrefix("Bearer ") ? Array(given.utf8.dropFirst(7)) : []
        let wanted = Array(expected.utf8)
        var difference = presented.count ^ wanted.count
        for index in wanted.indices { difference |= Int(wanted[index] ^ (index < presented.count ? presented[index] : 0)) }
        guard difference != 0 else { return nil }
        var response = json(Problem(error: given.isEmpty ? "missing Authorization: Bearer token" : "wrong bearer token"), status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer realm="scrape""#
        return response
    }

    // MARK: Helpers

    private struct JobList: Encodable { var jobs: [JobScheduler.JobInfo] }
    private struct Accepted: Encodable {
        var id: String
        var status: String
        var urls: Int?
    }
    private struct Problem: Encodable {
        var error: String
        var id: String?
    }
    private struct Health: Encodable {
        var status: String
        var engine: String
        var state_dir: String
        var draining: Bool
    }

    private func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var bytes = (try? encoder.encode(value)).map { [UInt8]($0) } ?? Array(#"{"error":"cannot encode the response"}"#.utf8)
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// nil when a file can be created in `folder`, else why not.
    static func probeWritable(_ folder: String) -> String? {
        let probe = "\(folder)/.healthz-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
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
