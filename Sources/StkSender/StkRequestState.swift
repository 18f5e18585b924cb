/// Where a push is in its life, as `mpesa.stk_requests.state` stores it.
public enum StkRequestState: String, Sendable, CaseIterable {
    /// Recorded; Daraja has not answered yet.
    case sending
    /// Daraja took it; the prompt is on the phone, nothing is paid yet.
    case accepted
    /// Daraja refused it, or it could not be sent: nothing will happen.
    case refused
    /// Sent, and no answer came back: it may have started. Never retried.
    case unknown
    /// Settled by a callback (or the query): paid.
    case paid
    /// Settled: not paid, with the result code.
    case failed
    /// The query says paid, but no callback has come.
    case paidWithoutCallback = "paid_without_callback"
}
