internal import CCurl
import ScrapeBase

/// One request in flight: its validated request, its continuation, and, while curl
/// runs it, its easy handle and the bytes received so far.
///
/// The driver ↔ transfer contract:
/// 1. `HTTPClient.execute` prepares the request on the caller's task, creates a
///    `Transfer` and calls ``start(_:)`` with its continuation. If that says to submit,
///    it passes the transfer to `CurlMultiDriver.submit(_:)`, which queues it in the
///    driver's mailbox and wakes the I/O thread.
/// 2. On the I/O thread the driver takes an easy handle (from its pool), configures it
///    from the request (`EasyHandle+Options.swift`), points the write and header
///    callbacks at this transfer (unretained: the driver's `running` table keeps it
///    alive) and adds it to the multi handle.
/// 3. curl calls ``receiveBody(_:)`` and ``receiveHeader(_:)`` on the I/O thread.
///    The body limit is enforced there, on decoded bytes.
/// 4. When curl reports the transfer done, the driver calls ``collect(result:)`` to read
///    the infos it needs while the handle is still valid, removes and recycles the
///    handle, then calls ``finish(_:)``, which resumes the continuation unless a
///    cancellation already did.
/// 5. A cancellation calls ``cancel()``: the continuation is resumed with
///    `CancellationError` at once, and the driver is asked to abort; it removes the
///    handle on its next loop turn (`CurlMultiDriver.cancel(_:)`).
///
/// Threading rule: `state` is guarded by its lock and may be touched anywhere; every
/// other mutable property is touched only by the I/O thread, between steps 2 and 4.
/// That rule is why this class is `@unchecked Sendable`.
final class Transfer: @unchecked Sendable {
    /// What a successful transfer hands back to the awaiting task, raw; the task turns it
    /// into an `FetchResponse` (header parsing happens there, off the I/O thread).
    struct Completed: Sendable {
        var status: Int
        var headerBytes: [UInt8]
        var body: [UInt8]
        var finalURL: String
        var redirectCount: Int
        var contentType: String?
        var version: FetchResponse.Version
        var newConnections: Int
        var timings: FetchResponse.Timings
        var proxy: ProxyURL?
    }

    /// Which bound stopped the transfer, when one did.
    enum LimitHit {
        case body
        case headers
    }

    /// The largest header block accepted for one response.
    static let maxHeaderBytes = 256 * 1024

    let request: FetchRequest.Prepared
    /// The proxy that is to carry the request, nil when it goes direct (`HTTPClient+Proxy.swift`).
    let proxy: ProxyURL?
    private let state = Locked(StateMachine())

    // I/O thread only (see the threading rule above).
    var easy: EasyHandle?
    var headerList: UnsafeMutablePointer<curl_slist>?
    private(set) var body: [UInt8] = []
    private(set) var headerBytes: [UInt8] = []
    private(set) var limitHit: LimitHit?
    /// Whether the final response's header block ended (its empty line arrived); curl 7.88
    /// reports a connection closed mid-headers as success.
    private var headersComplete = false
    private var bodyLimit = 0

    init(request: FetchRequest.Prepared, proxy: ProxyURL? = nil) {
        self.request = request
        self.proxy = proxy
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
    }

    // MARK: Continuation (any thread)

    /// Registers the continuation. Returns true when the caller should submit the transfer.
    func start(_ continuation: StateMachine.Continuation) -> Bool {
        switch state.withLock({ $0.start(continuation) }) {
        case .submit:
            return true
        case .resumeCancelled(let continuation):
            continuation.resume(throwing: CancellationError())
            return false
        }
    }

    /// Resumes the awaiting task with `CancellationError`. Returns true when the driver must
    /// abort the transfer (it had been submitted and had not finished).
    func cancel() -> Bool {
        switch state.withLock({ $0.cancel() }) {
        case .none:
            return false
        case .resumeCancelledAndAbort(let continuation):
            continuation.resume(throwing: CancellationError())
            return true
        }
    }

