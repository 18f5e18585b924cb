extension CallbackValidator {
    /// Reads the callback out of a parsed body, checking each field in the order Safaricom
    /// writes them.
    static func readCallback(from document: JSONValue) throws(CallbackRejection) -> StkCallback {
        guard case .object(let root) = document else {
            throw .wrongType("the top-level value", expected: "an object", found: document)
        }
        let body = try requiredObject(root["Body"], at: "Body")
        let callback = try requiredObject(body["stkCallback"], at: "Body.stkCallback")

        let merchantRequestID = try identifier(
            callback["MerchantRequestID"], at: "Body.stkCallback.MerchantRequestID")
        let checkoutRequestID = try identifier(
            callback["CheckoutRequestID"], at: "Body.stkCallback.CheckoutRequestID")
        let resultCode = try resultCode(callback["ResultCode"])
        let resultDescription = try resultDescription(callback["ResultDesc"])

        // Metadata describes a payment; with any other code it is not even looked at, so a
        // failure is recorded whatever it carries.
        var payment: PaymentDetails?
        if resultCode.isSuccess {
            payment = try paymentDetails(callback["CallbackMetadata"])
        }

        return StkCallback(
            merchantRequestID: merchantRequestID, checkoutRequestID: checkoutRequestID,
            resultCode: resultCode, resultDescription: resultDescription, payment: payment)
    }

    static func requiredObject(
        _ value: JSONValue?, at path: String
    ) throws(CallbackRejection) -> JSONObject {
        guard let value else {
            throw .missing(path)
        }
        guard case .object(let object) = value else {
            throw .wrongType(path, expected: "an object", found: value)
        }
        return object
    }

    /// A request identifier: a non-empty string of at most 64 scalars without control
    /// characters.
    private static func identifier(
        _ value: JSONValue?, at path: String
    ) throws(CallbackRejection) -> String {
        guard let value else {
            throw .missing(path)
        }
        guard case .string(let text) = value else {
            throw .wrongType(path, expected: "a string", found: value)
        }
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

    private static func resultCode(_ value: JSONValue?) throws(CallbackRejection) -> ResultCode {
        let path = "Body.stkCallback.ResultCode"
        switch value {
        case nil:
            throw .missing(path)
        case .number(let number):
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
        case .string(let text):
            return try textResultCode(text, at: path)
        case let other?:
            throw .wrongType(path, expected: "an integer", found: other)
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
        _ value: JSONValue?
    ) throws(CallbackRejection) -> String {
        let path = "Body.stkCallback.ResultDesc"
        guard let value else {
            throw .missing(path)
        }
        guard case .string(let text) = value else {
            throw .wrongType(path, expected: "a string", found: value)
        }
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
