import ScrapeCore
import Testing

/// `login:` in the config file (issue 29): the form and JSON forms, secrets only as
/// `_env`/`_file`, `logged_out` required, every mistake named with its key and line.
@Suite struct LoginConfigurationTests {
    private func login(_ body: String) throws(ConfigurationError) -> ScrapeConfiguration.Login {
        guard let login = try ScrapeConfiguration(yaml: "login:\n" + body).login else { throw ConfigurationError(key: "login", message: "none") }
        return login
    }

    private func error(_ body: String) -> String {
        do {
            _ = try login(body)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func aFormLoginKeepsItsFieldsInOrderWithSecretsBySource() throws {
        let login = try login(
            """
              url: https://site.example/accounts/login/
              form: {username: alice, password_env: SITE_PASSWORD, pin_file: /run/secrets/pin}
              form_selector: "form#login"
              logged_out: {status: [401, 403], css: "form#login"}
            """)
        #expect(login.url == "https://site.example/accounts/login/")
        #expect(login.loggedOut == .init(statuses: [401, 403], css: "form#login"))
        guard case .form(let fields, let selector) = login.submission else {
            Issue.record("not a form login")
            return
        }
        #expect(selector == "form#login")
        #expect(fields.map { $0.name } == ["username", "password", "pin"])
        #expect(fields.map { $0.value } == [.literal("alice"), .secret(.environment("SITE_PASSWORD")), .secret(.file("/run/secrets/pin"))])
        #expect(login.described.contains("password: (environment variable SITE_PASSWORD)"))
    }

    @Test func aJSONLoginTakesItsSecretsOutOfTheBody() throws {
        let login = try login(
            """
              url: https://api.example/session
              json: {user: alice, password_env: API_PASSWORD, remember: true}
              logged_out: {status: 401}
            """)
        guard case .json(let method, let body, let secrets) = login.submission else {
            Issue.record("not a JSON login")
            return
        }
        #expect(method == "POST")
        #expect(String(decoding: body.encoded, as: UTF8.self) == #"{"user":"alice","password":null,"remember":true}"#)
        #expect(secrets.map { $0.name } == ["password"] && secrets.map { $0.secret } == [.environment("API_PASSWORD")])
        #expect(login.loggedOut.statuses == [401] && login.loggedOut.css == nil)
    }

    @Test func mistakesNameTheKeyAndLine() {
        #expect(error("  url: https://a.example/\n  form: {u: a}\n") == "line 2: login.logged_out: missing: how a page shows the session ended, {status: [401, 403]} and/or {css: \"form#login\"}; a later logout is found by it")
        #expect(error("  url: ftp://a.example/\n  form: {u: a}\n  logged_out: {status: 401}\n") == "line 2: login.url: expected an http:// or https:// URL, got \"ftp://a.example/\"")
        #expect(error("  url: https://a.example/\n  logged_out: {status: 401}\n").contains("missing: form: (fields of the login page's form) or json:"))
        #expect(error("  url: https://a.example/\n  form: {u: a}\n  json: {u: a}\n  logged_out: {status: 401}\n").contains("not both"))
        #expect(error("  url: https://a.example/\n  form: {u: a}\n  logged_out: {}\n").contains("login.logged_out: expected status: [401, 403] and/or css:"))
        #expect(error("  url: https://a.example/\n  form: {u: a}\n  logged_out: {status: [200x]}\n").contains("login.logged_out.status: expected HTTP statuses"))
        #expect(error("  url: https://a.example/\n  form: {u: a}\n  method: PUT\n  logged_out: {status: 401}\n").contains("method: is for json: logins"))
        #expect(error("  url: https://a.example/\n  json: {u: a}\n  method: GET\n  logged_out: {status: 401}\n").contains("expected POST, PUT or PATCH"))
        #expect(error("  url: https://a.example/\n  form: {u: a}\n  logged_out: {status: 401}\n  cookies: yes\n").contains("login.cookies: unknown key"))
    }
}
