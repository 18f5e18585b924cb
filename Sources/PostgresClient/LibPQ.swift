import CLibPQ

/// The one place where libpq's results and status codes become Swift values
/// and typed errors. Every `PGresult` passed here is still owned by the
/// caller, who clears it.
enum LibPQ {
    /// Copies rows and counts out of a successful result.
    static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        var columns: [String] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            columns.append(PQfname(result, Int32(column)).map { String(cString: $0) } ?? "")
        }
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
                    values.append(nil)
                } else {
                    values.append(
                        PQgetvalue(result, Int32(row), Int32(column))
                            .map { String(cString: $0) })
                }
            }
            rows.append(values)
        }
        let affected = PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
        return PostgresRows(columns: columns, rows: rows, affectedRows: affected)
    }

    /// The typed error for a failed result.
    static func error(of result: OpaquePointer, operation: String) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let message =
            field(mpesa_pg_diag_message_primary)
            ?? PQresultErrorMessage(result).map { firstLine(String(cString: $0)) }
            ?? "unknown error"
        return PostgresError(
            kind: .statement, operation: operation,
            sqlState: field(mpesa_pg_diag_sqlstate), message: message,
            constraint: field(mpesa_pg_diag_constraint_name),
            detail: field(mpesa_pg_diag_message_detail))
    }

    /// The typed error for a connection-level failure, from `PQerrorMessage`.
    static func connectionError(
        _ connection: OpaquePointer?, operation: String, kind: PostgresError.Kind = .connection
    ) -> PostgresError {
        let text = connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        let message = firstLine(text)
        return PostgresError(
            kind: kind, operation: operation,
            message: message.isEmpty ? "connection failed" : message)
    }

    /// Whether a result status means the statement succeeded.
    static func isSuccess(_ status: ExecStatusType) -> Bool {
        status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
    }

    /// Calls `body` with libpq's parameter arrays for `values`.
    static func withParameters<Result>(
        _ values: [PostgresValue],
        _ body: (
            _ count: Int32, _ values: [UnsafePointer<CChar>?], _ lengths: [Int32],
            _ formats: [Int32]
        ) -> Result
    ) -> Result {
        // One contiguous buffer holds every parameter, NUL-terminated text or
        // raw bytes, so the pointers stay valid for the whole call.
        var storage: [UInt8] = []
        storage.reserveCapacity(values.reduce(1) { $0 + $1.encodedSize })
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        offsets.reserveCapacity(values.count)
        lengths.reserveCapacity(values.count)
        formats.reserveCapacity(values.count)
        for value in values {
            switch value {
            case .null:
                offsets.append(nil)
                lengths.append(0)
                formats.append(0)
            case .text(let text):
                offsets.append(storage.count)
                let start = storage.count
                storage.append(contentsOf: text.utf8)
                lengths.append(Int32(storage.count - start))
                storage.append(0)
                formats.append(0)
            case .bytes(let bytes):
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            }
        }
        // A final byte keeps the buffer non-empty, so an empty bytea is a
        // valid pointer rather than NULL.
        storage.append(0)
        return storage.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                    guard let offset, let base = characters.baseAddress else { return nil }
                    return base + offset
                }
                return body(Int32(values.count), pointers, lengths, formats)
            }
        }
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        return line.hasPrefix("ERROR:  ") ? String(line.dropFirst(8)) : line
    }
}
