import ScrapeHTTP
import ScrapeTestSupport
import Testing

/// Many tasks at once, cancellation and shutdown.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientConcurrencyTests {
    @Test func thousandRequestsFromHundredTasksUseNoMoreConnectionsThanConfigured() async throws {
        try await withServerAndClient({
            $0.connections.maxTotal = 16
            $0.connections.maxPerHost = 16
        }) { server, client in
            let newConnections = try await withThrowingTaskGroup(of: Int.self) { group in
                for task in 0..<100 {
                    group.addTask {
                        var opened = 0
                        for index in 0..<10 {
                            let size = 1 + (task * 10 + index) % 3000
                            let response = try await client.execute(FetchRequest(url: server.url("/bytes/\(size)")))
                            #expect(response.status == 200)
                            #expect(response.body == patternBytes(size))
                            opened += response.newConnections
                        }
                        return opened
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(server.log.count(prefix: "/bytes/") == 1000)
            #expect(newConnections <= 16)
            #expect(server.log.connectionCount <= 16)
            #expect(client.statistics.easyHandlesCreated <= 100)
        }
    }

    @Test func cancellingTwoHundredInFlightRequestsLeavesTheClientUsable() async throws {
        try await withServerAndClient({
            $0.connections.maxTotal = 256
            $0.connections.maxPerHost = 256
            // Far past the time 200 requests take to reach the server on a loaded machine (CI once
            // needed more than 5 s, and the first ones timed out before the cancel).
            $0.timeouts.total = .seconds(40)
            $0.timeouts.lowSpeedTime = .seconds(40)
        }) { server, client in
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await client.execute(FetchRequest(url: server.url("/delay/30000")))
                            return "completed"
                        } catch is CancellationError {
                            return "cancelled"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                // Wait until all 200 reached the server, so they are really in flight.
                while server.log.count(path: "/delay/30000") < 200 {
                    try await Task.sleep(for: .milliseconds(10))
                }
                #expect(client.statistics.runningTransfers == 200)
                group.cancelAll()
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["cancelled": 200])
            // The handles leave curl on the I/O thread's next turn.
            while client.statistics.runningTransfers > 0 {
                try await Task.sleep(for: .milliseconds(5))
            }
            let response = try await client.execute(FetchRequest(url: server.url("/get")))
            #expect(response.body.text == "ok")
        }
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        try await withServerAndClient { server, client in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await client.execute(FetchRequest(url: server.url("/get")))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(server.log.count(path: "/get") == 0)
        }
    }

    @Test func shutdownFailsInFlightRequestsAndLaterOnes() async throws {
        try await TestServer.withRunning { server in
            let client = try HTTPClient(configuration: .fastFailingForTesting())
            let inFlight = Task { try await client.execute(FetchRequest(url: server.url("/delay/3000"))) }
            while server.log.count(path: "/delay/3000") < 1 {
                try await Task.sleep(for: .milliseconds(10))
            }
            await client.shutdown()
            await #expect(throws: HTTPClientError.clientShutdown) { try await inFlight.value }
            await #expect(throws: HTTPClientError.clientShutdown) {
                try await client.execute(FetchRequest(url: server.url("/get")))
            }
            #expect(server.log.count(path: "/get") == 0)
        }
    }

    @Test func shutdownIsIdempotentAndConcurrent() async throws {
        let client = try HTTPClient()
        async let first: Void = client.shutdown()
        async let second: Void = client.shutdown()
        _ = await (first, second)
        await client.shutdown()
        let error = await expectFailure(client, FetchRequest(url: "http://127.0.0.1:1/"))
        #expect(error == .clientShutdown)
    }

    @Test func manyClientsStartAndStop() async throws {
        try await TestServer.withRunning { server in
            for _ in 0..<20 {
                let client = try HTTPClient()
                let response = try await client.execute(FetchRequest(url: server.url("/get")))
                #expect(response.status == 200)
                await client.shutdown()
            }
        }
    }
}
