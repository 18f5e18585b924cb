import Foundation
import MpesaCore
import PostgresClient

/// The statements that write one batch of deliveries, and how to read their
/// results back per delivery.
struct BatchPlan {
    let commands: [PostgresCommand]
    /// The accepted deliveries and the rejected ones, each in the order of
    /// their statement's arrays.
    private let accepted: [Delivery]
    private let rejected: [Delivery]

    init(_ deliveries: [Delivery]) {
        var accepted: [(Delivery, StkCallback)] = []
        var rejected: [(Delivery, CallbackRejection)] = []
        for delivery in deliveries {
            switch delivery.verdict {
            case .accepted(let callback): accepted.append((delivery, callback))
            case .rejected(let rejection): rejected.append((delivery, rejection))
            }
        }
        var commands: [PostgresCommand] = []
        if !accepted.isEmpty {
            commands.append(
                PostgresCommand(
                    CallbackStatements.lockKeys, [PostgresArrays.text(Self.lockKeys(accepted))]))
            commands.append(
                PostgresCommand(
                    CallbackStatements.recordCallbacks,
                    [
                        PostgresArrays.uuid(accepted.map { $0.0.id }),
                        PostgresArrays.int8(accepted.map { Self.microseconds($0.0.receivedAt) }),
                        PostgresArrays.text(accepted.map { $0.0.sourceAddress }),
                        PostgresArrays.text(accepted.map { $0.1.merchantRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.checkoutRequestID }),
                        PostgresArrays.text(accepted.map { $0.1.resultCode.text }),
                        PostgresArrays.text(accepted.map { $0.1.resultDescription }),
                        PostgresArrays.int8(accepted.map { $0.1.payment?.amount.minorUnits }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.receiptNumber }),
                        PostgresArrays.int8(
                            accepted.map { $0.1.payment?.transactionTime.secondsSince1970 }),
                        PostgresArrays.text(accepted.map { $0.1.payment?.phoneNumber }),
                        PostgresArrays.bytea(accepted.map { $0.0.body }),
                    ]))
        }
        if !rejected.isEmpty {
            commands.append(
                PostgresCommand(
                    CallbackStatements.insertRejected,
                    [
                        PostgresArrays.uuid(rejected.map { $0.0.id }),
                        PostgresArrays.int8(rejected.map { Self.microseconds($0.0.receivedAt) }),
                        PostgresArrays.text(rejected.map { $0.0.sourceAddress }),
                        PostgresArrays.text(rejected.map { $0.1.kind.rawValue }),
                        PostgresArrays.text(rejected.map { $0.1.reason }),
                        PostgresArrays.bytea(rejected.map { $0.0.body }),
                    ]))
        }
        self.commands = commands
        self.accepted = accepted.map(\.0)
        self.rejected = rejected.map(\.0)
    }

    /// What the transaction did with each delivery that it wrote for the
    /// first time; deliveries missing from the map were already stored.
    func outcomes(from results: [PostgresRows]) -> [DeliveryID: CallbackRecorder.Recorded] {
        var outcomes: [DeliveryID: CallbackRecorder.Recorded] = [:]
        var remaining = results[...]
        if !accepted.isEmpty {
            _ = remaining.popFirst()  // the locks
        }
        if !accepted.isEmpty, let rows = remaining.popFirst() {
            for row in rows.rows {
                guard let delivery = Self.delivery(at: row[0], in: accepted) else { continue }
                outcomes[delivery.id] = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: row[1] == "t", reviewReason: row[2])
            }
        }
        if !rejected.isEmpty, let rows = remaining.popFirst() {
            for row in rows.rows {
                guard let delivery = Self.delivery(at: row[0], in: rejected) else { continue }
                outcomes[delivery.id] = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: false, reviewReason: nil)
            }
        }
        return outcomes
    }

    /// What two batches in flight at once must not both hold: each accepted
    /// callback's checkout (whose request it may settle and whose payment it
    /// may add) and each success's receipt.
    private static func lockKeys(_ accepted: [(Delivery, StkCallback)]) -> [String?] {
        var keys: [String?] = []
        keys.reserveCapacity(accepted.count * 2)
        for (_, callback) in accepted {
            keys.append("c" + callback.checkoutRequestID)
            if let receipt = callback.payment?.receiptNumber {
                keys.append("r" + receipt)
            }
        }
        return keys
    }

    /// The delivery at a 1-based array position returned by a statement.
    private static func delivery(at position: String?, in deliveries: [Delivery]) -> Delivery? {
        guard let position, let index = Int(position), (1...deliveries.count).contains(index)
        else { return nil }
        return deliveries[index - 1]
    }

    private static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
