internal import CCurl
import Glibc

/// The cookies of one session: what responses set, sent back on later requests that carry
/// the same jar, by curl's cookie engine (RFC 6265's domain, path, `Secure` and expiry rules).
///
/// A jar is an object of its own, not a property of the client: one ``HTTPClient`` (the
/// daemon's, shared by every job) serves requests of many jars and of none, and a request
/// chooses its jar with ``FetchRequest/cookieJar``. Underneath is one curl share handle
/// sharing `CURL_LOCK_DATA_COOKIE`; every transfer of the jar attaches its easy handle to
/// it, so concurrent transfers see one set of cookies, and curl takes the jar's locks
/// (one mutex per kind of shared data, owned here) around each use.
///
/// Lifetime, the rule curl sets for share handles (a share must not be cleaned up while an
/// easy handle uses it):
/// 1. A transfer's easy handle attaches to the share when it is configured, and holds a
///    strong reference to the jar while attached (`EasyHandle+Cookies.swift`).
/// 2. Before the handle goes back to the pool (or is freed) it is detached (`CURLOPT_SHARE`
///    NULL), which also drops the jar's cookies from it, and its reference is dropped.
/// 3. Only when the last reference is gone does `deinit` run `curl_share_cleanup`, so no
///    easy handle can still be using it.
///
/// Reading and writing cookies outside transfers (loading a file, saving one) goes through
/// an easy handle of the jar's own, attached to the same share; those calls are serialised
/// by ``editorLock``.
public final class CookieJar: @unchecked Sendable {
    /// The `CURLSH *`. Used by curl on any thread that runs a transfer of the jar, always
    /// under the locks below.
    let share: UnsafeMutableRawPointer
    /// One pthread mutex per `curl_lock_data` value, passed to curl as the lock callbacks' userdata.
    private let locks: UnsafeMutablePointer<pthread_mutex_t>
    private static let lockCount = Int(CURL_LOCK_DATA_LAST.rawValue)
    /// The jar's own easy handle, for `CURLOPT_COOKIELIST` and `CURLINFO_COOKIELIST`.
    private let editor: UnsafeMutableRawPointer
    /// Serialises use of ``editor`` (an easy handle is one thread at a time).
    private let editorLock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    /// Creates an empty jar.
    ///
    /// - Throws: `HTTPClientError` (`transport`) when curl cannot create the share or its handle.
    public init() throws(HTTPClientError) {
        if let failure = CurlGlobal.initialization { throw .transport(failure) }
        guard let share = curl_share_init() else {
            editorLock.deallocate()
            throw .transport(CurlError(easy: CURLE_OUT_OF_MEMORY, operation: "curl_share_init"))
        }
        self.share = share
        locks = .allocate(capacity: Self.lockCount)
        for index in 0..<Self.lockCount { pthread_mutex_init(locks + index, nil) }
        pthread_mutex_init(editorLock, nil)
        let setUp =
            ccurl_share_setopt_lockfunc(share, CookieJar.lock) == CURLSHE_OK
            && ccurl_share_setopt_unlockfunc(share, CookieJar.unlock) == CURLSHE_OK
            && ccurl_share_setopt_userdata(share, UnsafeMutableRawPointer(locks)) == CURLSHE_OK
            && ccurl_share_setopt_lock_data(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE) == CURLSHE_OK
        let editor = setUp ? curl_easy_init() : nil
        guard let editor, ccurl_easy_setopt_pointer(editor, CURLOPT_SHARE, share) == CURLE_OK else {
            if let editor { curl_easy_cleanup(editor) }
            curl_share_cleanup(share)
            Self.release(locks: locks, editorLock: editorLock)
            throw .transport(CurlError(easy: CURLE_FAILED_INIT, operation: "setting up the cookie jar's share handle"))
        }
        self.editor = editor
    }

    deinit {
        // The editor detaches as it is cleaned up; every transfer's handle detached before
        // dropping its reference, so the share is no longer in use.
        curl_easy_cleanup(editor)
        curl_share_cleanup(share)
        Self.release(locks: locks, editorLock: editorLock)
    }

