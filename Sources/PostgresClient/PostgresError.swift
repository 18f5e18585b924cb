/// A failure reported by libpq or the server, safe to log.
///
/// `description` holds the operation, the SQLSTATE and the server's primary
/// message, which name constraints and types but not row values; the detail
/// line, which may quote values, is kept for `debugDescription` only.
public struct PostgresError: Error, Sendable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// What kind of failure this is, which decides whether a retry can help.
    public enum Kind: String, Sendable {
        /// The connection is down or could not be made; the work did not happen.
        case connection
        /// The server refused a statement; the rest of its transaction was undone.
        case statement
        /// The connection was lost after work was sent: it may or may not have
        /// committed.
        case connectionLostInFlight = "connection_lost_in_flight"
    }

    public let kind: Kind
    /// The step that failed, for example `connect` or `execute`.
    public let operation: String
    /// The five-character SQLSTATE, when the server sent one.
    public let sqlState: String?
    /// The server's or libpq's primary message, one line.
    public let message: String
    /// The constraint that a statement violated, when there was one.
    public let constraint: String?
    /// The server's detail line; may hold values, so never in `description`.
    public let detail: String?

    public init(
        kind: Kind, operation: String, sqlState: String? = nil, message: String,
        constraint: String? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
        self.detail = detail
    }

    /// Whether this is the server's unique-violation error (23505).
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "\(operation): \(message)"
        if let sqlState {
            text += " (SQLSTATE \(sqlState))"
        }
        return text
    }

    public var debugDescription: String {
        guard let detail else { return description }
        return "\(description); detail: \(detail)"
    }
}
