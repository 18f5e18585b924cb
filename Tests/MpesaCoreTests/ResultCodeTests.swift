import MpesaCore
import Testing

@Suite("ResultCode")
struct ResultCodeTests {
    private func result(_ code: String?) -> Result<StkCallback, CallbackRejection> {
        var body = CallbackBody.failure()
        body.resultCode = code
        return validate(body)
    }

    @Test(
        arguments: [("0", 0), ("1", 1), ("1032", 1_032), ("2147483647", Int32.max)]
            as [(String, Int32)])
    func readsIntegersUpToInt32Max(_ literal: String, _ code: Int32) throws {
        var body = CallbackBody()
        body.resultCode = literal
        #expect(try validate(body).get().resultCode == .number(code))
    }

    @Test func treatsOnlyZeroAsSuccess() {
        #expect(ResultCode.number(0).isSuccess)
        #expect(!ResultCode.number(1).isSuccess)
        #expect(!ResultCode.number(1_032).isSuccess)
        #expect(!ResultCode.text("0 ").isSuccess)
        #expect(!ResultCode.text("SFC_IC0003").isSuccess)
    }

    @Test func givesTheTextToStore() {
        #expect(ResultCode.number(0).text == "0")
        #expect(ResultCode.number(1_032).text == "1032")
        #expect(ResultCode.text("SFC_IC0003").text == "SFC_IC0003")
        #expect(ResultCode.number(2_001).description == "2001")
    }

    @Test func readsANonNumericStringAsAFailure() throws {
        let callback = try result(#""SFC_IC0003""#).get()
        #expect(callback.resultCode == .text("SFC_IC0003"))
        #expect(!callback.resultCode.isSuccess)
        #expect(callback.payment == nil)
    }

    @Test(arguments: ["2147483648", "9223372036854775808", "99999999999999999999999"])
    func refusesCodesAboveInt32Max(_ literal: String) {
        #expect(
            result(literal).failure?.reason
                == "Body.stkCallback.ResultCode: must be at most 2147483647")
    }

    @Test(arguments: ["-1", "-0", "-1032", "-0.0"])
    func refusesNegativeCodes(_ literal: String) {
        #expect(
            result(literal).failure?.reason == "Body.stkCallback.ResultCode: must not be negative")
    }

    @Test(arguments: ["0.0", "0e5", "0E0", "1E3", "1.5", "1032.0", "1e-2"])
    func refusesFractionsAndExponents(_ literal: String) {
        let rejection = result(literal).failure
        #expect(rejection?.kind == .invalidValue)
        #expect(
            rejection?.reason
                == "Body.stkCallback.ResultCode: "
                + "must be an integer written without a fraction or exponent")
    }

    @Test(arguments: [
        ("true", "a boolean"), ("false", "a boolean"), ("null", "null"), ("{}", "an object"),
        ("[0]", "an array"),
    ])
    func refusesOtherJSONTypes(_ literal: String, _ found: String) {
        let rejection = result(literal).failure
        #expect(rejection?.kind == .wrongType)
        #expect(
            rejection?.reason == "Body.stkCallback.ResultCode: expected an integer, got \(found)")
    }

    @Test(arguments: [
        "0", " 0", "0 ", "+1", "-5", "1e3", "1.0", ".5", "0x1", "1032", "00", "1,032", "0abc",
        "\\t7", "\\u00a07", "NaN", "nan", "Infinity", "-inf", "١٠٣٢", "０",
    ])
    func refusesStringsThatLookLikeNumbers(_ text: String) {
        let rejection = result("\"\(text)\"").failure
        #expect(rejection?.kind == .wrongType)
        #expect(
            rejection?.reason.hasPrefix(
                "Body.stkCallback.ResultCode: expected an integer, got a string") == true)
    }

    @Test(arguments: ["SFC_IC0003", "E", "x1", "INFO", "Infinite loop", "null", "_0", "ABC-1032"])
    func acceptsOtherStringsAsFailureCodes(_ text: String) throws {
        #expect(try result("\"\(text)\"").get().resultCode == .text(text))
    }

    @Test func boundsTextCodes() {
        #expect(
            result(#""""#).failure?.reason
                == "Body.stkCallback.ResultCode: must not be an empty string")
        #expect(result("\"\(String(repeating: "C", count: 64))\"").success != nil)
        #expect(result("\"\(String(repeating: "C", count: 65))\"").failure?.kind == .invalidValue)
        #expect(
            result(#""SFC\u0007""#).failure?.reason
                == "Body.stkCallback.ResultCode: must not contain control characters")
        #expect(result(#""SFC\u0085""#).failure?.kind == .invalidValue)
    }

    @Test func isRequired() {
        #expect(result(nil).failure?.reason == "Body.stkCallback.ResultCode: required but missing")
    }
}
