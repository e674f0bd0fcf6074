import ScrapeBase
internal import CCurl

extension EasyHandle {
    /// The per-client part of every transfer's options, computed once from the configuration.
    struct Defaults: Sendable {
        var connectTimeoutMilliseconds: Int
        var totalTimeoutMilliseconds: Int
        var lowSpeedSeconds: Int
        var lowSpeedBytesPerSecond: Int
        var maxBodyBytes: Int
        var maxRedirects: Int
        var userAgent: String
        var decompress: Bool
        var httpVersion: Int
        var verifyPeer: Bool
        var caFile: String?
        var proxy: HTTPClient.Configuration.Proxy

        /// `CURLOPT_BUFFERSIZE`: the most one `recv` reads. curl's default, 16 KiB, takes two
        /// or more reads for half of a typical crawl's pages; 32 KiB reads most in one, for
        /// fewer `recv` and `poll` calls and less CPU, at a little RSS (every pooled handle
        /// keeps its buffer); 64 KiB saved little more for much more memory
        /// (docs/benchmarks.md, "Measured choices").
        static let receiveBufferBytes = 32 * 1024

        init(_ configuration: HTTPClient.Configuration) {
            connectTimeoutMilliseconds = configuration.timeouts.connect.inMillisecondsRoundedUp
            totalTimeoutMilliseconds = configuration.timeouts.total.inMillisecondsRoundedUp
            let lowSpeed = configuration.timeouts.lowSpeedTime.inMillisecondsRoundedUp
            lowSpeedSeconds = lowSpeed == 0 ? 0 : max(1, (lowSpeed + 999) / 1000)
            lowSpeedBytesPerSecond = configuration.timeouts.lowSpeedBytesPerSecond
            maxBodyBytes = configuration.limits.maxBodyBytes
            maxRedirects = configuration.limits.maxRedirects
            userAgent = configuration.userAgent
            decompress = configuration.decompress
            httpVersion =
                switch configuration.httpVersion {
                case .http1Only: Int(CURL_HTTP_VERSION_1_1)
                case .http2OverTLS: Int(CURL_HTTP_VERSION_2TLS)
                }
            verifyPeer = configuration.tls.verifyPeer
            caFile = configuration.tls.caFile
            proxy = configuration.proxy
        }
    }

