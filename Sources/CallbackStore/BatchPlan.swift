import Foundation
import MpesaCore
import PostgresClient

/// The statements that write one batch of deliveries, built a delivery at
/// a time, and how to read their results back per delivery.
///
/// `CallbackRecorder` adds each delivery as it arrives, while the previous
/// batch is still at the server, so that when that batch commits the next
/// one only has its array headers written before it is sent.
struct BatchPlan {
    /// The columns of `CallbackStatements.recordCallbacks`, `$1`…`$14`.
    private struct AcceptedColumns {
        var deliveryID = PostgresArray(.uuid)
        var receivedAt = PostgresArray(.int8)
        var source = PostgresArray(.text)
        var merchantRequestID = PostgresArray(.text, capacity: 1024)
        var checkoutRequestID = PostgresArray(.text, capacity: 1024)
        var resultCode = PostgresArray(.text)
        var resultDescription = PostgresArray(.text, capacity: 2048)
        var amount = PostgresArray(.int8)
        var receipt = PostgresArray(.text)
        var transactionTime = PostgresArray(.int8)
        var phone = PostgresArray(.text)
        var body = PostgresArray(.bytea, capacity: 16_384)
        var checkoutOfReceipt = PostgresArray(.text)
        var receiptOfCheckout = PostgresArray(.text)

        consuming func finish() -> [PostgresValue] {
            [
                deliveryID.finish(), receivedAt.finish(), source.finish(),
                merchantRequestID.finish(), checkoutRequestID.finish(), resultCode.finish(),
                resultDescription.finish(), amount.finish(), receipt.finish(),
                transactionTime.finish(), phone.finish(), body.finish(),
                checkoutOfReceipt.finish(), receiptOfCheckout.finish(),
            ]
        }
    }

    /// The columns of `CallbackStatements.insertRejected`, `$1`…`$6`.
    private struct RejectedColumns {
        var deliveryID = PostgresArray(.uuid)
        var receivedAt = PostgresArray(.int8)
        var source = PostgresArray(.text)
        var kind = PostgresArray(.text)
        var reason = PostgresArray(.text)
        var body = PostgresArray(.bytea)

        consuming func finish() -> [PostgresValue] {
            [
                deliveryID.finish(), receivedAt.finish(), source.finish(), kind.finish(),
                reason.finish(), body.finish(),
            ]
        }
    }

    private var acceptedColumns = AcceptedColumns()
    private var rejectedColumns = RejectedColumns()
    /// Whether each accepted delivery is a success, by delivery id.
    private var acceptedIsSuccess: [DeliveryID: Bool] = [:]
    private var rejectedIDs: Set<DeliveryID> = []
    /// The checkout of the batch's first success with each receipt, and the
    /// receipt of its first success for each checkout.
    private var checkoutByReceipt: [String: String] = [:]
    private var receiptByCheckout: [String: String] = [:]

    /// How many deliveries the plan holds.
    private(set) var count = 0

    init() {}

    init(_ deliveries: some Sequence<Delivery>) {
        for delivery in deliveries {
            add(delivery)
        }
    }

    /// Adds `delivery` to its statement's columns.
    mutating func add(_ delivery: Delivery) {
        count += 1
        switch delivery.verdict {
        case .accepted(let callback):
            acceptedIsSuccess[delivery.id] = callback.payment != nil
            let (checkoutOfReceipt, receiptOfCheckout) = firstInBatch(callback)
            acceptedColumns.deliveryID.append(delivery.id)
            acceptedColumns.receivedAt.append(Self.microseconds(delivery.receivedAt))
            acceptedColumns.source.append(delivery.sourceAddress)
            acceptedColumns.merchantRequestID.append(callback.merchantRequestID)
            acceptedColumns.checkoutRequestID.append(callback.checkoutRequestID)
            acceptedColumns.resultCode.append(callback.resultCode.text)
            acceptedColumns.resultDescription.append(callback.resultDescription)
            acceptedColumns.amount.append(callback.payment?.amount.minorUnits)
            acceptedColumns.receipt.append(callback.payment?.receiptNumber)
            acceptedColumns.transactionTime.append(
                callback.payment?.transactionTime.secondsSince1970)
            acceptedColumns.phone.append(callback.payment?.phoneNumber)
            acceptedColumns.body.append(bytes: delivery.body)
            acceptedColumns.checkoutOfReceipt.append(checkoutOfReceipt)
            acceptedColumns.receiptOfCheckout.append(receiptOfCheckout)
        case .rejected(let rejection):
            rejectedIDs.insert(delivery.id)
            rejectedColumns.deliveryID.append(delivery.id)
            rejectedColumns.receivedAt.append(Self.microseconds(delivery.receivedAt))
            rejectedColumns.source.append(delivery.sourceAddress)
            rejectedColumns.kind.append(rejection.kind.rawValue)
            rejectedColumns.reason.append(rejection.reason)
            rejectedColumns.body.append(bytes: delivery.body)
        }
    }

