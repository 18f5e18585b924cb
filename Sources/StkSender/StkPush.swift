import MpesaCore

/// A push that passed every check made before sending: the values that go
/// into Daraja's request and into `mpesa.stk_requests`.
public struct StkPush: Sendable, Equatable {
    /// `PartyA` and `PhoneNumber`.
    public let phoneNumber: PhoneNumber
    /// Whole shillings, at least 1.
    public let amount: Amount
    /// `AccountReference`, 1 to 12 characters.
    public let accountReference: String
    /// `TransactionDesc`, 1 to 13 characters.
    public let transactionDescription: String

    /// The longest `AccountReference` Daraja takes; a longer one can be
    /// accepted and then never reach the phone.
    public static let maximumReferenceLength = 12
    /// The longest `TransactionDesc` Daraja takes.
    public static let maximumDescriptionLength = 13
    /// `numeric(14, 2)` in `mpesa.stk_requests` holds twelve integer digits.
    static let maximumAmountDigits = 12

    /// Checks every field of `order` and reports every problem at once.
    ///
    /// - Returns: the push, or each problem found, in field order.
    public static func validate(_ order: StkPushOrder) -> Result<StkPush, StkPushInvalid> {
        var problems: [StkPushProblem] = []
        let phoneNumber = PhoneNumber(normalizing: order.phone)
        if phoneNumber == nil {
            problems.append(
                StkPushProblem(field: "phone", message: "not \(PhoneNumber.expectedForms)"))
        }
        let amount = wholeShillings(order.amount, problems: &problems)
        let reference = order.accountReference
        problems += textProblems(
            reference, field: "reference", name: "AccountReference",
            maximumLength: maximumReferenceLength)
        let description = order.transactionDescription ?? StkPushOrder.defaultDescription
        problems += textProblems(
            description, field: "description", name: "TransactionDesc",
            maximumLength: maximumDescriptionLength)

        guard problems.isEmpty, let phoneNumber, let amount else {
            return .failure(StkPushInvalid(problems: problems))
        }
        return .success(
            StkPush(
                phoneNumber: phoneNumber, amount: amount, accountReference: reference,
                transactionDescription: description))
    }

    /// The amount when it is a whole number of shillings from 1 up.
    private static func wholeShillings(
        _ text: String, problems: inout [StkPushProblem]
    ) -> Amount? {
        func refuse(_ message: String) -> Amount? {
            problems.append(StkPushProblem(field: "amount", message: message))
            return nil
        }
        guard let amount = Amount(text: text) else {
            return refuse("not a plain number of shillings, such as 10")
        }
        guard amount.minorUnits % 100 == 0 else {
            // Rounding money is not ours to do; Daraja refuses cents.
            return refuse("must be whole shillings: Daraja takes no cents")
        }
        guard amount.minorUnits >= 100 else {
            return refuse("must be at least 1 shilling")
        }
        guard String(amount.minorUnits / 100).count <= maximumAmountDigits else {
            return refuse("has more than \(maximumAmountDigits) digits")
        }
        return amount
    }

    /// Problems with a text field shown to the payer.
    ///
    /// Letters, digits, spaces and `- . _` only: other characters such as
    /// `@ # &` have made Daraja accept a push that never reached the phone.
    static func textProblems(
        _ text: String, field: String, name: String, maximumLength: Int
    ) -> [StkPushProblem] {
        func problem(_ message: String) -> [StkPushProblem] {
            [StkPushProblem(field: field, message: "\(name) \(message)")]
        }
        guard !text.isEmpty else {
            return problem("must not be empty")
        }
        guard text.count <= maximumLength else {
            return problem("has \(text.count) characters; at most \(maximumLength) are allowed")
        }
        guard text.unicodeScalars.allSatisfy(isAllowed) else {
            return problem("may hold only letters A-Z, digits, spaces and - . _")
        }
        guard text.first != " ", text.last != " " else {
            return problem("must not start or end with a space")
        }
        return []
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", " ", "-", ".", "_": true
        default: false
        }
    }
}

/// An order that failed the checks made before sending; nothing was
/// recorded or sent.
public struct StkPushInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every problem found, in field order; never empty.
    public let problems: [StkPushProblem]

    public init(problems: [StkPushProblem]) {
        self.problems = problems
    }

    /// Every problem, separated by semicolons.
    public var description: String {
        problems.map(\.description).joined(separator: "; ")
    }
}
