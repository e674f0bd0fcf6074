import Synchronization

/// A flag set once from any thread and read from any other: a cancellation handler
/// telling a blocking reader to stop, a run's intake telling its summary it was closed.
public final class AtomicFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Whether ``set()`` was called.
    public var isSet: Bool { flag.load(ordering: .acquiring) }

    /// Sets the flag; idempotent.
    public func set() { flag.store(true, ordering: .releasing) }
}