    /// Sets every option a transfer needs. The handle must be fresh or `reset()`.
    ///
    /// - Important: libcurl keeps the callback data and error buffer pointers; `transfer`
    ///   must stay alive until the handle leaves the multi handle (the driver's `running`
    ///   table guarantees it).
    /// - Throws: `HTTPClientError` (`transport`) naming the option curl refused.
    func configure(
        for transfer: Transfer,
        defaults: Defaults,
        resolve: UnsafeMutablePointer<curl_slist>?
    ) throws(HTTPClientError) {
        let request = transfer.request.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try check(attachErrorBuffer(), "CURLOPT_ERRORBUFFER")
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_BUFFERSIZE, Defaults.receiveBufferBytes)
        try check(ccurl_easy_setopt_write_callback(raw, CURLOPT_WRITEFUNCTION, EasyHandle.writeBody), "CURLOPT_WRITEFUNCTION")
        try check(ccurl_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, context), "CURLOPT_WRITEDATA")
        try check(ccurl_easy_setopt_write_callback(raw, CURLOPT_HEADERFUNCTION, EasyHandle.writeHeader), "CURLOPT_HEADERFUNCTION")
        try check(ccurl_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, context), "CURLOPT_HEADERDATA")

        // Only http and https, for the request and for every redirect: never file:, ftp:, gopher:...
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, defaults.maxRedirects > 0 ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, defaults.maxRedirects)

        try set(CURLOPT_TIMEOUT_MS, request.timeout?.inMillisecondsRoundedUp ?? defaults.totalTimeoutMilliseconds)
        try set(CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout?.inMillisecondsRoundedUp ?? defaults.connectTimeoutMilliseconds)
        if defaults.lowSpeedSeconds > 0 {
            try set(CURLOPT_LOW_SPEED_TIME, defaults.lowSpeedSeconds)
            try set(CURLOPT_LOW_SPEED_LIMIT, defaults.lowSpeedBytesPerSecond)
        }
        // Stops early on an announced Content-Length; the write callback enforces the limit on the rest.
        try check(ccurl_easy_setopt_off_t(raw, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(defaults.maxBodyBytes)), "CURLOPT_MAXFILESIZE_LARGE")
        transfer.attach(self, bodyLimit: defaults.maxBodyBytes)

        if defaults.decompress { try set(CURLOPT_ACCEPT_ENCODING, "") }
        try set(CURLOPT_USERAGENT, defaults.userAgent)
        try set(CURLOPT_HTTP_VERSION, defaults.httpVersion)
        if transfer.request.scheme == "https" {
            // Wait for a connection that may multiplex rather than open a new one at once.
            try set(CURLOPT_PIPEWAIT, 1)
        }
        try set(CURLOPT_SSL_VERIFYPEER, defaults.verifyPeer ? 1 : 0)
        try set(CURLOPT_SSL_VERIFYHOST, defaults.verifyPeer ? 2 : 0)
        if let caFile = defaults.caFile { try set(CURLOPT_CAINFO, caFile) }
        if let resolve { try check(ccurl_easy_setopt_slist(raw, CURLOPT_RESOLVE, resolve), "CURLOPT_RESOLVE") }
        try configureProxy(request.proxy ?? defaults.proxy.route, noProxy: defaults.proxy.noProxy, caFile: defaults.caFile)

        try configureMethodAndBody(request)
        try configureHeaders(request, transfer: transfer)
        if let jar = request.cookieJar { try attachCookies(jar) }
    }

    private func configureMethodAndBody(_ request: FetchRequest) throws(HTTPClientError) {
        switch request.method {
        case .get where request.body == nil:
            break
        case .head:
            try set(CURLOPT_NOBODY, 1)
        default:
            if request.method != .post { try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue) }
            // curl sends a POST only when it has post fields: a bodiless POST is an empty one
            // (`Content-Length: 0`), or it would go out as a GET.
            if let body = request.body ?? (request.method == .post ? [] : nil) {
                try check(ccurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "CURLOPT_POSTFIELDSIZE_LARGE")
                // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes, so the array need not outlive this call.
                let code = body.withUnsafeBytes { bytes in
                    ccurl_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                }
                try check(code, "CURLOPT_COPYPOSTFIELDS")
            }
        }
    }

    private func configureHeaders(_ request: FetchRequest, transfer: Transfer) throws(HTTPClientError) {
        guard request.headers.count > 0 || request.body != nil else { return }
        var list: UnsafeMutablePointer<curl_slist>?
        for field in request.headers {
            // "Name;" is curl's way to send a header with an empty value.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            guard let appended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .invalidRequest("could not allocate the header list")
            }
            list = appended
        }
        if request.body != nil, !request.headers.contains(name: "Expect") {
            // No "Expect: 100-continue" round trip before sending a body.
            list = curl_slist_append(list, "Expect:") ?? list
        }
        transfer.headerList = list
        try check(ccurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")
    }

    // MARK: Setters

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(ccurl_easy_setopt_long(raw, option, value), "option \(option.rawValue)")
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(ccurl_easy_setopt_string(raw, option, value), "option \(option.rawValue)")
    }

    private func check(_ code: CURLcode, _ option: @autoclosure () -> String) throws(HTTPClientError) {
        guard code != CURLE_OK else { return }
        let curl = CurlError(easy: code, operation: "curl_easy_setopt(\(option()))")
        throw code == CURLE_URL_MALFORMAT ? .invalidURL(curl.message, curl: curl) : .transport(curl)
    }

    // MARK: Callbacks (C function pointers: they capture nothing, the transfer comes as userdata)

    static let writeBody: curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    static let writeHeader: curl_write_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        return transfer.receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    }
}
