internal import CCurl

extension HTTPClientError {
    /// Re-reads a failed transfer's error when a proxy was to carry it: the one place that
    /// tells the proxy's failures from the server's.
    ///
    /// The proxy failed when curl could not resolve or reach it (with a proxy, curl's first
    /// connection is always to the proxy), when a SOCKS proxy refused the credentials or
    /// the connection (`CURLE_PROXY`), and when an HTTP proxy answered CONNECT with
    /// anything but 2xx (`CURLINFO_HTTP_CONNECTCODE`: 407, or its 5xx when it could not
    /// reach the server). Those become kind `proxy`, named by the proxy's display name; any
    /// other error stays as it was. curl's words are scrubbed of the credentials.
    static func throughProxy(_ error: Self, proxy: ProxyURL, code: CURLcode, connectCode: Int) -> Self {
        let detail = proxy.scrubbing(error.message)
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY:
            return .proxy("proxy \(proxy.displayName): cannot resolve its host: \(detail)")
        case CURLE_COULDNT_CONNECT:
            return .proxy("proxy \(proxy.displayName) cannot be reached: \(detail)")
        case CURLE_PROXY:
            return .proxy("proxy \(proxy.displayName): \(detail)")
        default:
            if connectCode >= 300 {
                return .proxy("proxy \(proxy.displayName) refused the tunnel: CONNECT answered \(connectCode)\(connectCode == 407 ? Self.credentialsNote(proxy) : "")")
            }
            return error
        }
    }

    /// A 407 response to a forwarded plain-HTTP request: the proxy's answer, not the server's.
    static func proxyAuthentication(_ proxy: ProxyURL) -> Self {
        .proxy("proxy \(proxy.displayName) answered 407 Proxy Authentication Required\(credentialsNote(proxy))")
    }

    private static func credentialsNote(_ proxy: ProxyURL) -> String {
        proxy.hasCredentials ? " (it refused the URL's credentials)" : " (the proxy URL has no credentials)"
    }
}
