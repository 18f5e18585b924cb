import CLibPQ

/// A plain, blocking libpq connection for command-line tools, migrations and
/// tests: never used on an event loop thread.
///
/// Ownership: owns its `PGconn` and closes it in `deinit`. Thread rules: one
/// thread at a time.
public final class BlockingPostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer

    /// Connects, blocking until the server answers or refuses.
    ///
    /// - Parameter connectionString: a libpq connection string or URI; it may
    ///   hold a password, so it is never included in an error.
    /// - Throws: `PostgresError` of kind `.connection`.
    public init(connectionString: String) throws(PostgresError) {
        // Parsed first, so that a malformed string's error does not quote it.
        let parameters = try ConnectionParameters(parsing: connectionString)
        let opened = parameters.withLibPQArrays { keywords, values in
            PQconnectdbParams(keywords, values, 0)
        }
        guard let connection = opened else {
            throw PostgresError(kind: .connection, operation: "connect", message: "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = LibPQ.connectionError(connection, operation: "connect")
            PQfinish(connection)
            throw error
        }
        PQsetNoticeReceiver(connection, { _, _ in }, nil)
        self.connection = connection
    }

    deinit {
        PQfinish(connection)
    }

    /// Runs one or more statements without parameters (the simple protocol),
    /// returning the last statement's rows.
    @discardableResult
    public func execute(script: String) throws(PostgresError) -> PostgresRows {
        var last = PostgresRows(columns: [], rows: [], affectedRows: 0)
        guard PQsendQuery(connection, script) == 1 else {
            throw LibPQ.connectionError(connection, operation: "execute")
        }
        var failure: PostgresError?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if LibPQ.isSuccess(status) {
                last = LibPQ.rows(of: result)
            } else if failure == nil {
                failure = LibPQ.error(of: result, operation: "execute")
            }
        }
        if let failure {
            throw failure
        }
        return last
    }

    /// Runs one statement with parameters (`$1`, `$2`, …).
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = [])
        throws(PostgresError) -> PostgresRows
    {
        let result = LibPQ.withParameters(parameters) { count, values, lengths, formats in
            PQexecParams(connection, sql, count, nil, values, lengths, formats, 0)
        }
        guard let result else {
            throw LibPQ.connectionError(connection, operation: "execute")
        }
        defer { PQclear(result) }
        guard LibPQ.isSuccess(PQresultStatus(result)) else {
            throw LibPQ.error(of: result, operation: "execute")
        }
        return LibPQ.rows(of: result)
    }

    /// Whether the connection is still usable.
    public var isConnected: Bool { PQstatus(connection) == CONNECTION_OK }
}
