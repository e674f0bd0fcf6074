extension Migrations {
    /// Fields and metadata stored with the job (issue 26), so every worker takes the same
    /// values from every page whatever its own flags.
    ///
    /// - `jobs.fields`: the job's `NAME=SPEC` fields in order, as `add --field` gave them
    ///   (compiled by each worker; `add` refuses one that does not compile). Empty: titles only.
    /// - `jobs.metadata`: whether records get `metadata` (`add --metadata`).
    static let version4 = Migration(
        version: 4, summary: "fields and metadata stored with the job",
        statements: [
            "ALTER TABLE scrape.jobs ADD COLUMN fields text[] NOT NULL DEFAULT '{}'",
            "ALTER TABLE scrape.jobs ADD COLUMN metadata boolean NOT NULL DEFAULT false",
        ])
}
