/// An M-Pesa Express (STK push) callback that passed ``CallbackValidator``.
public struct StkCallback: Sendable, Equatable {
    /// Safaricom's identifier of the merchant request (`MerchantRequestID`).
    public var merchantRequestID: String

    /// Safaricom's identifier of the push (`CheckoutRequestID`); it links the callback to the
    /// request that caused it.
    public var checkoutRequestID: String

    /// The outcome (`ResultCode`).
    public var resultCode: ResultCode

    /// Safaricom's prose for the outcome (`ResultDesc`); its wording drifts, never branch on it.
    public var resultDescription: String

    /// The payment, present exactly when ``resultCode`` is a success.
    public var payment: PaymentDetails?

    /// Creates a callback from values that have already been checked.
    public init(
        merchantRequestID: String, checkoutRequestID: String, resultCode: ResultCode,
        resultDescription: String, payment: PaymentDetails?
    ) {
        self.merchantRequestID = merchantRequestID
        self.checkoutRequestID = checkoutRequestID
        self.resultCode = resultCode
        self.resultDescription = resultDescription
        self.payment = payment
    }
}
