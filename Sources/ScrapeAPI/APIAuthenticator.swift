import ScrapeBase
import ScrapePages
public import ScrapeCore
public import ScrapeHTTP

/// Applies a job's `auth:` to each request, and keeps an OAuth2 access token.
///
/// Every secret is resolved when the authenticator is made, so a missing variable fails
/// before any request. OAuth2 client-credentials tokens are fetched on first use, cached,
/// refreshed a minute before `expires_in` runs out, and once more after a 401.
public actor APIAuthenticator {
    private enum Method {
        case none
        case header(name: String, value: String)
        case query(name: String, value: String)
        case oauth2(tokenURL: String, clientID: String, clientSecret: String, scopes: [String])
    }

    private let method: Method
    private let client: HTTPClient
    private var token: (value: String, refreshAt: ContinuousClock.Instant)?

    /// - Parameters:
    ///   - auth: the job's `auth:`, nil for none.
    ///   - keyPath: where `auth:` sits in the file (`jobs[0].api.auth`), for messages.
    /// - Throws: ``ConfigurationError`` when a secret cannot be resolved.
    public init(_ auth: ScrapeConfiguration.Auth?, keyPath: String, client: HTTPClient) throws(ConfigurationError) {
        self.client = client
        switch auth {
        case nil:
            method = .none
        case .bearer(let token):
            method = .header(name: "Authorization", value: "Bearer " + (try token.resolve(key: Self.key(keyPath, "token", token))))
        case .apiKey(let name, .header, let value):
            method = .header(name: name, value: try value.resolve(key: Self.key(keyPath, "value", value)))
        case .apiKey(let name, .query, let value):
            method = .query(name: name, value: try value.resolve(key: Self.key(keyPath, "value", value)))
        case .httpBasic(let username, let password):
            let secret = try password.resolve(key: Self.key(keyPath, "password", password))
            method = .header(name: "Authorization", value: "Basic " + Base64.encode(Array("\(username):\(secret)".utf8)))
        case .oauth2ClientCredentials(let tokenURL, let clientID, let clientSecret, let scopes):
            let secret = try clientSecret.resolve(key: Self.key(keyPath, "client_secret", clientSecret))
            method = .oauth2(tokenURL: tokenURL, clientID: clientID, clientSecret: secret, scopes: scopes)
        }
    }

    private static func key(_ path: String, _ base: String, _ secret: ScrapeConfiguration.Secret) -> String {
        if case .file = secret { return "\(path).\(base)_file" }
        return "\(path).\(base)_env"
    }

    /// Adds credentials to `request`.
    ///
    /// - Throws: a message for ``APIError`` when the OAuth2 token cannot be had.
    public func authorize(_ request: inout FetchRequest) async throws(APIError) {
        switch method {
        case .none:
            return
        case .header(let name, let value):
            request.headers.replaceOrAdd(name: name, value: value)
        case .query(let name, let value):
            request.url = HTTPURL.settingQueryItems([(name, value)], in: request.url)
        case .oauth2:
            request.headers.replaceOrAdd(name: "Authorization", value: "Bearer " + (try await accessToken()))
        }
    }

    /// Forgets the OAuth2 token after a 401. Returns true when a retry with a new token may help.
    public func unauthorized() -> Bool {
        guard case .oauth2 = method, token != nil else { return false }
        token = nil
        return true
    }

    private func accessToken() async throws(APIError) -> String {
        if let token, ContinuousClock.now < token.refreshAt { return token.value }
        guard case .oauth2(let tokenURL, let clientID, let clientSecret, let scopes) = method else { return "" }
        var form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret)]
        if !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
        let body = form.map { "\(HTTPURL.percentEncode($0.0))=\(HTTPURL.percentEncode($0.1))" }.joined(separator: "&")
        let request = FetchRequest(
            url: tokenURL, method: .post,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Array(body.utf8)
        )
        let fail = { (message: String) in APIError(job: "", url: tokenURL, message: "OAuth2 token request failed: \(message)") }
        let response: FetchResponse
        do {
            response = try await client.execute(request)
        } catch {
            throw fail("\(error)")
        }
        guard (200..<300).contains(response.status) else { throw fail("HTTP status \(response.status)") }
        guard let json = try? JSONParser.parse(response.body), let value = json["access_token"]?.scalarText(in: response.body), !value.isEmpty
        else { throw fail("the response has no access_token") }
        let lifetime = json["expires_in"]?.scalarText(in: response.body).flatMap(Double.init) ?? 3600
        let refreshAt = ContinuousClock.now.advanced(by: .seconds(max(0, lifetime - 60)))
        token = (value, refreshAt)
        return value
    }
}
