import CSQLite

/// One SQLite connection (libsqlite3 from Debian), as small as the crawl state needs:
/// statements prepared once and reused, text and integer values, transactions.
///
/// Not thread-safe by itself: ``CrawlState`` owns the one connection and takes its lock
/// around every use.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    /// The path, for messages.
    let path: String

    /// Opens (creating) the database at `path`.
    ///
    /// - Throws: ``SQLiteError`` when SQLite cannot open it.
    init(path: String) throws(SQLiteError) {
        self.path = path
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw SQLiteError(path: path, message: message)
        }
        sqlite3_busy_timeout(handle, 2000)
    }

    deinit {
        close()
    }

    /// Closes the connection (statements must be finalized first); idempotent.
    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    /// Runs `sql` (one or more statements without parameters).
    func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &message)
        guard code == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? lastError
            sqlite3_free(message)
            throw SQLiteError(path: path, message: text)
        }
    }

    /// Compiles `sql` once for many runs.
    func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw SQLiteError(path: path, message: "\(lastError) in: \(sql)")
        }
        return Statement(raw: statement, database: self)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<Result>(_ body: () throws(SQLiteError) -> Result) throws(SQLiteError) -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// The connection's last error message.
    var lastError: String { handle.map { String(cString: sqlite3_errmsg($0)) } ?? "closed" }

    /// A compiled statement: bind, step through rows, reset for the next run.
    final class Statement {
        private let raw: OpaquePointer
        private unowned let database: SQLiteDatabase

        fileprivate init(raw: OpaquePointer, database: SQLiteDatabase) {
            self.raw = raw
            self.database = database
        }

        deinit {
            sqlite3_finalize(raw)
        }

        /// Binds `values` to the parameters `?1`, `?2`… in order (a fresh run: the last
        /// one is reset first).
        @discardableResult
        func bind(_ values: [Value]) throws(SQLiteError) -> Statement {
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                let code: Int32
                switch value {
                case .integer(let number): code = sqlite3_bind_int64(raw, index, Int64(number))
                case .null: code = sqlite3_bind_null(raw, index)
                case .text(let text):
                    var text = text
                    code = text.withUTF8 { bytes in
                        bytes.withMemoryRebound(to: CChar.self) { chars in
                            // An empty string's buffer may have no address; SQLite needs one.
                            chars.baseAddress.map { csqlite_bind_text(raw, index, $0, Int32(chars.count)) } ?? csqlite_bind_text(raw, index, "", 0)
                        }
                    }
                }
                guard code == SQLITE_OK else { throw SQLiteError(path: database.path, message: database.lastError) }
            }
            return self
        }

        /// Steps to the next row: true when there is one, false when done.
        func step() throws(SQLiteError) -> Bool {
            switch sqlite3_step(raw) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default:
                let error = SQLiteError(path: database.path, message: database.lastError)
                sqlite3_reset(raw)
                throw error
            }
        }

        /// Runs a statement that returns no rows.
        func run(_ values: [Value] = []) throws(SQLiteError) {
            try bind(values)
            while try step() {}
            sqlite3_reset(raw)
        }

        /// Ends the current run early, so the statement holds no read lock.
        func reset() {
            sqlite3_reset(raw)
        }

        func integer(at column: Int32) -> Int {
            Int(sqlite3_column_int64(raw, column))
        }

        func isNull(at column: Int32) -> Bool {
            sqlite3_column_type(raw, column) == SQLITE_NULL
        }

        func text(at column: Int32) -> String? {
            guard let bytes = sqlite3_column_text(raw, column) else { return nil }
            let count = Int(sqlite3_column_bytes(raw, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }

    /// A value bound to a statement's parameter.
    enum Value {
        case integer(Int)
        case text(String)
        case null
    }
}

/// SQLite refused: the database's path and SQLite's own message.
struct SQLiteError: Error, Sendable, CustomStringConvertible {
    let path: String
    let message: String

    var description: String { "\(path): \(message)" }
}
