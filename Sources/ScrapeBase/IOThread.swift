import Glibc

/// A dedicated OS thread for blocking work that must never run on the cooperative pool.
///
/// The curl driver's loop blocks in `poll`; running it on a pool thread would
/// take one of only a few (two, on a 2-core machine) away from every task. The thread is
/// detached: whoever needs to know it ended is told by the body itself.
public enum IOThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new named thread.
    ///
    /// - Parameters:
    ///   - body: runs once; the thread ends when it returns.
    /// - Returns: false when the thread could not be created (out of resources).
    public static func spawn(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
