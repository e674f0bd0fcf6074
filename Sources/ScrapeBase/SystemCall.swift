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

    /// What a connect or socket `errno` means, in lower case for the middle of a message:
    /// `connection refused`. The one table both network paths use (curl's, which reports
    /// a refusal as "Couldn't connect to server", and NIO's, which calls it "connection
    /// reset (error set)"), so a refused connection reads the same everywhere.
    public static func socketErrorMessage(_ code: Int32) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "connection timed out"
        case ECONNRESET: return "connection reset by the server"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case EPIPE: return "the server closed the connection"
        default:
            let text = errorMessage(code)
            guard let first = text.first else { return text }
            return first.lowercased() + text.dropFirst()
        }
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
