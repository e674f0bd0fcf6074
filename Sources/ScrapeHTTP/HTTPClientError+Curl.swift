internal import CCurl
import ScrapeBase

extension HTTPClientError {
    /// Maps a finished transfer's `CURLcode` to an error kind: the one place where that mapping lives.
    ///
    /// - Parameters:
    ///   - code: the transfer's result, never `CURLE_OK`.
    ///   - detail: the transfer's error buffer.
    ///   - systemError: the failed socket call's `errno` (`CURLINFO_OS_ERRNO`), 0 when none.
    ///   - bodyLimit: the body limit in force, for `too_large` from an announced `Content-Length`.
    ///
    /// A body that outgrows the limit while streaming is refused by the write callback, which
    /// curl reports as a plain `CURLE_WRITE_ERROR`; `Transfer` knows that case and does not call this.
    static func fromTransfer(code: CURLcode, detail: String?, systemError: Int32 = 0, bodyLimit: Int) -> Self {
        let curl = CurlError(easy: code, operation: "transfer", detail: detail, systemError: systemError)
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL:
            // A redirect to another scheme ("Protocol "ftp" not supported or disabled"), or a
            // server that does not speak HTTP ("Received HTTP/0.9 when not allowed",
            // "Unsupported HTTP version in response"): the request's own scheme was fine.
            if let detail = curl.detail, detail.hasPrefix("Protocol ") { return .unsupportedScheme(detail, curl: curl) }
            return .badResponse("the server's answer is not HTTP: \(curl.detail ?? curl.message)", curl: curl)
        case CURLE_WEIRD_SERVER_REPLY:
            return .badResponse("the server's answer is not HTTP: \(curl.detail ?? curl.message)", curl: curl)
        case CURLE_BAD_CONTENT_ENCODING:
            return .badResponse("the body cannot be decoded: \(curl.detail ?? curl.message)", curl: curl)
        case CURLE_OUT_OF_MEMORY:
            // curl 7.88 reports a header line over its CURL_MAX_HTTP_HEADER (100 KiB) this way
            // ("Avoided giant realloc for header"); a real allocation failure looks the same.
            return .tooLarge(limit: 100 * 1024, what: "a response header line", curl: curl)
        case CURLE_URL_MALFORMAT:
            return .invalidURL(curl.detail ?? curl.message, curl: curl)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .dns(curl)
        case CURLE_COULDNT_CONNECT:
            return .connect(connectMessage(curl), curl: curl)
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout(curl)
        case CURLE_TOO_MANY_REDIRECTS:
            return .tooManyRedirects(curl)
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(limit: bodyLimit, what: "response body", curl: curl)
        case CURLE_ABORTED_BY_CALLBACK:
            return Self.cancelled
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls(curl)
        default:
            return .transport(curl)
        }
    }

    /// curl 7.88's words for a failed connect, "Failed to connect to h port 1 after 0 ms:
    /// Couldn't connect to server", with its last part replaced by what the errno says
    /// (`connection refused`, `network unreachable`): a user fixes a refusal (nothing
    /// listens) and an unreachable host (routing, firewall) differently.
    private static func connectMessage(_ curl: CurlError) -> String {
        guard let detail = curl.detail else {
            return curl.systemError == 0 ? curl.message : SystemCall.socketErrorMessage(curl.systemError)
        }
        guard curl.systemError != 0 else { return detail }
        let curlWords = ": " + curl.message
        let head = detail.hasSuffix(curlWords) ? String(detail.dropLast(curlWords.count)) : detail
        return "\(head): \(SystemCall.socketErrorMessage(curl.systemError))"
    }
}
