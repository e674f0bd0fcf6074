internal import CCurl

/// A failure reported by libcurl, kept exactly as curl reported it.
///
/// Modelled on NIO's `IOError`: it keeps the numeric code, curl's own text for
/// it, the operation that failed and, where curl filled one, the detail from the
/// transfer's error buffer. `HTTPClientError` wraps it and maps it to a `kind`
/// in exactly one place (`HTTPClientError+Curl.swift`).
public struct CurlError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which curl API family the code comes from; the numbers overlap between them.
    public enum Code: Hashable, Sendable {
        /// A `CURLcode` from an easy handle or a finished transfer.
        case easy(Int)
        /// A `CURLMcode` from the multi interface.
        case multi(Int)
        /// A `CURLUcode` from the URL parser.
        case url(Int)
    }

    /// The code curl returned.
    public let code: Code
    /// The curl operation that failed, e.g. `transfer` or `curl_multi_add_handle`.
    public let operation: String
    /// curl's text for the code (`curl_easy_strerror` and friends).
    public let message: String
    /// The transfer's error buffer (`CURLOPT_ERRORBUFFER`), which is more specific, when curl filled it.
    public let detail: String?
    /// The `errno` of the socket call that failed (`CURLINFO_OS_ERRNO`), 0 when none: the
    /// only place curl 7.88 keeps "refused" apart from "unreachable", both of which its
    /// texts call "Couldn't connect to server".
    public let systemError: Int32

    /// Creates an error from a finished transfer's `CURLcode`, its error buffer and its OS errno.
    init(easy code: CURLcode, operation: String, detail: String? = nil, systemError: Int32 = 0) {
        self.code = .easy(Int(code.rawValue))
        self.operation = operation
        self.message = String(cString: curl_easy_strerror(code))
        self.detail = detail.flatMap { $0.isEmpty ? nil : $0 }
        self.systemError = systemError
    }

    /// Creates an error from a `CURLMcode`.
    init(multi code: CURLMcode, operation: String) {
        self.code = .multi(Int(code.rawValue))
        self.operation = operation
        self.message = String(cString: curl_multi_strerror(code))
        self.detail = nil
        self.systemError = 0
    }

    /// Creates an error from a `CURLUcode`.
    init(url code: CURLUcode, operation: String) {
        self.code = .url(Int(code.rawValue))
        self.operation = operation
        self.message = String(cString: curl_url_strerror(code))
        self.detail = nil
        self.systemError = 0
    }

    /// The numeric value of the code, whatever its family.
    public var number: Int {
        switch code {
        case .easy(let n), .multi(let n), .url(let n): n
        }
    }

    /// `"CurlError: <op>: <strerror> (code N)"`, with the error buffer's detail when there is one.
    public var description: String {
        let base = "CurlError: \(operation): \(message) (code \(number))"
        guard let detail else { return base }
        return "\(base): \(detail)"
    }
}
