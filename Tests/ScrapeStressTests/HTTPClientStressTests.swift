import ScrapeHTTP
import ScrapeTestSupport
import Synchronization
import Testing

/// The I/O thread and the transfer state machine under contention: rounds of hundreds of
/// requests of mixed lengths, a third of them cancelled at random moments (before they
/// start, while queued, mid-transfer, as they finish). Every request must end exactly once,
/// as a response or a cancellation, and the client must stay usable.
@Suite(.timeLimit(.minutes(5)))
struct HTTPClientStressTests {
    @Test(arguments: 0..<10)
    func randomCancellationsNeverLoseOrDoubleAnEnding(round: Int) async throws {
        try await TestServer.withRunning { server in
            var configuration = HTTPClient.Configuration.fastFailingForTesting()
            configuration.connections.maxTotal = 64
            configuration.connections.maxPerHost = 64
            let client = try HTTPClient(configuration: configuration)
            let endings = try await withThrowingTaskGroup(of: String.self, returning: [String: Int].self) { group in
                for index in 0..<300 {
                    let path = index % 4 == 0 ? "/delay/\(Int.random(in: 0...30))" : "/bytes/\(Int.random(in: 1...40_000))"
                    let cancelAfter: Duration? = Int.random(in: 0..<3) == 0 ? .microseconds(Int.random(in: 0...5_000)) : nil
                    group.addTask {
                        try await withThrowingTaskGroup(of: String.self) { attempt in
                            attempt.addTask {
                                do {
                                    let response = try await client.execute(FetchRequest(url: server.url(path)))
                                    return response.status == 200 ? "response" : "status \(response.status)"
                                } catch is CancellationError {
                                    return "cancelled"
                                } catch let error as HTTPClientError where error.kind == .cancelled {
                                    return "cancelled"
                                } catch let error as HTTPClientError {
                                    return "\(error) [\(error.curlError.map { "\($0)" } ?? "no curl error")]"
                                }
                            }
                            if let cancelAfter {
                                try? await Task.sleep(for: cancelAfter)
                                attempt.cancelAll()
                            }
                            return try await attempt.next()!
                        }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(endings.values.reduce(0, +) == 300)
            #expect(Set(endings.keys).isSubset(of: ["response", "cancelled"]), "\(endings)")
            #expect(endings["response", default: 0] >= 150)
            let after = try await client.execute(FetchRequest(url: server.url("/get")))
            #expect(after.status == 200)
            let deadline = ContinuousClock.now + .seconds(10)
            while client.statistics.runningTransfers > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(client.statistics.runningTransfers == 0)
            await client.shutdown()
        }
    }
}
