import Testing

@testable import StkSender

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        "0708374149", "708374149", "254708374149", "+254708374149", "0708 374 149",
        "+254 708-374-149",
    ])
    func safaricomSevenRangeNormalisesToTwelveDigits(_ written: String) {
        #expect(PhoneNumber(normalizing: written)?.digits == "254708374149")
    }

    @Test(arguments: ["0110123456", "110123456", "254110123456", "+254110123456"])
    func safaricomOneRangeNormalisesToTwelveDigits(_ written: String) {
        #expect(PhoneNumber(normalizing: written)?.digits == "254110123456")
    }

    @Test(arguments: [
        "", " ", "0208374149", "254208374149", "+255708374149", "+0708374149",
        "07083741490", "070837414", "25470837414", "2547083741490", "0708374l49", "0708.374.149",
        "٠٧٠٨٣٧٤١٤٩", "++254708374149", "254+708374149",
    ])
    func otherTextIsRefused(_ written: String) {
        #expect(PhoneNumber(normalizing: written) == nil, "\(written)")
    }
}
