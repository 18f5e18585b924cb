extension CallbackValidator {
    /// Reads the callback out of a checked document, field by field in the order Safaricom
    /// writes them.
    static func readCallback(from tape: JSONTape) throws(CallbackRejection) -> StkCallback {
        guard tape.kind(at: 0) == .object else {
            throw .wrongType(
                "the top-level value", expected: "an object", found: tape.typeDescription(at: 0))
        }
        let body = try requiredObject(tape, tape.member(of: 0, named: "Body"), at: "Body")
        let callback = try requiredObject(
            tape, tape.member(of: body, named: "stkCallback"), at: "Body.stkCallback")

        let merchantRequestID = try identifier(
            tape, tape.member(of: callback, named: "MerchantRequestID"),
            at: "Body.stkCallback.MerchantRequestID")
        let checkoutRequestID = try identifier(
            tape, tape.member(of: callback, named: "CheckoutRequestID"),
            at: "Body.stkCallback.CheckoutRequestID")
        let resultCode = try resultCode(tape, tape.member(of: callback, named: "ResultCode"))
        let resultDescription = try resultDescription(
            tape, tape.member(of: callback, named: "ResultDesc"))

        // Metadata describes a payment; with any other code it is not even looked at, so a
        // failure is recorded whatever it carries.
        var payment: PaymentDetails?
        if resultCode.isSuccess {
            payment = try paymentDetails(tape, tape.member(of: callback, named: "CallbackMetadata"))
        }

        return StkCallback(
            merchantRequestID: merchantRequestID, checkoutRequestID: checkoutRequestID,
            resultCode: resultCode, resultDescription: resultDescription, payment: payment)
    }

    /// The node of a required object.
    static func requiredObject(
        _ tape: JSONTape, _ node: Int?, at path: String
    ) throws(CallbackRejection) -> Int {
        guard let node else {
            throw .missing(path)
        }
        guard tape.kind(at: node) == .object else {
            throw .wrongType(path, expected: "an object", found: tape.typeDescription(at: node))
        }
        return node
    }

    /// A request identifier: a non-empty string of at most 64 scalars without control
    /// characters.
    private static func identifier(
        _ tape: JSONTape, _ node: Int?, at path: String
    ) throws(CallbackRejection) -> String {
        guard let node else {
            throw .missing(path)
        }
        guard tape.kind(at: node) == .string else {
            throw .wrongType(path, expected: "a string", found: tape.typeDescription(at: node))
        }
        let text = tape.string(at: node)
        guard !text.isEmpty else {
            throw .invalid(path, "must not be empty")
        }
        let facts = TextFacts(text)
        guard facts.scalarCount <= CallbackLimits.maximumIdentifierLength else {
            throw .invalid(
                path, "must be at most \(CallbackLimits.maximumIdentifierLength) characters long")
        }
        guard !facts.hasControlCharacter else {
            throw .invalid(path, "must not contain control characters")
        }
        return text
    }

    private static func resultCode(
        _ tape: JSONTape, _ node: Int?
    ) throws(CallbackRejection) -> ResultCode {
        let path = "Body.stkCallback.ResultCode"
        guard let node else {
            throw .missing(path)
        }
        switch tape.kind(at: node) {
        case .number:
            let number = tape.number(at: node)
            guard !number.isNegative else {
                throw .invalid(path, "must not be negative")
            }
            guard number.isIntegerLiteral else {
                throw .invalid(path, "must be an integer written without a fraction or exponent")
            }
            guard let code = number.int64Value.flatMap({ Int32(exactly: $0) }) else {
                throw .invalid(path, "must be at most \(Int32.max)")
            }
            return .number(code)
        case .string:
            return try textResultCode(tape.string(at: node), at: path)
        default:
            throw .wrongType(path, expected: "an integer", found: tape.typeDescription(at: node))
        }
    }

    /// A result code written as a string, such as `SFC_IC0003`, which is always a failure.
    private static func textResultCode(
        _ text: String, at path: String
    ) throws(CallbackRejection) -> ResultCode {
        guard !text.isEmpty else {
            throw .invalid(path, "must not be an empty string")
        }
        // A number in quotes is refused rather than guessed at: "0" must never become a success
        // and must not be stored as a failure code that reads like one.
        guard !TextFacts.looksNumeric(text) else {
            throw CallbackRejection(
                kind: .wrongType,
                reason: "\(path): expected an integer, got a string (a number in quotes is not "
                    + "accepted)")
        }
        let facts = TextFacts(text)
        guard facts.scalarCount <= CallbackLimits.maximumResultCodeTextLength else {
            throw .invalid(
                path,
                "a result code string must be at most "
                    + "\(CallbackLimits.maximumResultCodeTextLength) characters long")
        }
        guard !facts.hasControlCharacter else {
            throw .invalid(path, "must not contain control characters")
        }
        return .text(text)
    }

    private static func resultDescription(
        _ tape: JSONTape, _ node: Int?
    ) throws(CallbackRejection) -> String {
        let path = "Body.stkCallback.ResultDesc"
        guard let node else {
            throw .missing(path)
        }
        guard tape.kind(at: node) == .string else {
            throw .wrongType(path, expected: "a string", found: tape.typeDescription(at: node))
        }
        let text = tape.string(at: node)
        let facts = TextFacts(text)
        guard facts.scalarCount <= CallbackLimits.maximumResultDescriptionLength else {
            throw .invalid(
                path,
                "must be at most \(CallbackLimits.maximumResultDescriptionLength) characters long")
        }
        // Other control characters are harmless prose; NUL cannot be stored in PostgreSQL text.
        guard !facts.hasNUL else {
            throw .invalid(path, "must not contain U+0000 (NUL)")
        }
        return text
    }
}