    private static func release(locks: UnsafeMutablePointer<pthread_mutex_t>, editorLock: UnsafeMutablePointer<pthread_mutex_t>) {
        for index in 0..<lockCount { pthread_mutex_destroy(locks + index) }
        locks.deallocate()
        pthread_mutex_destroy(editorLock)
        editorLock.deallocate()
    }

    // MARK: Cookies in Netscape form

    /// Every cookie in the jar as a Netscape cookie-file line (`curl -c`'s): domain (with a
    /// leading dot when subdomains match), subdomains flag, path, secure flag, expiry (Unix
    /// seconds, 0 for a session cookie), name, value; HttpOnly cookies start `#HttpOnly_`.
    /// Expired cookies are left out, as curl leaves them out of the files it writes.
    ///
    /// - Important: the lines hold cookie values: never log them.
    /// - Parameter now: Unix seconds; nil (the default) is the current time.
    public func netscapeLines(now: Int64? = nil) -> [String] {
        let now = now ?? Int64(time(nil))
        var list: UnsafeMutablePointer<curl_slist>?
        withEditor { editor in _ = ccurl_easy_getinfo_slist(editor, CURLINFO_COOKIELIST, &list) }
        defer { curl_slist_free_all(list) }
        var lines: [String] = []
        var node = list
        while let current = node {
            if let data = current.pointee.data {
                let line = String(cString: data)
                if let cookie = NetscapeCookieLine(line), !cookie.isExpired(now: now) { lines.append(line) }
            }
            node = current.pointee.next
        }
        return lines
    }

    /// Adds cookies given as Netscape cookie-file lines (as ``netscapeLines(now:)`` gives
    /// them, or as a file holds them); a cookie replaces the jar's of the same domain, path
    /// and name, and an expired one is not added.
    ///
    /// - Throws: ``NetscapeCookieLine/FormatError`` for the first line that is not a cookie
    ///   line (comments and blank lines are skipped); nothing is added then.
    public func add(netscapeLines lines: [String], now: Int64? = nil) throws(NetscapeCookieLine.FormatError) {
        let now = now ?? Int64(time(nil))
        var cookies: [String] = []
        for (index, line) in lines.enumerated() {
            switch try NetscapeCookieLine.classify(line, number: index + 1) {
            case .skip: continue
            case .cookie(let cookie):
                if !cookie.isExpired(now: now) { cookies.append(cookie.text) }
            }
        }
        withEditor { editor in
            for cookie in cookies { _ = ccurl_easy_setopt_string(editor, CURLOPT_COOKIELIST, cookie) }
        }
    }

    /// Forgets every cookie (for a new login, or a test).
    public func removeAll() {
        withEditor { editor in _ = ccurl_easy_setopt_string(editor, CURLOPT_COOKIELIST, "ALL") }
    }

    /// The number of cookies, expired ones not counted.
    public var count: Int { netscapeLines().count }

    private func withEditor<T>(_ body: (UnsafeMutableRawPointer) -> T) -> T {
        pthread_mutex_lock(editorLock)
        defer { pthread_mutex_unlock(editorLock) }
        return body(editor)
    }

    // MARK: curl's lock callbacks (C function pointers: they capture nothing)

    private static let lock: curl_lock_function = { _, data, _, userdata in
        guard let userdata, Int(data.rawValue) < lockCount else { return }
        pthread_mutex_lock(userdata.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
    }

    private static let unlock: curl_unlock_function = { _, data, userdata in
        guard let userdata, Int(data.rawValue) < lockCount else { return }
        pthread_mutex_unlock(userdata.assumingMemoryBound(to: pthread_mutex_t.self) + Int(data.rawValue))
    }
}

extension CookieJar: Hashable {
    /// Jars are equal when they are the same jar: two empty jars are still two sessions.
    public static func == (lhs: CookieJar, rhs: CookieJar) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
