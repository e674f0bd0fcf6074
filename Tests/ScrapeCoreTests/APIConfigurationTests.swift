import ScrapeCore
import Testing

/// jobs: and api: entries: values, defaults, and a table of bad files.
struct APIConfigurationTests {
    @Test func readsAFullAPIJob() throws {
        let yaml = """
            jobs:
              - name: titles
                scrape: {urls_file: urls.txt}
                output: titles.jsonl
                every: 1h
              - name: users
                api:
                  base_url: https://api.example.com/v1/
                  path: users
                  params: {sort: id, fields: "a,b"}
                  headers: {Accept: application/json}
                  auth: {type: oauth2_client_credentials, access_token_url: https://auth.example.com/token, client_id: me, client_secret_env: SECRET, scopes: [read, write]}
                  data_selector: data.items
                  paginator: {type: page_number, page_param: p, base_page: 0, page_size: 50, page_size_param: per_page, total_path: meta.pages, maximum_page: 9}
                  incremental: {cursor_path: updated_at, param: updated_since, initial_value: "2024-01-01T00:00:00Z"}
                output: users.jsonl
                at_start: true
            """
        let configuration = try ScrapeConfiguration(yaml: yaml)
        #expect(configuration.jobs.map(\.name) == ["titles", "users"])
        guard case .scrape(let urls) = configuration.jobs[0].source else { Issue.record("not scrape"); return }
        #expect(urls == "urls.txt")
        #expect(configuration.jobs[0].every == .seconds(3600))
        guard case .api(let api) = configuration.jobs.first(where: { $0.name == "users" })?.source else { Issue.record("not api"); return }
        #expect(api.baseURL == "https://api.example.com/v1/")
        #expect(api.params.map(\.name) == ["sort", "fields"])
        #expect(api.params.map(\.value) == ["id", "a,b"])
        #expect(api.auth == .oauth2ClientCredentials(tokenURL: "https://auth.example.com/token", clientID: "me", clientSecret: .environment("SECRET"), scopes: ["read", "write"]))
        #expect(api.dataSelector == JSONPath("data.items"))
        #expect(api.paginator == .pageNumber(param: "p", basePage: 0, pageSize: 50, pageSizeParam: "per_page", totalPath: JSONPath("meta.pages"), maximumPage: 9))
        #expect(api.incremental == .init(cursorPath: JSONPath("updated_at")!, param: "updated_since", initialValue: "2024-01-01T00:00:00Z"))
        #expect(configuration.jobs[1].atStart)
    }

    @Test func defaultsAreDltsDefaults() throws {
        let yaml = "jobs:\n  - name: a\n    api: {base_url: \"http://x/\", paginator: {type: cursor}}\n  - name: b\n    api: {base_url: \"http://x/\", paginator: {type: json_link}}\n"
        let jobs = try ScrapeConfiguration(yaml: yaml).jobs
        guard case .api(let a) = jobs[0].source, case .api(let b) = jobs[1].source else { return }
        #expect(a.paginator == .cursor(cursorPath: JSONPath("cursors.next")!, cursorParam: "cursor"))
        #expect(b.paginator == .jsonLink(nextURLPath: JSONPath("next")!))
        #expect(a.dataSelector == .root)
    }

