internal import CCurl

extension EasyHandle {
    /// Sets the proxy options of one transfer.
    ///
    /// `.environment` sets no `CURLOPT_PROXY`: libcurl then reads `http_proxy`,
    /// `https_proxy`, `all_proxy` and `no_proxy` itself, as the curl tool does. `.direct`
    /// sets it to "", which turns the environment off. A no-proxy list replaces the
    /// environment's `no_proxy`. A pooled handle is `curl_easy_reset` between transfers,
    /// so no proxy outlives the transfer that chose it.
    func configureProxy(_ route: ProxyRoute, noProxy: NoProxyList?, caFile: String?) throws(HTTPClientError) {
        switch route {
        case .environment:
            break
        case .direct:
            try setProxyOption(CURLOPT_PROXY, "")
        case .proxy(let proxy):
            try setProxyOption(CURLOPT_PROXY, proxy.curlValue)
            if proxy.scheme == .https, let caFile { try setProxyOption(CURLOPT_PROXY_CAINFO, caFile) }
        }
        if let noProxy { try setProxyOption(CURLOPT_NOPROXY, noProxy.text) }
    }

    /// The error names the option, never the value (a proxy URL can hold credentials).
    private func setProxyOption(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        let code = ccurl_easy_setopt_string(raw, option, value)
        guard code == CURLE_OK else { throw .transport(CurlError(easy: code, operation: "curl_easy_setopt(proxy option \(option.rawValue))")) }
    }
}
