import MpesaCore
import Testing

@Suite("CallbackValidator: bytes and structure")
struct CallbackValidatorTests {
    @Test func readsARealSuccess() throws {
        let callback = try validate(CallbackBody()).get()
        #expect(callback.merchantRequestID == "29115-34620561-1")
        #expect(callback.checkoutRequestID == "ws_CO_191220191020363925")
        #expect(callback.resultCode == .number(0))
        #expect(callback.resultDescription == "The service request is processed successfully.")
        let payment = try #require(callback.payment)
        #expect(payment.amount.text == "1.00")
        #expect(payment.receiptNumber == "NLJ7RT61SV")
        #expect(payment.transactionTime.iso8601 == "2019-12-19T10:21:15+03:00")
        #expect(payment.phoneNumber == "254708374149")
    }

    @Test func readsTheSameFromABufferAndAnArray() {
        let bytes = CallbackBody().bytes
        let fromBuffer = bytes.withUnsafeBytes { CallbackValidator.validate($0) }
        #expect(fromBuffer == CallbackValidator.validate(bytes))
    }

    @Test func refusesAnEmptyBody() {
        #expect(CallbackValidator.validate([]).failure?.kind == .emptyBody)
        let empty = [UInt8]().withUnsafeBytes { CallbackValidator.validate($0) }
        #expect(empty.failure?.kind == .emptyBody)
    }

    @Test func acceptsExactly64KiBAndRefusesOneByteMore() {
        let body = CallbackBody().bytes
        let padding = CallbackLimits.maximumBodyBytes - body.count
        let largest =
            [UInt8(ascii: "{")] + [UInt8](repeating: 0x20, count: padding) + body.dropFirst()
        #expect(largest.count == 65_536)
        #expect(CallbackValidator.validate(largest).success != nil)

        let tooLarge = largest + [0x20]
        let rejection = CallbackValidator.validate(tooLarge).failure
        #expect(rejection?.kind == .tooLarge)
        #expect(rejection?.reason == "the body has 65537 bytes; at most 65536 are accepted")
    }

    @Test func checksTheSizeBeforeTheSyntax() {
        let garbage = [UInt8](repeating: 0xFF, count: 70_000)
        #expect(CallbackValidator.validate(garbage).failure?.kind == .tooLarge)
    }

