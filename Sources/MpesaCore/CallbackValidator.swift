/// Checks an STK callback body against the receiver's rules (POLICY.md) and reads it.
///
/// The checks run in a fixed order, and the first rule broken is the one reported: an empty
/// body, then its size, then UTF-8 and JSON syntax (including repeated keys and nesting depth),
/// then the structure, field by field in the order Safaricom writes them. The validator does
/// no I/O and keeps no state; it is safe to call from any thread.
public enum CallbackValidator {
    /// Validates a body held in a buffer, such as one an HTTP server owns.
    ///
    /// - Parameter body: The request body exactly as received. It is not retained.
    /// - Returns: The callback, or why it was refused.
    public static func validate(
        _ body: UnsafeRawBufferPointer
    ) -> Result<StkCallback, CallbackRejection> {
        guard !body.isEmpty else {
            return .failure(
                CallbackRejection(
                    kind: .emptyBody, reason: "the body is empty; a JSON object is required"))
        }
        guard body.count <= CallbackLimits.maximumBodyBytes else {
            return .failure(
                CallbackRejection(
                    kind: .tooLarge,
                    reason: "the body has \(body.count) bytes; at most "
                        + "\(CallbackLimits.maximumBodyBytes) are accepted"))
        }

        let tape: JSONTape
        do {
            tape = try StrictJSONParser.tape(of: body, maximumDepth: CallbackLimits.maximumDepth)
        } catch {
            return .failure(rejection(for: error))
        }

        return Result { () throws(CallbackRejection) in
            try readCallback(from: tape)
        }
    }

    /// Validates a body held in an array of bytes.
    public static func validate(_ body: [UInt8]) -> Result<StkCallback, CallbackRejection> {
        body.withUnsafeBytes { validate($0) }
    }

    /// The keys and item names of the callback schema: the only names a reason may quote.
    static let schemaNames: Set<String> = [
        "Body", "stkCallback", "MerchantRequestID", "CheckoutRequestID", "ResultCode",
        "ResultDesc", "CallbackMetadata", "Item", "Name", "Value", "Amount",
        "MpesaReceiptNumber", "Balance", "TransactionDate", "PhoneNumber",
    ]

    /// Turns a parser error into a rejection whose reason quotes no text from the body.
    static func rejection(for error: JSONSyntaxError) -> CallbackRejection {
        var path = error.path
        let location = " at byte \(error.byteOffset)"

        switch error.kind {
        case .notUTF8:
            return CallbackRejection(
                kind: .notUTF8, reason: "the body is not UTF-8\(location): \(error.message)")
        case .tooDeep:
            return CallbackRejection(
                kind: .tooDeep,
                reason: "objects and arrays are nested more than \(CallbackLimits.maximumDepth) "
                    + "levels deep\(location)\(describe(path, prefix: " in "))")
        case .duplicateKey:
            // The parser ends the path with the repeated key; the object is the rest of it.
            var repeatedKey = ""
            if case .key(let key) = path.components.last {
                repeatedKey = key
                path.components.removeLast()
            }
            let container = path.components.isEmpty ? "the top-level object" : render(path)
            let what =
                schemaNames.contains(repeatedKey)
                ? "the key \"\(repeatedKey)\" twice" : "a key twice"
            return CallbackRejection(
                kind: .duplicateKey, reason: "\(container) has \(what)\(location)")
        default:
            return CallbackRejection(
                kind: .invalidJSON,
                reason: "invalid JSON\(location)\(describe(path, prefix: " in ")): \(error.message)"
            )
        }
    }

    /// The path in dotted form, with any key outside the schema written as `<key>`.
    static func render(_ path: JSONPath) -> String {
        path.rendered(showingKey: { schemaNames.contains($0) })
    }

    private static func describe(_ path: JSONPath, prefix: String) -> String {
        path.components.isEmpty ? "" : prefix + render(path)
    }
}
