/// What a caller asks the sender to push, as given: command-line options or
/// the fields of a `POST /v1/stk-pushes` body, before any check.
public struct StkPushOrder: Sendable, Equatable {
    /// The payer's number in any usual form (`phone`).
    public var phone: String
    /// Whole shillings, as text such as `10` or `10.00` (`amount`).
    public var amount: String
    /// Shown to the payer in the prompt and the SMS (`reference`).
    public var accountReference: String
    /// `TransactionDesc` (`description`); `defaultDescription` when nil.
    public var transactionDescription: String?

    /// Sent when the caller gives no description: Daraja refuses an empty one.
    public static let defaultDescription = "Payment"

    public init(
        phone: String, amount: String, accountReference: String,
        transactionDescription: String? = nil
    ) {
        self.phone = phone
        self.amount = amount
        self.accountReference = accountReference
        self.transactionDescription = transactionDescription
    }
}

/// One reason an order cannot be sent, naming the field as the caller wrote it.
public struct StkPushProblem: Sendable, Equatable, CustomStringConvertible {
    /// The option or JSON field: `phone`, `amount`, `reference` or `description`.
    public let field: String
    /// What is wrong, in words the caller can act on; never quotes a phone number.
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String {
        "\(field): \(message)"
    }
}
