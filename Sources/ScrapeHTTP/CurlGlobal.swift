internal import CCurl
import Glibc

/// Process-wide libcurl set-up, done once before the first client starts its thread.
enum CurlGlobal {
    /// The result of `curl_global_init(CURL_GLOBAL_ALL)`, run on first use (Swift runs a
    /// static initialiser exactly once, thread-safely). Also ignores SIGPIPE: a peer that
    /// closes mid-write must give an error, not kill the process (curl's `NOSIGNAL` covers
    /// only its own signal use).
    static let initialization: CurlError? = {
        signal(SIGPIPE, SIG_IGN)
        let code = ccurl_global_init()
        return code == CURLE_OK ? nil : CurlError(easy: code, operation: "curl_global_init")
    }()

    /// The libcurl version string, e.g. `7.88.1`.
    static var version: String {
        guard let info = ccurl_version_info(), let version = info.pointee.version else { return "unknown" }
        return String(cString: version)
    }
}
