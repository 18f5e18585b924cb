import MpesaCore
import Testing

/// The rules for each item a payment is read from: Amount, MpesaReceiptNumber, TransactionDate
/// and PhoneNumber.
@Suite("Payment items")
struct PaymentItemTests {
    private func payment(_ name: String, _ value: String?) -> Result<StkCallback, CallbackRejection>
    {
        validate(CallbackBody().settingItem(name, to: value))
    }

    private func reason(_ name: String, _ value: String?) -> String? {
        payment(name, value).failure?.reason
    }

    // MARK: Amount

    @Test(arguments: [
        ("1", "1.00"), ("1.00", "1.00"), ("1.000", "1.00"), ("1.5", "1.50"), ("0.01", "0.01"),
        ("10500.00", "10500.00"), ("1e2", "100.00"), ("1E2", "100.00"), ("1.5e2", "150.00"),
        ("12.345e1", "123.45"), ("100e-2", "1.00"), ("0.5e1", "5.00"), ("1e+1", "10.00"),
        ("999999999999", "999999999999.00"), ("999999999999.99", "999999999999.99"),
        ("9.9999999999999e11", "999999999999.99"), (#""05""#, "5.00"), (#""10.50""#, "10.50"),
        (#""0.01""#, "0.01"), (#""100""#, "100.00"), (#""007.500""#, "7.50"),
    ])
    func readsAmountsExactly(_ value: String, _ text: String) throws {
        #expect(try payment("Amount", value).get().payment?.amount.text == text)
    }

    @Test(arguments: ["0", "0.00", "-0", "-1", "-0.01", "0e10", #""0""#, #""0.00""#])
    func refusesAmountsThatAreNotPositive(_ value: String) {
        #expect(reason("Amount", value) == "\(amountPath): must be greater than 0")
    }

    @Test(arguments: ["1.005", "1.234", "0.001", "1.5e-3", "1e-3", "1e-400", #""1.005""#])
    func refusesMoreThanTwoDecimals(_ value: String) {
        #expect(reason("Amount", value) == "\(amountPath): must have at most 2 decimal places")
    }

    @Test(arguments: ["1000000000000", "1e12", "1000000000000.00", "1e400", #""1000000000000""#])
    func refusesMoreThanTwelveIntegerDigits(_ value: String) {
        #expect(
            reason("Amount", value) == "\(amountPath): must have at most 12 digits before the point"
        )
    }

    @Test func refusesAmountsTooLongToReadExactly() {
        let digits = "1" + String(repeating: "0", count: 40) + "1"
        #expect(
            reason("Amount", digits)
                == "\(amountPath): must have at most 12 digits before the point and 2 after it")
    }

    @Test(arguments: [
        #""""#, #"" 5""#, #""5 ""#, #""+5""#, #""-5""#, #""5e2""#, #""1,000""#, #""one hundred""#,
        #"".5""#, #""5.""#, #""KES 5""#, #""NaN""#, #""５""#,
    ])
    func refusesStringsThatAreNotPlainDecimals(_ value: String) {
        #expect(
            reason("Amount", value)
                == "\(amountPath): a string amount must be a plain decimal number such as 10.50")
    }

    @Test(arguments: [
        ("true", "a boolean"), ("null", "null"), ("{}", "an object"), ("[1]", "an array"),
    ])
    func refusesOtherTypesOfAmount(_ value: String, _ found: String) {
        #expect(
            reason("Amount", value) == "\(amountPath): expected a number or a string, got \(found)")
    }

    private var amountPath: String {
        "Body.stkCallback.CallbackMetadata.Item[0].Value (Amount)"
    }

    // MARK: MpesaReceiptNumber

    @Test(arguments: ["NLJ7RT61SV", "0000000000", "ZZZZZZZZZZ", "UJ22T8IYOU"])
    func acceptsTenCapitalsAndDigits(_ receipt: String) throws {
        #expect(
            try payment("MpesaReceiptNumber", "\"\(receipt)\"").get().payment?.receiptNumber
                == receipt)
    }

    @Test(arguments: [
        "NLJ7RT61S", "NLJ7RT61SVX", "nlj7rt61sv", "NLJ7RT61Sv", "NLJ7RT-1SV", "NLJ7RT 1SV",
        "NLJ7RT61SÉ", "", "NLJ7RT61S\\n",
    ])
    func refusesOtherReceipts(_ receipt: String) {
        #expect(
            reason("MpesaReceiptNumber", "\"\(receipt)\"")
                == "\(receiptPath): must be exactly 10 characters, each A-Z or 0-9")
    }

    @Test func refusesANumericReceipt() {
        #expect(
            reason("MpesaReceiptNumber", "1234567890")
                == "\(receiptPath): expected a string, got a number")
    }

    private var receiptPath: String {
        "Body.stkCallback.CallbackMetadata.Item[1].Value (MpesaReceiptNumber)"
    }

    // MARK: TransactionDate

    @Test(arguments: [
        ("20191219102115", "2019-12-19T10:21:15+03:00"),
        (#""20191219102115""#, "2019-12-19T10:21:15+03:00"),
        ("20240229235959", "2024-02-29T23:59:59+03:00"),
        ("20251231000000", "2025-12-31T00:00:00+03:00"),
        ("20250430235959", "2025-04-30T23:59:59+03:00"),
    ])
    func readsTheTransactionDateInKenyanTime(_ value: String, _ iso8601: String) throws {
        let time = try #require(payment("TransactionDate", value).get().payment?.transactionTime)
        #expect(time.iso8601 == iso8601)
    }

    @Test(arguments: [
        "20250229101545", "20240230101545", "20250431000000", "20251232000000", "20251301000000",
        "20251200000000", "20251231240000", "20251231236000", "20251231235960",
        #""20250229101545""#,
        #""00001219102115""#,
    ])
    func refusesDatesAndTimesThatDoNotExist(_ value: String) {
        #expect(
            reason("TransactionDate", value)
                == "\(datePath): is not a real date and time (YYYYMMDDHHmmss, Kenyan time)")
    }

    @Test(arguments: [
        "2019121910211", "201912191021150", "0", #""2019121910211""#, #""2019-12-19 10:21""#,
        #""20191219 02115""#, #"" 20191219102115""#, #""+2019121910211""#, #""""#,
    ])
    func refusesAnythingButFourteenDigits(_ value: String) {
        #expect(
            reason("TransactionDate", value) == "\(datePath): must be 14 digits, YYYYMMDDHHmmss")
    }