    /// The statements, one for the accepted callbacks and one for the
    /// rejected bodies, each only when it has rows, in that order.
    consuming func commands() -> (commands: [PostgresCommand], outcomes: OutcomeReader) {
        var commands: [PostgresCommand] = []
        if acceptedColumns.deliveryID.count > 0 {
            commands.append(
                PostgresCommand(CallbackStatements.recordCallbacks, acceptedColumns.finish()))
        }
        if rejectedColumns.deliveryID.count > 0 {
            commands.append(
                PostgresCommand(CallbackStatements.insertRejected, rejectedColumns.finish()))
        }
        return (
            commands,
            OutcomeReader(acceptedIsSuccess: acceptedIsSuccess, rejectedIDs: rejectedIDs)
        )
    }

    /// For a callback added after those already in the batch: the checkout
    /// of the batch's first success with the same receipt, and the receipt
    /// of its first success for the same checkout, each only where an
    /// earlier success took it (nil otherwise, the usual case, which the
    /// statement reads as the callback's own). The statement flags such a
    /// success.
    private mutating func firstInBatch(
        _ callback: StkCallback
    ) -> (checkoutOfReceipt: String?, receiptOfCheckout: String?) {
        guard let receipt = callback.payment?.receiptNumber else { return (nil, nil) }
        let checkout = callback.checkoutRequestID
        var checkoutOfReceipt: String?
        var receiptOfCheckout: String?
        if let first = checkoutByReceipt[receipt] {
            checkoutOfReceipt = first
        } else {
            checkoutByReceipt[receipt] = checkout
        }
        if let first = receiptByCheckout[checkout] {
            receiptOfCheckout = first
        } else {
            receiptByCheckout[checkout] = receipt
        }
        return (checkoutOfReceipt, receiptOfCheckout)
    }

    /// The statement that flags `unexplained` successes; its rows are the
    /// flagged callbacks' ids and reasons.
    static func flagging(_ unexplained: some Collection<Int64>) -> PostgresCommand {
        PostgresCommand(
            CallbackStatements.flagConflictingSuccesses, [PostgresArray.int8(unexplained)])
    }

    private static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
    }
}

/// What a committed batch did.
struct BatchOutcomes {
    /// What the transaction did with each delivery that it wrote for the
    /// first time; deliveries missing from the map were already stored.
    var recorded: [DeliveryID: CallbackRecorder.Recorded] = [:]
    /// Successes stored for the first time that added no payment and
    /// carry no reason: a transaction beside this one added a payment
    /// they conflict with (see `CallbackStatements.flagConflictingSuccesses`),
    /// or they repeat one of their batch-mates. By callback id.
    var unexplained: [Int64: DeliveryID] = [:]
}

/// Reads a batch's results back per delivery: the statements return the
/// delivery id of each row they stored for the first time.
struct OutcomeReader {
    let acceptedIsSuccess: [DeliveryID: Bool]
    let rejectedIDs: Set<DeliveryID>

    func outcomes(from results: [PostgresRows]) -> BatchOutcomes {
        var outcomes = BatchOutcomes()
        var remaining = results[...]
        if !acceptedIsSuccess.isEmpty, let rows = remaining.popFirst() {
            for row in rows.rows {
                guard let id = row[0].flatMap(DeliveryID.init(text:)),
                    let isSuccess = acceptedIsSuccess[id]
                else { continue }
                let recorded = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: row[1] == "t", reviewReason: row[2])
                outcomes.recorded[id] = recorded
                if isSuccess, !recorded.addedPayment, recorded.reviewReason == nil,
                    let callbackID = row[3].flatMap({ Int64($0) })
                {
                    outcomes.unexplained[callbackID] = id
                }
            }
        }
        if !rejectedIDs.isEmpty, let rows = remaining.popFirst() {
            for row in rows.rows {
                guard let id = row[0].flatMap(DeliveryID.init(text:)), rejectedIDs.contains(id)
                else { continue }
                outcomes.recorded[id] = CallbackRecorder.Recorded(
                    isNewDelivery: true, addedPayment: false, reviewReason: nil)
            }
        }
        return outcomes
    }
}
