import MpesaCore
import PostgresClient

/// The statements that write one batch of deliveries, and how to read their
/// results back per delivery.
struct BatchPlan {
    let commands: [PostgresCommand]
    private let kinds: [CommandKind]

    private enum CommandKind {
        case insertCallbacks, insertPayments, flagReusedReceipts, settleRequests, insertRejected
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
            let ids = PostgresArrays.text(accepted.map { $0.0.id.description })
            commands.append(
                PostgresCommand(
                    CallbackStatements.insertCallbacks,
                    [
                        ids,
                        PostgresArrays.text(accepted.map { TimestampText.utc($0.0.receivedAt) }),
                        PostgresArrays.text(accepted.map { $0.0.sourceAddress }),
                        PostgresArrays.text(accepted.map { $0.1.merchantRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.checkoutRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.resultCode.text }),
                        PostgresArrays.text(accepted.map { $0.1.resultDescription }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.amount.text }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.receiptNumber }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.transactionTime.iso8601 }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.phoneNumber }),
                        PostgresArrays.bytea(accepted.map { $0.0.body }),
                    ]))
            kinds.append(.insertCallbacks)
            if accepted.contains(where: { $0.1.resultCode.isSuccess }) {
                commands.append(PostgresCommand(CallbackStatements.insertPayments, [ids]))
                kinds.append(.insertPayments)
                commands.append(PostgresCommand(CallbackStatements.flagReusedReceipts, [ids]))
                kinds.append(.flagReusedReceipts)
            }
            commands.append(PostgresCommand(CallbackStatements.settleRequests, [ids]))
            kinds.append(.settleRequests)
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
        var deliveryByCallbackID: [String: DeliveryID] = [:]
        var outcomes: [DeliveryID: CallbackRecorder.Recorded] = [:]
        for (kind, rows) in zip(kinds, results) {
            switch kind {
            case .insertCallbacks:
                for row in rows.rows {
                    guard let callbackID = row[0], let text = row[1],
                        let id = DeliveryID(text: text)
                    else { continue }
                    deliveryByCallbackID[callbackID] = id
                    outcomes[id] = CallbackRecorder.Recorded(
                        isNewDelivery: true, addedPayment: false, reviewReason: nil)
                }
            case .insertPayments:
                for row in rows.rows {
                    guard let callbackID = row[0], let id = deliveryByCallbackID[callbackID]
                    else { continue }
                    outcomes[id]?.addedPayment = true
                    outcomes[id]?.reviewReason = row[1]
                }
            case .flagReusedReceipts:
                for row in rows.rows {
                    guard let text = row[0], let id = DeliveryID(text: text) else { continue }
                    outcomes[id]?.reviewReason = row[1]
                }
            case .insertRejected:
                for row in rows.rows {
                    guard let text = row[0], let id = DeliveryID(text: text) else { continue }
                    outcomes[id] = CallbackRecorder.Recorded(
                        isNewDelivery: true, addedPayment: false, reviewReason: nil)
                }
            case .settleRequests:
                break
            }
        }
        return outcomes
    }
}