    @Test(arguments: ["20191219102115.0", "2.0191219102115e13", "-20191219102115"])
    func refusesDatesNotWrittenAsWholeNumbers(_ value: String) {
        #expect(
            reason("TransactionDate", value)
                == "\(datePath): must be 14 digits, YYYYMMDDHHmmss, written as a whole number")
    }

    @Test func refusesOtherTypesOfDate() {
        #expect(
            reason("TransactionDate", "true")
                == "\(datePath): expected a number or a string, got a boolean")
    }

    private var datePath: String {
        "Body.stkCallback.CallbackMetadata.Item[3].Value (TransactionDate)"
    }

    // MARK: PhoneNumber

    @Test func treatsAMissingPhoneNumberAsAbsent() throws {
        #expect(
            try validate(CallbackBody().removingItem("PhoneNumber")).get().payment?.phoneNumber
                == nil)
        #expect(try payment("PhoneNumber", nil).get().payment?.phoneNumber == nil)
    }

    @Test(arguments: [
        ("254708374149", "254708374149"), (#""254708374149""#, "254708374149"), ("0", "0"),
        (#""+254 708 374 149""#, "+254 708 374 149"), (#""0708374149""#, "0708374149"),
        ("\"\(String(repeating: "f", count: 64))\"", String(repeating: "f", count: 64)),
        (String(repeating: "9", count: 64), String(repeating: "9", count: 64)),
        (#""é""#, "é"),
    ])
    func keepsThePhoneNumberAsText(_ value: String, _ text: String) throws {
        #expect(try payment("PhoneNumber", value).get().payment?.phoneNumber == text)
    }

    @Test func boundsThePhoneNumber() {
        #expect(
            reason("PhoneNumber", "\"\(String(repeating: "f", count: 65))\"")
                == "\(phonePath): must be from 1 to 64 characters long")
        #expect(
            reason("PhoneNumber", #""""#) == "\(phonePath): must be from 1 to 64 characters long")
        #expect(
            reason("PhoneNumber", String(repeating: "9", count: 65))
                == "\(phonePath): must be at most 64 digits long")
        #expect(
            reason("PhoneNumber", #""2547\u0000""#)
                == "\(phonePath): must not contain control characters")
    }

    @Test(arguments: ["-254708374149", "254708374149.0", "2.54708374149e11"])
    func refusesPhoneNumbersThatAreNotWholeNumbers(_ value: String) {
        #expect(
            reason("PhoneNumber", value)
                == "\(phonePath): a number must be a whole number, not negative")
    }

    @Test(arguments: [("null", "null"), ("false", "a boolean"), ("{}", "an object")])
    func refusesOtherTypesOfPhoneNumber(_ value: String, _ found: String) {
        #expect(
            reason("PhoneNumber", value)
                == "\(phonePath): expected a number or a string, got \(found)")
    }

    private var phonePath: String {
        "Body.stkCallback.CallbackMetadata.Item[4].Value (PhoneNumber)"
    }
}
