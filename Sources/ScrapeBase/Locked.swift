import Synchronization

#if SCRAPE_TSAN
import CThreadSanitizer
#endif

/// A value that only one thread at a time may touch: `Synchronization.Mutex` in a class, so
/// it can be shared by reference and has an address ThreadSanitizer can be told about.
///
/// Every lock in the project is one of these, for one reason: on Linux, `Mutex` locks with
/// futex system calls and atomics that ThreadSanitizer does not see, so under TSan every
/// access it guards is reported as a race (a two-thread counter under `Mutex` is flagged
/// although its total is exact). Built with `-DSCRAPE_TSAN`, `withLock` tells TSan that the
/// lock was taken and released, and TSan reports only the races that are real.
public final class Locked<Value: ~Copyable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ initialValue: consuming sending Value) {
        mutex = Mutex(initialValue)
    }

    /// Runs `body` with the value, holding the lock; keep `body` short and free of waits.
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
