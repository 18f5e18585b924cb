import Foundation
import MpesaCore
import PostgresClient

/// The statements that write one batch of deliveries, and how to read their
/// results back per delivery.
struct BatchPlan {
    let commands: [PostgresCommand]
    /// The accepted deliveries and the rejected ones, each in the order of
    /// their statement's arrays.
    private let accepted: [(Delivery, StkCallback)]
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
            let firsts = Self.firstInBatch(accepted.map(\.1))
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
                        PostgresArrays.text(firsts.checkoutOfReceipt),
                        PostgresArrays.text(firsts.receiptOfCheckout),
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
        self.accepted = accepted
        self.rejected = rejected.map(\.0)
    }

    /// What a committed batch did.
    struct Outcomes {
        /// What the transaction did with each delivery that it wrote for the
        /// first time; deliveries missing from the map were already stored.
        var recorded: [DeliveryID: CallbackRecorder.Recorded] = [:]
        /// Successes stored for the first time that added no payment and
        /// carry no reason: a transaction beside this one added a payment
        /// they conflict with (see `CallbackStatements.flagConflictingSuccesses`),
        /// or they repeat one of their batch-mates. By callback id.
        var unexplained: [Int64: DeliveryID] = [:]
    }

    func outcomes(from results: [PostgresRows]) -> Outcomes {
        var outcomes = Outcomes()
        var remaining = results[...]
        if !accepted.isEmpty, let rows = remaining.popFirst() {
            let callbacks = Dictionary(
                accepted.map { ($0.0.id, $0.1) }, uniquingKeysWith: { first, _ in first })
            for row in rows.rows {
                guard let id = row[0].flatMap(DeliveryID.init(text:)),
                    let callback = callbacks[id]
                else { continue }
                let recorded = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: row[1] == "t", reviewReason: row[2])
                outcomes.recorded[id] = recorded
                if callback.payment != nil, !recorded.addedPayment, recorded.reviewReason == nil,
                    let callbackID = row[3].flatMap({ Int64($0) })
                {
                    outcomes.unexplained[callbackID] = id
                }
            }
        }
        if !rejected.isEmpty, let rows = remaining.popFirst() {
            let ids = Set(rejected.map(\.id))
            for row in rows.rows {
                guard let id = row[0].flatMap(DeliveryID.init(text:)), ids.contains(id)
                else { continue }
                outcomes.recorded[id] = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: false, reviewReason: nil)
            }
        }
        return outcomes
    }

    /// For each callback, in order: the checkout of the batch's first success
    /// with the same receipt, and the receipt of the batch's first success
    /// for the same checkout, each only where an earlier success in the
    /// batch took it (nil otherwise, the usual case, which the statement
    /// reads as the callback's own). The statement flags such a success.
    static func firstInBatch(
        _ callbacks: [StkCallback]
    ) -> (checkoutOfReceipt: [String?], receiptOfCheckout: [String?]) {
        var checkoutByReceipt: [String: String] = [:]
        var receiptByCheckout: [String: String] = [:]
        checkoutByReceipt.reserveCapacity(callbacks.count)
        receiptByCheckout.reserveCapacity(callbacks.count)
        var checkoutOfReceipt = [String?](repeating: nil, count: callbacks.count)
        var receiptOfCheckout = [String?](repeating: nil, count: callbacks.count)
        for (index, callback) in callbacks.enumerated() {
            guard let receipt = callback.payment?.receiptNumber else { continue }
            let checkout = callback.checkoutRequestID
            if let first = checkoutByReceipt[receipt] {
                checkoutOfReceipt[index] = first
            } else {
                checkoutByReceipt[receipt] = checkout
            }
            if let first = receiptByCheckout[checkout] {
                receiptOfCheckout[index] = first
            } else {
                receiptByCheckout[checkout] = receipt
            }
        }
        return (checkoutOfReceipt, receiptOfCheckout)
    }

    /// The statement that flags `unexplained` successes; its rows are the
    /// flagged callbacks' ids and reasons.
    static func flagging(_ unexplained: some Collection<Int64>) -> PostgresCommand {
        PostgresCommand(
            CallbackStatements.flagConflictingSuccesses,
            [PostgresArrays.int8(unexplained.map { $0 })])
    }

    private static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}
