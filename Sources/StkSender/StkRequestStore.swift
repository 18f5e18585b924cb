import PostgresClient

/// Reads and writes `mpesa.stk_requests` for the sender.
///
/// Thread rules: any task; the connection hops to its loop.
struct StkRequestStore: Sendable {
    let database: AsyncPostgresConnection

    /// Tries for writing Daraja's answer, which must not be lost: it holds
    /// the only link between the push and its callback.
    static let finishAttempts = 5

    /// Records `push` in state `sending` and returns the row's id.
    func insert(
        _ push: StkPush, configuration: SenderConfiguration
    ) async throws(PostgresError) -> String {
        let rows = try await database.execute(
            PostgresCommand(
                StkRequestStatements.insert,
                [
                    .text(push.phoneNumber.digits), .text(push.amount.text),
                    .text(push.accountReference), .text(push.transactionDescription),
                    .text(configuration.shortCode), .text(configuration.partyB),
                    .text(configuration.transactionType.rawValue),
                ]))
        guard let id = rows.rows.first?[0] ?? nil else {
            throw PostgresError(kind: .statement, operation: "insert", message: "no id returned")
        }
        return id
    }

    /// Records the outcome of request `id` and returns its row.
    ///
    /// A lost connection is retried with backoff: the write is idempotent,
    /// and PostgreSQL is often back within seconds.
    func finish(
        id: String, state: StkRequestState, merchantRequestID: String? = nil,
        checkoutRequestID: String? = nil, error: DarajaError? = nil
    ) async throws(PostgresError) -> StkRequestRecord {
        let commands = [
            PostgresCommand(
                StkRequestStatements.finish,
                [
                    .text(id), .text(state.rawValue), value(merchantRequestID),
                    value(checkoutRequestID), value(error?.code), value(error?.message),
                ]),
            PostgresCommand(StkRequestStatements.selectByID, [.text(id)]),
        ]
        var delay = Duration.milliseconds(200)
        var attempt = 1
        while true {
            do throws(PostgresError) {
                let results = try await database.execute(commands)
                guard let record = StkRequestRecord(results[1]) else {
                    throw PostgresError(kind: .statement, operation: "finish", message: "row gone")
                }
                return record
            } catch  where error.kind != .statement && attempt < Self.finishAttempts {
                try? await Task.sleep(for: delay)
                delay *= 2
                attempt += 1
            }
        }
    }

    /// The request Daraja knows by `checkoutRequestID`, if any.
    func find(checkoutRequestID: String) async throws(PostgresError) -> StkRequestRecord? {
        StkRequestRecord(
            try await database.execute(
                PostgresCommand(
                    StkRequestStatements.selectByCheckoutRequestID, [.text(checkoutRequestID)])))
    }

    private func value(_ text: String?) -> PostgresValue {
        text.map(PostgresValue.text) ?? .null
    }
}