    @Test func acceptsOneUTF8ByteOrderMark() {
        #expect(
            CallbackValidator.validate([0xEF, 0xBB, 0xBF] + CallbackBody().bytes).success != nil)
    }

    @Test func refusesUTF16() {
        let text = CallbackBody().text
        let littleEndian: [UInt8] =
            [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let bigEndian: [UInt8] = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(CallbackValidator.validate(littleEndian).failure?.kind == .notUTF8)
        #expect(CallbackValidator.validate(bigEndian).failure?.kind == .notUTF8)
    }

    @Test func refusesLatin1AndOverlongUTF8() {
        var body = CallbackBody.failure()
        body.resultDescription = "\"Caf\u{E9}\""
        let latin1 = Array(body.text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        #expect(CallbackValidator.validate(latin1).failure?.kind == .notUTF8)

        let overlong =
            Array(#"{"Body":{"stkCallback":{"ResultDesc":""#.utf8) + [0xC0, 0xAF]
            + Array(#""}}}"#.utf8)
        #expect(CallbackValidator.validate(overlong).failure?.kind == .notUTF8)
    }

    @Test(arguments: [
        (#"{"Body":1,}"#, CallbackRejection.Kind.invalidJSON),
        (#"{"Body":{}} // done"#, .invalidJSON),
        (#"{'Body':{}}"#, .invalidJSON),
        (#"{"Body":NaN}"#, .invalidJSON),
        (#"{"Body":{}} x"#, .invalidJSON),
        (#"{"Body":{}}{"Body":{}}"#, .invalidJSON),
        (#"{"Body":"\ud800"}"#, .invalidJSON),
        (#"[]"#, .wrongType),
        (#""Body""#, .wrongType),
        ("null", .wrongType),
        ("7", .wrongType),
    ])
    func refusesAnythingButOneStrictJSONObject(_ text: String, _ kind: CallbackRejection.Kind) {
        #expect(validate(text).failure?.kind == kind)
    }

    @Test func acceptsSixteenLevelsAndRefusesSeventeen() {
        // The callback itself is 3 levels deep where the extra member sits.
        func body(depth: Int) -> String {
            let inner =
                String(repeating: "[", count: depth - 3) + String(repeating: "]", count: depth - 3)
            return CallbackBody().text.replacingOccurrences(
                of: #""ResultCode""#, with: #""Extra":\#(inner),"ResultCode""#)
        }
        #expect(validate(body(depth: 16)).success != nil)
        #expect(validate(body(depth: 17)).failure?.kind == .tooDeep)
        #expect(validate(String(repeating: "[", count: 60_000)).failure?.kind == .tooDeep)
    }

    @Test func refusesRepeatedKeysAtEveryDepth() {
        let top = #"{"Body":{},"Body":{}}"#
        var deep = CallbackBody()
        deep.items[0] = #"{"Name":"Amount","Value":1,"Value":2}"#
        var escaped = CallbackBody.failure()
        escaped.resultDescription = #""a","\u0052esultDesc":"b""#
        var unknownButRepeated = CallbackBody.failure()
        unknownButRepeated.resultDescription = #""a","Extra":{"x":1,"x":1}"#

        #expect(validate(top).failure?.kind == .duplicateKey)
        #expect(validate(deep).failure?.kind == .duplicateKey)
        #expect(validate(escaped).failure?.kind == .duplicateKey)
        #expect(validate(unknownButRepeated).failure?.kind == .duplicateKey)
    }

    @Test func requiresBodyAndStkCallbackObjects() {
        #expect(validate(#"{"body":{}}"#).failure?.reason == "Body: required but missing")
        #expect(
            validate(#"{"Body":[]}"#).failure?.reason == "Body: expected an object, got an array")
        #expect(
            validate(#"{"Body":{"StkCallback":{}}}"#).failure?.reason
                == "Body.stkCallback: required but missing")
        #expect(
            validate(#"{"Body":{"stkCallback":"ok"}}"#).failure?.reason
                == "Body.stkCallback: expected an object, got a string")
        #expect(
            validate(#"{"Body":{"stkCallback":{}}}"#).failure?.reason
                == "Body.stkCallback.MerchantRequestID: required but missing")
    }

    @Test func readsKeysWrittenWithEscapes() throws {
        let plain = try validate(CallbackBody()).get()
        let escaped = CallbackBody().text
            .replacingOccurrences(of: #""Body""#, with: #""\u0042ody""#)
            .replacingOccurrences(of: #""ResultCode""#, with: #""Result\u0043ode""#)
            .replacingOccurrences(of: #""Value""#, with: #""\u0056alue""#)
            .replacingOccurrences(of: #""Name":"Amount""#, with: #""Name":"\u0041mount""#)
        #expect(try validate(escaped).get() == plain)
    }

    @Test func ignoresUnknownKeysAtEveryLevel() throws {
        var body = CallbackBody()
        body.resultDescription = #""ok","Unknown":{"deep":[1,{"x":null}]},"resultcode":"x""#
        body.items.append(#"{"Name":"Extra","Value":{"a":[true]},"Other":1}"#)
        body.callbackMetadata = #"{"Item":[\#(body.items.joined(separator: ","))],"Note":"x"}"#
        let text = body.text.replacingOccurrences(of: #"{"Body":"#, with: #"{"Version":2,"Body":"#)
            .replacingOccurrences(of: #""stkCallback":"#, with: #""Tracing":"on","stkCallback":"#)
        #expect(validate(text).success?.payment?.amount == Amount(minorUnits: 100))
    }

    @Test(arguments: ["MerchantRequestID", "CheckoutRequestID"])
    func checksRequestIdentifiers(_ key: String) {
        func rejection(_ value: String?) -> CallbackRejection? {
            var body = CallbackBody.failure()
            if key == "MerchantRequestID" {
                body.merchantRequestID = value
            } else {
                body.checkoutRequestID = value
            }
            return validate(body).failure
        }
        let path = "Body.stkCallback.\(key)"

        #expect(rejection(nil)?.reason == "\(path): required but missing")
        #expect(rejection("12345")?.reason == "\(path): expected a string, got a number")
        #expect(rejection("null")?.kind == .wrongType)
        #expect(rejection(#""""#)?.reason == "\(path): must not be empty")
        #expect(rejection("\"\(String(repeating: "x", count: 64))\"") == nil)
        #expect(
            rejection("\"\(String(repeating: "x", count: 65))\"")?.reason
                == "\(path): must be at most 64 characters long")
        // Length counts Unicode scalars, not bytes: 64 "é" are 128 bytes and still fit.
        #expect(rejection("\"\(String(repeating: "é", count: 64))\"") == nil)
        #expect(rejection("\"\(String(repeating: "é", count: 65))\"")?.kind == .invalidValue)
        for control in [
            #"\u0000"#, #"\u0001"#, #"\n"#, #"\u001f"#, #"\u007f"#, #"\u0080"#, #"\u009f"#,
        ] {
            #expect(
                rejection(#""ws_CO_\#(control)1""#)?.reason
                    == "\(path): must not contain control characters", "\(control)")
        }
        #expect(rejection(#""ws_CO_\u00a0é€😀""#) == nil)
    }

    @Test func checksTheResultDescription() {
        func rejection(_ value: String?) -> CallbackRejection? {
            var body = CallbackBody.failure()
            body.resultDescription = value
            return validate(body).failure
        }
        let path = "Body.stkCallback.ResultDesc"

        #expect(rejection(nil)?.reason == "\(path): required but missing")
        #expect(rejection("1032")?.reason == "\(path): expected a string, got a number")
        #expect(rejection(#""""#) == nil)
        #expect(rejection("\"\(String(repeating: "d", count: 1_024))\"") == nil)
        #expect(
            rejection("\"\(String(repeating: "d", count: 1_025))\"")?.reason
                == "\(path): must be at most 1024 characters long")
        #expect(rejection("\"\(String(repeating: "ü", count: 1_024))\"") == nil)
        #expect(rejection(#""[STK_CB - ]Request\ncancelled\tby user\u0085""#) == nil)
        #expect(
            rejection(#""Request\u0000cancelled""#)?.reason
                == "\(path): must not contain U+0000 (NUL)")
    }

    @Test func keepsTextExactlyAsSent() throws {
        var body = CallbackBody.failure()
        body.merchantRequestID = #""  spaced \u00e9 ""#
        body.resultDescription = #""[STK_CB - ]Request cancelled by user\n""#
        let callback = try validate(body).get()
        #expect(callback.merchantRequestID == "  spaced é ")
        #expect(callback.resultDescription == "[STK_CB - ]Request cancelled by user\n")
    }
}