    static let badFiles: [(String, String)] = [
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\"}\n  - name: b\n    api:\n      base_url: \"http://x/\"\n      paginator: {type: pages}\n",
         "line 7: jobs[1].api.paginator.type: expected one of page_number, offset, cursor, json_link, header_link, header_cursor, single_page; got \"pages\""),
        ("jobs:\n  - name: a\n    api: {base_url: \"ftp://x/\"}\n", "line 3: jobs[0].api.base_url: expected an absolute http:// or https:// URL, got \"ftp://x/\""),
        ("jobs:\n  - name: a\n    api: {path: x}\n", "line 3: jobs[0].api.base_url: missing: expected an absolute http:// or https:// URL"),
        ("jobs:\n  - api: {base_url: \"http://x/\"}\n", "line 2: jobs[0].name: missing: expected a job name"),
        ("jobs:\n  - name: a\n  - name: a\n", "line 2: jobs[0].scrape: missing: expected scrape: {urls_file: ...}, crawl: {seeds: [...]}, api: {...} or ws: {...}"),
        ("jobs:\n  - name: a\n    scrape: {urls_file: u}\n  - name: a\n    scrape: {urls_file: u}\n", "line 4: jobs[1].name: duplicate job name \"a\""),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", auth: {type: bearer, token: abc}}\n",
         "line 3: jobs[0].api.auth.token: secrets are not written inline; use token_env (an environment variable) or token_file"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", auth: {type: bearer}}\n", "line 3: jobs[0].api.auth.token_env: missing: expected token_env or token_file"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", auth: {type: kerberos}}\n",
         "line 3: jobs[0].api.auth.type: expected one of bearer, api_key, http_basic, oauth2_client_credentials; got \"kerberos\""),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", auth: {type: api_key, value_env: K, location: cookie}}\n",
         "line 3: jobs[0].api.auth.location: expected header or query, got \"cookie\""),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", paginator: {type: offset}}\n", "line 3: jobs[0].api.paginator.limit: missing: expected the page size (a whole number >= 1)"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", paginator: {type: cursor, cursor_path: \"a..b\"}}\n",
         "line 3: jobs[0].api.paginator.cursor_path: expected a dotted path like data.items or results[0].next, got \"a..b\""),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", pagination: {type: cursor}}\n",
         "line 3: jobs[0].api.pagination: unknown key; expected one of base_url, path, method, json, retry_non_idempotent, params, headers, auth, data_selector, paginator, response_actions, resolve, include_from_parent, incremental"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", incremental: {param: since}}\n", "line 3: jobs[0].api.incremental.cursor_path: missing: expected the record field that orders records"),
        ("jobs:\n  - name: a\n    every: often\n    scrape: {urls_file: u}\n", "line 3: jobs[0].every: expected a duration like 250ms, 30s, 5m or 1h, got \"often\""),
        ("jobs: {a: 1}\n", "line 1: jobs: expected a list"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/a b\"}\n", "line 3: jobs[0].api.base_url: malformed URL: Bad path"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", path: \"users\\r\\nX-Injected: 1\"}\n",
         "line 3: jobs[0].api.path: must not contain control characters (CR, LF, NUL ...)"),
        ("jobs:\n  - name: a\n    api: {base_url: \"http://x/\", headers: {\"Bad Name\": v}}\n",
         "line 3: jobs[0].api.headers.Bad Name: not a valid header name (an HTTP token: letters, digits, !#$%&'*+-.^_`|~)"),
        // A placeholder without resolve: would be requested as the literal text.
        ("jobs:\n  - name: users\n    api: {base_url: \"http://x/\"}\n  - name: orders\n    api:\n      base_url: \"http://x/\"\n      path: users/{user_id}/orders\n",
         "line 7: jobs[1].api.path: job orders: {user_id} has no value; add resolve: {user_id: {job: PARENT, field: FIELD}} to take it from "
            + "another job's records, or write the braces as %7B and %7D to send them as they are"),
        ("jobs:\n  - name: users\n    api: {base_url: \"http://x/\"}\n  - name: items\n    api:\n      base_url: \"http://x/\"\n"
            + "      path: \"users/{user_id}/orders/{order_id}/items\"\n      resolve: {user_id: {job: users, field: id}}\n",
         "line 7: jobs[1].api.path: job items: {order_id} has no value; add resolve: {order_id: {job: PARENT, field: FIELD}} to take it from "
            + "another job's records, or write the braces as %7B and %7D to send them as they are"),
        // A paginator value that would overwrite one the file sets in json:.
        ("jobs:\n  - name: a\n    api:\n      base_url: \"http://x/\"\n      method: POST\n      json: {q: x, page: 1}\n      paginator: {type: page_number, page_body_path: page}\n",
         "line 7: jobs[0].api.paginator.page_body_path: page would overwrite jobs[0].api.json.page, which the file sets; "
            + "the paginator puts its value there on every page, so take it out of json: or choose another path"),
    ]

    @Test(arguments: badFiles)
    func badFilesNameTheKey(file: (String, String)) {
        do {
            _ = try ScrapeConfiguration(yaml: file.0)
            Issue.record("accepted: \(file.0)")
        } catch {
            #expect(error.description == file.1)
        }
    }
}
