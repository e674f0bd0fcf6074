import Testing

@testable import ScrapeFrontier

@Suite struct DatabaseURLTests {
    @Test func partsOfAFullURL() throws {
        let url = try DatabaseURL(parsing: "postgres://crawler:s%40cret@db.internal:6543/frontier?sslmode=require")
        #expect(url.user == "crawler")
        #expect(url.password == "s@cret")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "frontier")
        #expect(url.tls == .require)
        #expect(url.description == "postgres://crawler@db.internal:6543/frontier?sslmode=require")
    }

    @Test func defaultsAndPGPASSWORD() throws {
        let url = try DatabaseURL(parsing: "postgresql://crawler@localhost", environment: ["PGPASSWORD": "from-env"])
        #expect(url.port == 5432)
        #expect(url.database == "crawler")
        #expect(url.password == "from-env")
        #expect(url.tls == .prefer)
        let own = try DatabaseURL(parsing: "postgres://u:inline@h/d", environment: ["PGPASSWORD": "from-env"])
        #expect(own.password == "inline")
        let ipv6 = try DatabaseURL(parsing: "postgres://u@[::1]:5433/d?sslmode=disable")
        #expect(ipv6.host == "::1" && ipv6.port == 5433 && ipv6.tls == .disable)
    }

    @Test func errorsNameTheProblemWithoutThePassword() {
        let cases = [
            "mysql://u:topsecret@h/d",
            "postgres://u:topsecret@h:99999/d",
            "postgres://u:topsecret@h/d?sslmode=maybe",
            "postgres://u:topsecret@h/d?sslcert=x",
        ]
        for text in cases {
            do {
                _ = try DatabaseURL(parsing: text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(!"\(error)".contains("topsecret"), "\(error)")
                #expect("\(error)".hasPrefix("invalid database URL"), "\(error)")
            }
        }
    }
}
