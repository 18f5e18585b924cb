import MpesaCore

/// A push the simulator accepted, and what it will do with it.
struct SimulatedPush {
    let merchantRequestID: String
    let checkoutRequestID: String
    let push: CheckedPush
    let outcome: SimulatedOutcome
    /// When the simulated customer has answered: the query reports the
    /// outcome from then on, and the callback is posted then.
    let answeredAt: ContinuousClock.Instant
    /// Queries answered while the customer had not answered.
    var pendingQueries = 0

    /// The callback Safaricom would post for this push, paid at `time`.
    func callback(receiptNumber: String, time: KenyanDateTime) -> StkCallback {
        let result = outcome.result
        let payment =
            result.code == 0
            ? PaymentDetails(
                amount: Amount(minorUnits: push.amount * 100), receiptNumber: receiptNumber,
                transactionTime: time, phoneNumber: push.phoneNumber)
            : nil
        return StkCallback(
            merchantRequestID: merchantRequestID, checkoutRequestID: checkoutRequestID,
            resultCode: .number(result.code), resultDescription: result.description,
            payment: payment)
    }
}
