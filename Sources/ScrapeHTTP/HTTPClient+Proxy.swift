extension HTTPClient {
    /// The proxy that is to carry `request`, by curl's rules (route, no-proxy list, environment).
    nonisolated func carrier(of request: FetchRequest.Prepared) -> ProxyURL? {
        configuration.proxy.carrier(of: request.request.proxy ?? configuration.proxy.route, scheme: request.scheme, host: request.host)
    }
}
