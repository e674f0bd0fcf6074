import ScrapeCore
import Testing

@testable import ScrapeFrontier

/// The database URL and password, as the commands (`--db`, `SCRAPE_DATABASE_URL`,
/// `PGPASSWORD`) and the daemon (`database_url_env`, `password_env`) find them.
@Suite struct DatabaseSourceTests {
    static func daemon(passwordEnv: String? = nil) -> DatabaseSource {
        var settings = ScrapeConfiguration.Frontier(databaseURLEnvironment: "CRAWL_DB")
        settings.passwordEnvironment = passwordEnv
        return DatabaseSource(settings: settings)
    }

    @Test func theCommandsTakeDbThenTheirVariableThenPGPASSWORD() throws {
        let environment = ["SCRAPE_DATABASE_URL": "postgres://env@h/d", "PGPASSWORD": "pg"]
        let given = try DatabaseSource(given: "postgres://flag@h/d").resolve(in: environment)
        #expect(given.user == "flag" && given.password == "pg")
        let fromVariable = try DatabaseSource().resolve(in: environment)
        #expect(fromVariable.user == "env" && fromVariable.password == "pg")
        #expect(throws: DatabaseSource.Problem.noURL(variable: "SCRAPE_DATABASE_URL")) { try DatabaseSource().resolve(in: [:]) }
        #expect(throws: DatabaseSource.Problem.noURL(variable: "SCRAPE_DATABASE_URL")) { try DatabaseSource(given: "").resolve(in: environment) }
        #expect(DatabaseSource.Problem.noURL(variable: "SCRAPE_DATABASE_URL").commandLineMessage == "\(FrontierError.noDatabaseURL)")
    }

    @Test func thePasswordVariableStandsInForPGPASSWORD() throws {
        let source = Self.daemon(passwordEnv: "CRAWL_PASSWORD")
        let url = try source.resolve(in: ["CRAWL_DB": "postgres://u@h/d", "CRAWL_PASSWORD": "secret", "PGPASSWORD": "pg"])
        #expect(url.password == "secret")
        #expect(throws: DatabaseSource.Problem.noPassword(variable: "CRAWL_PASSWORD")) {
            try source.resolve(in: ["CRAWL_DB": "postgres://u@h/d", "PGPASSWORD": "pg"])
        }
        let own = try source.resolve(in: ["CRAWL_DB": "postgres://u:inline@h/d"])
        #expect(own.password == "inline", "the URL's password wins, and the variable need not be set")
        let withoutVariable = try Self.daemon().resolve(in: ["CRAWL_DB": "postgres://u@h/d", "PGPASSWORD": "pg"])
        #expect(withoutVariable.password == "pg")
    }

    @Test func theDaemonsErrorsNameItsKeys() {
        func problem(_ source: DatabaseSource, _ environment: [String: String]) -> DatabaseSource.Problem? {
            do throws(DatabaseSource.Problem) {
                _ = try source.resolve(in: environment)
                return nil
            } catch {
                return error
            }
        }
        let unset = problem(Self.daemon(), [:])?.configurationError(section: "daemon.frontier")
        #expect(unset?.description == "daemon.frontier.database_url_env: the environment variable CRAWL_DB is not set (it holds the postgres:// URL)")
        let invalid = problem(Self.daemon(), ["CRAWL_DB": "mysql://u:topsecret@h/d"])?.configurationError(section: "daemon.frontier")
        #expect(invalid?.key == "daemon.frontier.database_url_env")
        #expect(invalid?.message.hasPrefix("CRAWL_DB: invalid database URL") == true, "\(String(describing: invalid))")
        #expect(invalid?.message.contains("topsecret") == false)
        let noPassword = problem(Self.daemon(passwordEnv: "CRAWL_PASSWORD"), ["CRAWL_DB": "postgres://u@h/d"])?.configurationError(section: "daemon.frontier")
        #expect(noPassword?.description == "daemon.frontier.password_env: the environment variable CRAWL_PASSWORD is not set")
    }
}
