public import Synchronization

#if SCRAPE_TSAN
public import CThreadSanitizer
#endif

/// A value that only one thread at a time may touch: `Synchronization.Mutex` in a class, so
/// it can be shared by reference and has an address ThreadSanitizer can be told about.
///
/// Every lock in the project is one of these, for one reason: on Linux, `Mutex` locks with
/// futex system calls and atomics that ThreadSanitizer does not see, so under TSan every
/// access it guards is reported as a race (a two-thread counter under `Mutex` is flagged
/// although its total is exact). Built with `-DSCRAPE_TSAN`, `withLock` tells TSan that the
/// lock was taken and released, and TSan reports only the races that are real.
///
/// `withLock` is inlinable, as `Mutex.withLock` is: the HTTP driver's mailbox and every
/// transfer's state take it on the hot path, and an unspecialised generic call there cost
/// a measurable share of a scrape's CPU.
public final class Locked<Value: ~Copyable>: Sendable {
    @usableFromInline
    let mutex: Mutex<Value>

    public init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    /// Runs `body` with the value, holding the lock; keep `body` short and free of waits.
    @inlinable
    public func withLock<Result, Failure: Error>(
        _ body: (inout sending Value) throws(Failure) -> sending Result
    ) throws(Failure) -> sending Result {
        try mutex.withLock { (value: inout sending Value) throws(Failure) -> sending Result in
            #if SCRAPE_TSAN
            let address = Unmanaged.passUnretained(self).toOpaque()
            __tsan_acquire(address)
            defer { __tsan_release(address) }
            #endif
            return try body(&value)
        }
    }
}
