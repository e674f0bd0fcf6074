import Hummingbird
import NIOCore
import ScrapeBase

/// Hosts of a fixed capacity, for `per_host_concurrency: auto`: `/capacity/KEY/N?k=K&ms=MS`
/// serves K requests at once in MS milliseconds each (default 4 and 50), queues the rest
/// in arrival order, and answers 503 at once beyond 3K in flight, as an overloaded server
/// with a worker pool and a bounded backlog does. Each KEY is its own host;
/// `/capacity/KEY/stats` gives what it saw as text: one line per 100 ms window with the
/// most requests in flight (served and queued) during it, then `served N` and
/// `rejected N`.
enum CapacityRoutes {
    static func register(on router: Router<TestRequestContext>) {
        let hosts = CapacityHosts()
        router.get("/capacity/:key/stats") { _, context in
            let gate = hosts.gate(try context.parameters.require("key"), capacity: 1)
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: await gate.stats())))
        }
        router.get("/capacity/:key/:n") { request, context in
            let capacity = request.uri.queryParameters.get("k", as: Int.self) ?? 4
            let service = Duration.milliseconds(min(request.uri.queryParameters.get("ms", as: Int.self) ?? 50, 1000))
            let gate = hosts.gate(try context.parameters.require("key"), capacity: max(1, capacity))
            guard await gate.enter() else {
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "busy")))
            }
            try? await Task.sleep(for: service)
            await gate.leave()
            let n = try context.parameters.require("n")
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "<!doctype html><title>Capacity \(n)</title><p>ok</p>")))
        }
    }
}

/// The gates by key, made on first use.
private final class CapacityHosts: Sendable {
    private let gates = Locked<[String: CapacityGate]>([:])

    func gate(_ key: String, capacity: Int) -> CapacityGate {
        gates.withLock { gates in
            if let gate = gates[key] { return gate }
            let gate = CapacityGate(capacity: capacity)
            gates[key] = gate
            return gate
        }
    }
}

/// One host's worker pool: `capacity` slots handed out in arrival order.
private actor CapacityGate {
    let capacity: Int
    private var busy = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private var inFlight = 0
    private var started: ContinuousClock.Instant?
    private var peaks: [Int] = []
    private var served = 0
    private var rejected = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Takes a slot, waiting in line for one; false (answer 503) beyond 3 × capacity in flight.
    func enter() async -> Bool {
        inFlight += 1
        note()
        if inFlight > 3 * capacity {
            inFlight -= 1
            rejected += 1
            return false
        }
        if busy < capacity {
            busy += 1
            return true
        }
        await withCheckedContinuation { waiting.append($0) }
        return true  // the slot was handed over by leave()
    }

    /// Gives the slot to the next in line, or frees it.
    func leave() {
        inFlight -= 1
        served += 1
        note()
        if waiting.isEmpty {
            busy -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    private func note() {
        let now = ContinuousClock.now
        let start = started ?? now
        started = start
        let window = Int((now - start).inMilliseconds / 100)
        while peaks.count <= window { peaks.append(inFlight) }
        peaks[window] = max(peaks[window], inFlight)
    }

    func stats() -> String {
        peaks.map(String.init).joined(separator: "\n") + "\nserved \(served)\nrejected \(rejected)\n"
    }
}
