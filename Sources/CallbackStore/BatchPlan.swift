import MpesaCore
import PostgresClient

/// The statements that write one batch of deliveries, and how to read their
/// results back per delivery.
struct BatchPlan {
    let commands: [PostgresCommand]
    private let kinds: [CommandKind]

    private enum CommandKind {
        case recordCallbacks, insertRejected
    }

    init(_ deliveries: [Delivery]) {
        var commands: [PostgresCommand] = []
        var kinds: [CommandKind] = []
        let accepted = deliveries.compactMap { delivery in
            delivery.callback.map { (delivery, $0) }
        }
        let rejected = deliveries.compactMap { delivery -> (Delivery, CallbackRejection)? in
            if case .rejected(let rejection) = delivery.verdict { return (delivery, rejection) }
            return nil
        }
        if !accepted.isEmpty {
            commands.append(
                PostgresCommand(
                    CallbackStatements.recordCallbacks,
                    [
                        PostgresArrays.text(accepted.map { $0.0.id.description }),
                        PostgresArrays.text(accepted.map { TimestampText.utc($0.0.receivedAt) }),
                        PostgresArrays.text(accepted.map { $0.0.sourceAddress }),
                        PostgresArrays.text(accepted.map { $0.1.merchantRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.checkoutRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.resultCode.text }),
                        PostgresArrays.text(accepted.map { $0.1.resultDescription }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.amount.text }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.receiptNumber }),
                        PostgresArrays.text(
                            accepted.map { $0.1.payment?.transactionTime.iso8601 }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.phoneNumber }),
                        PostgresArrays.bytea(accepted.map { $0.0.body }),
                    ]))
            kinds.append(.recordCallbacks)
        }
        if !rejected.isEmpty {
            commands.append(
                PostgresCommand(
                    CallbackStatements.insertRejected,
                    [
                        PostgresArrays.text(rejected.map { $0.0.id.description }),
                        PostgresArrays.text(rejected.map { TimestampText.utc($0.0.receivedAt) }),
                        PostgresArrays.text(rejected.map { $0.0.sourceAddress }),
                        PostgresArrays.text(rejected.map { $0.1.kind.rawValue }),
                        PostgresArrays.text(rejected.map { $0.1.reason }),
                        PostgresArrays.bytea(rejected.map { $0.0.body }),
                    ]))
            kinds.append(.insertRejected)
        }
        self.commands = commands
        self.kinds = kinds
    }

    /// What the transaction did with each delivery that it wrote for the
    /// first time; deliveries missing from the map were already stored.
    func outcomes(from results: [PostgresRows]) -> [DeliveryID: CallbackRecorder.Recorded] {
        var outcomes: [DeliveryID: CallbackRecorder.Recorded] = [:]
        for (kind, rows) in zip(kinds, results) {
            for row in rows.rows {
                guard let text = row.first ?? nil, let id = DeliveryID(text: text) else { continue }
                switch kind {
                case .recordCallbacks:
                    outcomes[id] = CallbackRecorder.Recorded(
                        isNewDelivery: true, addedPayment: row[1] == "t", reviewReason: row[2])
                case .insertRejected:
                    outcomes[id] = CallbackRecorder.Recorded(
                        isNewDelivery: true, addedPayment: false, reviewReason: nil)
                }
            }
        }
        return outcomes
    }
}
