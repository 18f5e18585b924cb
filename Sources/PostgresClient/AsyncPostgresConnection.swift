import EventHTTP

/// An async face on a `PostgresConnection`, for code that runs off the loop
/// (the sender, the read API, command-line tools).
///
/// Each call hops to the connection's loop, sends the unit there and
/// resumes when its sync comes back; the loop never waits. Thread rules:
/// callable from any task or thread.
public struct AsyncPostgresConnection: Sendable {
    private let loop: EventLoop
    private let connection: PostgresConnection

    /// Wraps `connection`, which lives on `loop`.
    public init(loop: EventLoop, connection: PostgresConnection) {
        self.loop = loop
        self.connection = connection
    }

    /// Runs `commands` as one transaction; see `PostgresConnection.execute`.
    public func execute(_ commands: [PostgresCommand]) async throws(PostgresError)
        -> [PostgresRows]
    {
        let connection = self.connection
        let result: Result<[PostgresRows], PostgresError> = await withCheckedContinuation {
            continuation in
            loop.execute {
                connection.execute(commands) { continuation.resume(returning: $0) }
            }
        }
        return try result.get()
    }

    /// Runs one command and returns its rows.
    public func execute(_ command: PostgresCommand) async throws(PostgresError) -> PostgresRows {
        let rows = try await execute([command])
        return rows[0]
    }

    /// The connection's state, read on the loop.
    public var state: PostgresConnection.State {
        get async {
            let connection = self.connection
            return await withCheckedContinuation { continuation in
                loop.execute { continuation.resume(returning: connection.state) }
            }
        }
    }
}
