internal import CCurl

/// One curl easy handle and its error buffer, pooled by the driver and reused across transfers.
///
/// Reuse saves curl's per-handle allocations; connections themselves live in the multi
/// handle's cache either way. Only the I/O thread touches an `EasyHandle`.
final class EasyHandle {
    /// The `CURL *`.
    let raw: UnsafeMutableRawPointer
    /// `CURLOPT_ERRORBUFFER`: curl writes a specific message here when a transfer fails.
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// The jar whose share handle this handle is attached to, if any (`EasyHandle+Cookies.swift`).
    var cookieJar: CookieJar?

    /// Returns nil when curl cannot allocate a handle.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option so the handle can serve another transfer; keeps its buffers.
    func reset() {
        detachCookies()
        curl_easy_reset(raw)
        errorBuffer[0] = 0
    }

    /// Points curl at this handle's error buffer; `reset()` forgets it, so this is set per transfer.
    func attachErrorBuffer() -> CURLcode {
        errorBuffer[0] = 0
        return ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer)
    }

    /// The error buffer's text, or nil when curl wrote none.
    var errorMessage: String? {
        errorBuffer[0] == 0 ? nil : String(cString: errorBuffer)
    }

    // MARK: Infos

    func info(_ info: CURLINFO) -> Int {
        var value = 0
        return ccurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    func info(_ info: CURLINFO) -> String? {
        var value: UnsafePointer<CChar>?
        guard ccurl_easy_getinfo_string(raw, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    private func microseconds(_ info: CURLINFO) -> Duration {
        var value: curl_off_t = 0
        guard ccurl_easy_getinfo_off_t(raw, info, &value) == CURLE_OK else { return .zero }
        return .microseconds(value)
    }

    /// The announced body length, for sizing the body buffer once; nil when unknown.
    var contentLengthHint: Int? {
        var value: curl_off_t = -1
        guard ccurl_easy_getinfo_off_t(raw, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &value) == CURLE_OK, value >= 0
        else { return nil }
        return Int(value)
    }

    var timings: FetchResponse.Timings {
        FetchResponse.Timings(
            dns: microseconds(CURLINFO_NAMELOOKUP_TIME_T),
            connect: microseconds(CURLINFO_CONNECT_TIME_T),
            tls: microseconds(CURLINFO_APPCONNECT_TIME_T),
            firstByte: microseconds(CURLINFO_STARTTRANSFER_TIME_T),
            total: microseconds(CURLINFO_TOTAL_TIME_T)
        )
    }

    var version: FetchResponse.Version {
        switch info(CURLINFO_HTTP_VERSION) as Int {
        case Int(CURL_HTTP_VERSION_1_0): .http1_0
        case Int(CURL_HTTP_VERSION_1_1): .http1_1
        case Int(CURL_HTTP_VERSION_2_0): .http2
        case Int(CURL_HTTP_VERSION_3): .http3
        default: .unknown
        }
    }
}
