import ServiceLifecycle
import Synchronization

/// Holds the daemon's work back until its control server listens.
///
/// Binding the control address is the last thing at start-up that can fail because of
/// something outside the daemon (another process on the port). Jobs, the inbox, streams
/// and the fleet worker wait here, so a daemon that cannot listen exits having started
/// nothing: no `at_start` run, no claimed inbox file, no byte appended to an output.
final class ListeningGate: Sendable {
    private let opened = Atomic(false)

    /// Lets every waiter through, now and later.
    func open() {
        opened.store(true, ordering: .releasing)
    }

    /// Whether ``open()`` was called.
    var isOpen: Bool { opened.load(ordering: .acquiring) }

    /// Waits for ``open()``; returns early when the task is cancelled or graceful shutdown
    /// begins. Returns whether the gate is open.
    func wait() async -> Bool {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled, !self.isOpen {
                // A short poll: the gate opens once, within a second of start-up, and polling
                // needs no waiter bookkeeping under cancellation.
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        return isOpen
    }
}

/// A service that starts only once the ``ListeningGate`` opens, and does nothing if the
/// daemon stops first.
struct AfterListening: Service {
    let gate: ListeningGate
    let service: any Service

    func run() async throws {
        guard await gate.wait() else { return }
        try await service.run()
    }
}
