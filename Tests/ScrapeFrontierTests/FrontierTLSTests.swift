import Foundation
import PostgresNIO
import ScrapeTestSupport
import Testing

@testable import ScrapeFrontier

/// TLS to PostgreSQL when the URL asks (`sslmode`), against a server with a self-signed
/// certificate.
@Suite struct FrontierTLSTests {
    @Test func sslmodeRequireEncryptsAndVerifyFullRefusesAnUntrustedCertificate() async throws {
        let cluster = try await PostgresCluster.start(tls: true)
        do {
            let plain = try await cluster.createDatabase("tls")
            let require = try FrontierHarness.store(plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require"))
            _ = try await require.migrate()
            let encrypted = try await require.database.run { connection in
                for try await ssl in try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: .init(label: "t"))
                    .decode(Bool.self)
                {
                    return ssl
                }
                return false
            }
            #expect(encrypted, "the connection is encrypted")
            await require.database.close()

            let disabled = try FrontierHarness.store(plain)
            let unencrypted = try await disabled.database.run { connection in
                for try await ssl in try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: .init(label: "t"))
                    .decode(Bool.self)
                {
                    return ssl
                }
                return true
            }
            #expect(!unencrypted, "sslmode=disable stays plain")
            await disabled.database.close()

            // The certificate is self-signed: verify-full must not connect, and says so at once
            // (a certificate does not get better by retrying: not "unreachable" after 60 s).
            let verify = try FrontierHarness.store(plain.replacingOccurrences(of: "sslmode=disable", with: "sslmode=verify-full"))
            await #expect {
                _ = try await verify.schemaVersion()
            } throws: { error in
                guard case FrontierError.database(let message) = error else { return false }
                return message.contains("TLS") && message.contains("CERTIFICATE_VERIFY_FAILED")
            }
            await verify.database.close()
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}
