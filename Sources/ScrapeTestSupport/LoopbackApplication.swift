import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Runs an in-process Hummingbird application on `127.0.0.1` for as long as a test body
/// runs, the way Hummingbird's own `TestApplication` does: in a `ServiceGroup` inside the
/// test's task, its port read in `onServerRunning`, shut down gracefully afterwards. The
/// HTTP ``TestServer`` and the ``WebSocketTestServer`` both start this way.
enum LoopbackApplication {
    /// - Parameters:
    ///   - makeApplication: builds the application, given the `onServerRunning` hook to pass it.
    ///   - body: the test, given the port.
    static func withRunning<Result: Sendable>(
        logger: Logger,
        makeApplication: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> any Service,
        _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        }
        var groupConfiguration = ServiceGroupConfiguration(services: [application], logger: logger)
        // Handlers still sleeping (a /delay the client gave up on) must not hold a test up.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(2)
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)

        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await serviceGroup.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await serviceGroup.triggerGracefulShutdown()
                throw TestServerError.didNotStart
            }
            do {
                let result = try await body(port)
                await serviceGroup.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await serviceGroup.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
