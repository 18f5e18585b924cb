import MpesaCore
import Testing

/// Reasons are logged and stored, so they must help a person and leak nothing from the body.
@Suite("Rejection reasons")
struct RejectionReasonTests {
    /// A payer number and a string an attacker controls; neither may appear in any reason.
    private static let phone = "254799988877"
    private static let marker = "EVIL\\nLINE"

    /// Bad bodies that all carry the phone number or the marker where the problem is.
    static let leakyBodies: [String] = {
        let phone = Self.phone
        let marker = Self.marker
        var cases: [CallbackBody] = []
        var body = CallbackBody()

        body = CallbackBody()
        body.resultCode = "\"\(phone)\""
        cases.append(body)
        body = CallbackBody()
        body.resultCode = "-\(phone)"
        cases.append(body)
        body = CallbackBody()
        body.resultCode = "\"\(marker)\u{7}\""
        cases.append(body)
        body = CallbackBody()
        body.merchantRequestID = "\"\(marker)\\u0001\(phone)\""
        cases.append(body)
        body = CallbackBody()
        body.checkoutRequestID = "\"\(String(repeating: phone, count: 6))\""
        cases.append(body)
        body = CallbackBody()
        body.resultDescription = "\"\(marker) \(phone)\\u0000\""
        cases.append(body)
        cases.append(CallbackBody().settingItem("Amount", to: "\"\(phone) KES\""))
        cases.append(CallbackBody().settingItem("Amount", to: "-\(phone)"))
        cases.append(CallbackBody().settingItem("Amount", to: "\(phone)00000"))
        cases.append(CallbackBody().settingItem("MpesaReceiptNumber", to: "\"\(phone)\""))
        cases.append(CallbackBody().settingItem("TransactionDate", to: "\"\(phone)\""))
        cases.append(CallbackBody().settingItem("PhoneNumber", to: "-\(phone)"))
        cases.append(CallbackBody().settingItem("PhoneNumber", to: "\"\(phone)\\u0007\""))
        cases.append(
            CallbackBody().settingItem(
                "PhoneNumber", to: "\"\(String(repeating: phone, count: 6))\""))
        cases.append(CallbackBody() + CallbackBody.item(phone, "1") + CallbackBody.item(phone, "2"))
        cases.append(
            CallbackBody() + CallbackBody.item(marker, "1") + CallbackBody.item(marker, "2"))

        var texts = cases.map(\.text)
        // Keys that are not schema names, in syntax, depth and duplicate-key errors.
        texts.append(#"{"Body":{"\#(phone)":1,"\#(phone)":2}}"#)
        texts.append(#"{"\#(marker)":{"x":1,"x":2}}"#)
        texts.append(#"{"Body":{"\#(phone)":{"\#(marker)":tru}}}"#)
        texts.append(#"{"Body":{"\#(phone)":[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]}}"#)
        texts.append(#"{"Body":{"stkCallback":{"PhoneNumber":\#(phone),}}}"#)
        texts.append(#"{"Body":"\#(phone)"} \#(phone)"#)
        texts.append(#"{"Body":"\#(phone)\u"}"#)
        texts.append(#"{"Body":\#(phone)x}"#)
        texts.append(#"[{"Body":"\#(phone)"}]"#)
        texts.append(#""\#(phone)""#)
        return texts
    }()

    @Test(arguments: leakyBodies)
    func neverRepeatBodyValues(_ text: String) throws {
        let rejection = try #require(validate(text).failure, "the body must be refused")
        for leak in [Self.phone, "99988877", Self.marker, "EVIL", "KES"] {
            #expect(!rejection.reason.contains(leak), "\(rejection)")
        }
        #expect(!rejection.reason.contains("\n"))
    }

    @Test func neverRepeatInvalidBytes() throws {
        let bytes = Array(#"{"Body":"caf"#.utf8) + [0xE9, 0x0A] + Array(#"evil"}"#.utf8)
        let rejection = try #require(CallbackValidator.validate(bytes).failure)
        #expect(rejection.reason == "the body is not UTF-8 at byte 12: an invalid byte sequence")
    }

    @Test func nameTheFirstRuleBroken() {
        var body = CallbackBody()
        body.checkoutRequestID = nil
        body.resultCode = #""0""#
        body.items = [CallbackBody.item("Amount", "-1")]
        #expect(
            validate(body).failure?.reason
                == "Body.stkCallback.CheckoutRequestID: required but missing")
    }

    @Test func quoteOnlySchemaNames() {
        #expect(
            validate(#"{"Body":{},"Body":{}}"#).failure?.reason
                == #"the top-level object has the key "Body" twice at byte 11"#)
        #expect(
            validate(#"{"Body":{"stkCallback":{"x":1,"x":2}}}"#).failure?.reason
                == "Body.stkCallback has a key twice at byte 30")
        #expect(
            validate(#"{"Body":{"zz":{"Name":1,"Name":2}}}"#).failure?.reason
                == "Body.<key> has the key \"Name\" twice at byte 24")
    }

    @Test func followThePolicysExample() {
        var body = CallbackBody.failure()
        body.resultCode = #""0""#
        let rejection = validate(body).failure
        #expect(rejection?.kind == .wrongType)
        #expect(
            rejection?.reason.hasPrefix(
                "Body.stkCallback.ResultCode: expected an integer, got a string") == true)
    }

    @Test func describeSyntaxErrorsWithOffsetAndPath() {
        #expect(
            validate(#"{"Body":{"stkCallback":{"ResultCode":01}}}"#).failure?.reason
                == "invalid JSON at byte 38 in Body.stkCallback.ResultCode: "
                + "a number must not have a leading zero")
        #expect(
            validate("Body=1").failure?.reason
                == "invalid JSON at byte 0: a JSON value was expected")
        #expect(
            validate(#"{"Body":{"stkCallback":{"ResultDesc":"a",}}}"#).failure?.reason
                == "invalid JSON at byte 41 in Body.stkCallback: a trailing comma before '}'")
    }

    @Test func describeDepthErrors() {
        let deep = #"{"Body":{"stkCallback":{"Extra":[[[[[[[[[[[[[[]]]]]]]]]]]]]]}}}"#
        let rejection = validate(deep).failure
        #expect(rejection?.kind == .tooDeep)
        let expected =
            "objects and arrays are nested more than 16 levels deep at byte 45 in "
            + "Body.stkCallback.<key>[0]"
        #expect(rejection?.reason.hasPrefix(expected) == true)
    }

    @Test func printKindAndReason() {
        let rejection = CallbackRejection(kind: .missingField, reason: "Body: required but missing")
        #expect(rejection.description == "missing_field: Body: required but missing")
    }

    @Test func keepMetricLabelsStable() {
        #expect(
            CallbackRejection.Kind.allCases.map(\.rawValue) == [
                "empty_body", "not_utf8", "invalid_json", "duplicate_key", "too_deep", "too_large",
                "missing_field", "wrong_type", "invalid_value", "not_storable",
            ])
    }
}
