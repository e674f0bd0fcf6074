public import ScrapeCore
import ScrapeHTTP
import ScrapeAPI
import ScrapeBase

/// A `ws:` job's `auth:` (the four kinds of `scrape api`), applied to every handshake:
/// a header, or a query parameter for `api_key` with `location: query`. OAuth2 tokens are
/// fetched with the HTTP engine, cached, and forgotten after a 401 answer.
public final class StreamCredentials: Sendable {
    private let authenticator: APIAuthenticator
    private let client: HTTPClient

    /// Resolves the secrets now, so a missing variable fails before any connection.
    ///
    /// - Throws: ``ConfigurationError`` naming the key whose secret cannot be had.
    public init(_ auth: ScrapeConfiguration.Auth, keyPath: String, http: ScrapeConfiguration.HTTP) throws(ConfigurationError) {
        do {
            client = try HTTPClient(configuration: http.clientConfiguration)
        } catch {
            throw ConfigurationError(key: keyPath, message: "cannot start the HTTP engine for its token: \(error)", line: nil)
        }
        authenticator = try APIAuthenticator(auth, keyPath: keyPath, client: client)
    }

    /// `url` and `headers` with the credentials added.
    func apply(to url: StreamURL, headers: [(name: String, value: String)]) async throws(APIError) -> (StreamURL, [(name: String, value: String)]) {
        var request = FetchRequest(url: url.text)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        try await authenticator.authorize(&request)
        let authorized = (try? StreamURL(request.url)) ?? url
        return (authorized, request.headers.map { ($0.name, $0.value) })
    }

    /// The server answered 401: drop a cached OAuth2 token so the next handshake gets a new one.
    func unauthorized() async {
        _ = await authenticator.unauthorized()
    }

    public func shutdown() async {
        await client.shutdown()
    }
}
