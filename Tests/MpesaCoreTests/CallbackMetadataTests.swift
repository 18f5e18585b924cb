import MpesaCore
import Testing

@Suite("CallbackMetadata")
struct CallbackMetadataTests {
    private static let items = "Body.stkCallback.CallbackMetadata.Item"

    @Test(arguments: [
        #""not an object""#, "null", "[]", #"{"Item":"x"}"#, #"{"Item":[]}"#, #"{"Item":[1,2]}"#,
        #"{"Item":[{"Name":"Amount","Value":-1}]}"#,
        #"{"Item":[{"Name":"Amount"},{"Name":"Amount"}]}"#,
    ])
    func isIgnoredForAFailureCode(_ metadata: String) throws {
        for code in ["1032", "1", #""SFC_IC0003""#] {
            var body = CallbackBody.failure(code: code)
            body.hasCallbackMetadata = true
            body.callbackMetadata = metadata
            let callback = try validate(body).get()
            #expect(callback.payment == nil)
            #expect(!callback.resultCode.isSuccess)
        }
    }

    @Test func ignoresAValidPaymentOnAFailureCode() throws {
        var body = CallbackBody()
        body.resultCode = "1032"
        #expect(try validate(body).get().payment == nil)
    }

    @Test func isRequiredForSuccess() {
        var body = CallbackBody()
        body.hasCallbackMetadata = false
        let rejection = validate(body).failure
        #expect(rejection?.kind == .missingField)
        #expect(
            rejection?.reason
                == "Body.stkCallback.CallbackMetadata: required when ResultCode is 0, but missing")
    }

    @Test(arguments: [
        ("[]", "Body.stkCallback.CallbackMetadata: expected an object, got an array"),
        ("{}", "\(items): required but missing"),
        (#"{"item":[]}"#, "\(items): required but missing"),
        (#"{"Item":{}}"#, "\(items): expected an array, got an object"),
        (#"{"Item":[]}"#, "\(items): must hold at least one item"),
        (#"{"Item":[[]]}"#, "\(items)[0]: expected an object, got an array"),
        (#"{"Item":[{"Value":1}]}"#, "\(items)[0].Name: required but missing"),
        (#"{"Item":[{"name":"Amount"}]}"#, "\(items)[0].Name: required but missing"),
        (#"{"Item":[{"Name":7}]}"#, "\(items)[0].Name: expected a string, got a number"),
        (#"{"Item":[{"Name":""}]}"#, "\(items)[0].Name: must not be empty"),
    ])
    func checksTheShapeOfTheItems(_ metadata: String, _ reason: String) {
        var body = CallbackBody()
        body.callbackMetadata = metadata
        #expect(validate(body).failure?.reason == reason)
    }

    @Test func refusesTwoItemsWithTheSameName() {
        var body = CallbackBody()
        body.items.append(CallbackBody.item("Amount", "1000"))
        #expect(
            validate(body).failure?.reason
                == #"\#(Self.items)[5].Name: repeats "Amount" of Item[0]"#)

        var unknown = CallbackBody()
        unknown.items += [CallbackBody.item("Tip", "1"), CallbackBody.item("Tip", "2")]
        #expect(
            validate(unknown).failure?.reason
                == "\(Self.items)[6].Name: repeats the name of Item[5]")

        var escaped = CallbackBody()
        escaped.items.append(#"{"Name":"\u0041mount","Value":1000}"#)
        #expect(
            validate(escaped).failure?.reason
                == #"\#(Self.items)[5].Name: repeats "Amount" of Item[0]"#)

        let many = (0..<40).map { CallbackBody.item("Extra\($0)", "\($0)") }
        var long = CallbackBody()
        long.items += many + [CallbackBody.item("Extra3", "0")]
        #expect(
            validate(long).failure?.reason == "\(Self.items)[45].Name: repeats the name of Item[8]")
        long.items.removeLast()
        #expect(validate(long).success != nil)
    }

    @Test func findsItemsByNameInAnyOrder() throws {
        let expected = try validate(CallbackBody()).get().payment
        var body = CallbackBody()
        body.items = body.items.reversed() + [CallbackBody.item("Unknown", #"{"x":[1]}"#)]
        #expect(try validate(body).get().payment == expected)
        var generator = SeededGenerator(seed: 7)
        body.items.shuffle(using: &generator)
        #expect(try validate(body).get().payment == expected)
    }

    @Test func matchesNamesExactly() {
        let body = CallbackBody().removingItem("Amount") + CallbackBody.item("amount", "1")
        #expect(validate(body).failure?.reason == #"\#(Self.items): no item is named "Amount""#)
    }

    @Test(arguments: ["Amount", "MpesaReceiptNumber", "TransactionDate"])
    func requiresTheItemsOfAPayment(_ name: String) {
        let missing = CallbackBody().removingItem(name)
        #expect(
            validate(missing).failure?.reason == #"\#(Self.items): no item is named "\#(name)""#)

        let withoutValue = CallbackBody().settingItem(name, to: nil)
        let rejection = validate(withoutValue).failure
        #expect(rejection?.kind == .missingField)
        #expect(rejection?.reason.hasSuffix(".Value (\(name)): required but missing") == true)
    }

    @Test(arguments: [#"32009.9"#, #""32009.90""#, "null", "{}", "[1]", "true", nil] as [String?])
    func ignoresTheBalance(_ value: String?) {
        #expect(validate(CallbackBody().settingItem("Balance", to: value)).success != nil)
        #expect(validate(CallbackBody().removingItem("Balance")).success != nil)
    }
}

extension CallbackBody {
    /// The body with one more item.
    static func + (body: CallbackBody, item: String) -> CallbackBody {
        var body = body
        body.items.append(item)
        return body
    }
}