    /// Resumes the awaiting task with the result, unless it was resumed already.
    func finish(_ result: Result<Completed, HTTPClientError>) {
        guard let continuation = state.withLock({ $0.complete() }) else { return }
        switch result {
        case .success(let completed): continuation.resume(returning: completed)
        case .failure(let error): continuation.resume(throwing: error)
        }
    }

    /// Whether the awaiting task has been resumed; the driver skips such transfers.
    var isFinished: Bool { state.withLock { $0.isFinished } }

    // MARK: Data (I/O thread)

    /// Called when the transfer is attached to an easy handle.
    func attach(_ handle: EasyHandle, bodyLimit: Int) {
        self.easy = handle
        self.bodyLimit = bodyLimit
    }

    /// Appends decoded body bytes. Returns the count taken; anything else makes curl abort.
    func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Int {
        if body.count + chunk.count > bodyLimit {
            limitHit = .body
            return 0
        }
        if body.isEmpty, let expected = easy?.contentLengthHint, expected > 0 {
            body.reserveCapacity(min(expected, bodyLimit))
        }
        body.append(contentsOf: chunk)
        return chunk.count
    }

    /// Appends one header line. A status line starts a new response (after a redirect or a
    /// `100 Continue`), so only the final response's headers are kept.
    func receiveHeader(_ line: UnsafeRawBufferPointer) -> Int {
        if line.starts(with: "HTTP/".utf8) {
            headerBytes.removeAll(keepingCapacity: true)
            headersComplete = false
        } else if line.count <= 2, line.allSatisfy({ $0 == 0x0D || $0 == 0x0A }) {
            headersComplete = true
        }
        if headerBytes.count + line.count > Self.maxHeaderBytes {
            limitHit = .headers
            return 0
        }
        headerBytes.append(contentsOf: line)
        return line.count
    }

    /// Reads the outcome from the easy handle; call before the handle is removed or reset.
    func collect(result code: CURLcode) -> Result<Completed, HTTPClientError> {
        guard let easy else { return .failure(.cancelled) }
        guard code == CURLE_OK else {
            switch limitHit {
            case .headers:
                return .failure(.tooLarge(limit: Self.maxHeaderBytes, what: "response headers"))
            case .body:
                return .failure(.tooLarge(limit: bodyLimit, what: "response body"))
            case nil:
                let systemError = Int32(truncatingIfNeeded: easy.info(CURLINFO_OS_ERRNO) as Int)
                let error = HTTPClientError.fromTransfer(code: code, detail: easy.errorMessage, systemError: systemError, bodyLimit: bodyLimit)
                guard let proxy else { return .failure(error) }
                return .failure(.throughProxy(error, proxy: proxy, code: code, connectCode: easy.info(CURLINFO_HTTP_CONNECTCODE)))
            }
        }
        guard headersComplete else {
            // Like a reset: the server (or the path to it) failed mid-answer.
            return .failure(.transport("the connection closed before the response headers were complete"))
        }
        let status: Int = easy.info(CURLINFO_RESPONSE_CODE)
        if let proxy, status == 407 { return .failure(.proxyAuthentication(proxy)) }
        let completed = Completed(
            status: status,
            headerBytes: headerBytes,
            body: body,
            finalURL: easy.info(CURLINFO_EFFECTIVE_URL) ?? request.request.url,
            redirectCount: easy.info(CURLINFO_REDIRECT_COUNT),
            contentType: easy.info(CURLINFO_CONTENT_TYPE),
            version: easy.version,
            newConnections: easy.info(CURLINFO_NUM_CONNECTS),
            timings: easy.timings,
            proxy: proxy
        )
        headerBytes = []
        body = []
        return .success(completed)
    }

    /// Frees what the easy handle borrowed from this transfer; called when it leaves the multi handle.
    func detach() {
        easy = nil
        if let headerList {
            curl_slist_free_all(headerList)
            self.headerList = nil
        }
    }
}
