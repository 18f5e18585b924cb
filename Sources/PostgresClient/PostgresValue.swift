/// A statement parameter, sent in text or binary format.
public enum PostgresValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// The text form of any type (`"12.50"` for numeric, an ISO time for
    /// timestamptz, `{…}` for arrays).
    case text(String)
    /// A parameter in binary format: raw bytes for `bytea`, or another
    /// type's binary form (such as an array built by the caller).
    case bytes([UInt8])
}

extension PostgresValue {
    /// Bytes the value takes in a parameter buffer, terminator included.
    var encodedSize: Int {
        switch self {
        case .null: 0
        case .text(let text): text.utf8.count + 1
        case .bytes(let bytes): bytes.count
        }
    }
}

extension PostgresValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}

/// A statement prepared once on every connection under a fixed name.
public struct PreparedStatement: Sendable, Hashable {
    public let name: String
    public let sql: String

    public init(name: String, sql: String) {
        self.name = name
        self.sql = sql
    }
}

/// One execution of a prepared statement with its parameters.
public struct PostgresCommand: Sendable {
    public let statement: PreparedStatement
    public let parameters: [PostgresValue]

    public init(_ statement: PreparedStatement, _ parameters: [PostgresValue] = []) {
        self.statement = statement
        self.parameters = parameters
    }
}

/// The rows a statement returned, as text, copied out of libpq.
public struct PostgresRows: Sendable {
    /// Column names in order.
    public let columns: [String]
    /// Each row's values in text format; nil is SQL NULL.
    public let rows: [[String?]]
    /// Rows affected by an INSERT, UPDATE or DELETE; 0 otherwise.
    public let affectedRows: Int

    public init(columns: [String], rows: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The index of the column named `name`.
    public func column(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }
}
