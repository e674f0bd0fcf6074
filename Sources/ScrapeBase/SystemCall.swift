public import Glibc

/// The two things every system call site needs: retrying after a signal interrupted it,
/// and the text of the error it set.
public enum SystemCall {
    /// Calls `call` until it does not fail with `EINTR` (a signal arrived mid-call; the
    /// call did nothing and may simply be made again).
    @inlinable
    public static func retryingOnInterrupt<Result: BinaryInteger>(_ call: () -> Result) -> Result {
        while true {
            let result = call()
            if result == -1, errno == EINTR { continue }
            return result
        }
    }

    /// `strerror` of the current `errno`: "No such file or directory".
    public static func errorMessage() -> String {
        errorMessage(errno)
    }

    /// `strerror` of `code`.
    public static func errorMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Standard error (fd 2), written directly: Glibc's `stderr` is a global Swift 6 rejects,
/// and a short write or a signal must not cut a message.
public enum StandardError {
    /// Writes `text` whole.
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = SystemCall.retryingOnInterrupt { Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset) }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
