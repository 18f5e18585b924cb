/// What a successful STK callback says about the payment, read from its `CallbackMetadata`.
public struct PaymentDetails: Sendable, Equatable {
    /// The amount paid (`Amount`).
    public var amount: Amount

    /// The M-Pesa transaction ID (`MpesaReceiptNumber`): ten characters, A-Z and 0-9.
    public var receiptNumber: String

    /// When M-Pesa completed the payment (`TransactionDate`), in Kenyan time.
    public var transactionTime: KenyanDateTime

    /// The payer's number as sent (`PhoneNumber`), which may be masked; nil when absent.
    public var phoneNumber: String?

    /// Creates payment details from values that have already been checked.
    public init(
        amount: Amount, receiptNumber: String, transactionTime: KenyanDateTime,
        phoneNumber: String?
    ) {
        self.amount = amount
        self.receiptNumber = receiptNumber
        self.transactionTime = transactionTime
        self.phoneNumber = phoneNumber
    }
}
