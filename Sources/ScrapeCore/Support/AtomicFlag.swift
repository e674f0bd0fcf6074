import Synchronization

/// A flag set once from any thread and read from any other: a cancellation handler
/// telling a blocking reader to stop, a run's intake telling its summary it was closed.
final class AtomicFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    /// Whether ``set()`` was called.
    var isSet: Bool { flag.load(ordering: .acquiring) }

    /// Sets the flag; idempotent.
    func set() { flag.store(true, ordering: .releasing) }
}
