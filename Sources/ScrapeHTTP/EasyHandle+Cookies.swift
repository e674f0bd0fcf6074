internal import CCurl

extension EasyHandle {
    /// Attaches the handle to `jar`'s share handle and turns curl's cookie engine on for
    /// this transfer: its cookies are sent by their rules and what the response sets is
    /// kept in the jar. The handle holds `jar` until ``detachCookies()``, so the share
    /// outlives every handle that uses it (see `CookieJar`).
    ///
    /// Called last in `configure(for:defaults:resolve:)`, after every option that can fail.
    ///
    /// - Throws: `HTTPClientError` (`transport`) naming the option curl refused.
    func attachCookies(_ jar: CookieJar) throws(HTTPClientError) {
        cookieJar = jar
        let shared = ccurl_easy_setopt_pointer(raw, CURLOPT_SHARE, jar.share)
        guard shared == CURLE_OK else {
            cookieJar = nil
            throw .transport(CurlError(easy: shared, operation: "curl_easy_setopt(CURLOPT_SHARE)"))
        }
        // "" names no file: it only switches the cookie engine on (curl's documented idiom).
        let engine = ccurl_easy_setopt_string(raw, CURLOPT_COOKIEFILE, "")
        guard engine == CURLE_OK else { throw .transport(CurlError(easy: engine, operation: "curl_easy_setopt(CURLOPT_COOKIEFILE)")) }
    }

    /// Detaches the handle from its jar before it is reset for another transfer, so a
    /// pooled handle never carries one jar's cookies to a request of another jar or of
    /// none: `curl_easy_reset` keeps a handle's cookie state.
    ///
    /// `CURLOPT_SHARE` NULL leaves the share (curl drops the shared cookies from the
    /// handle as it does); `CURLOPT_COOKIEFILE` NULL then empties the handle's list of
    /// cookie files (a transfer that never started keeps the `""` above in it), throws
    /// away any cookies of its own and turns the cookie engine off. Does nothing for a
    /// handle that served no jar.
    func detachCookies() {
        guard cookieJar != nil else { return }
        _ = ccurl_easy_setopt_pointer(raw, CURLOPT_SHARE, nil)
        _ = ccurl_easy_setopt_string(raw, CURLOPT_COOKIEFILE, nil)
        cookieJar = nil
    }
}
