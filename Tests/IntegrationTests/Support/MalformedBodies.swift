import Foundation
import MpesaCore

/// Callback bodies broken in the ways a fuzzer or an attacker would break
/// them, from a seed, so that a failing run can be repeated exactly: cut
/// short, bytes changed, values of the wrong type, nested too deep, strings
/// too long, bytes that are not UTF-8, JSON that strict parsing refuses.
///
/// Every body it returns is one the validator rejects; a mutation that
/// happens to leave a valid callback is thrown away.
struct MalformedBodies {
    private var random: SeededSequence

    init(seed: UInt64) {
        random = SeededSequence(seed: seed)
    }

    /// The fields of a success, each as JSON text, that the mutations work on.
    private static let fields: [(name: String, good: String)] = [
        ("MerchantRequestID", #""29115-34620561-1""#),
        ("CheckoutRequestID", #""ws_CO_121220251430520001""#), ("ResultCode", "0"),
        ("ResultDesc", #""The service request is processed successfully.""#),
        ("Amount", "1.00"), ("MpesaReceiptNumber", #""UA1AB2CD3E""#),
        ("TransactionDate", "20251212143052"), ("PhoneNumber", "254708374149"),
    ]

    private static let wrongValues = [
        "null", "true", "false", "[]", "{}", #""0""#, "1.5", "-1", #""abc""#, "1e400", #""""#,
        "123456789012345678901234567890", #""\u0000""#, "0.0", "[0]", #"{"Value":1}"#,
        #""2025-12-12""#, "-0", "1.001",
    ]

    private static let invalidUTF8: [[UInt8]] = [
        [0xC0, 0x80], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
    ]

    private static let syntaxBreaks = [
        (#""ResultCode":0"#, #""ResultCode":0,"ResultCode":0"#),
        ("}}}}", "},}}}"), ("}}}}", "}}}} {}"), (#"{"Body""#, #"{/* c */"Body""#),
        (#""ResultCode":0"#, "'ResultCode':0"),
        (#""Amount","Value":1.00"#, #""Amount","Value":NaN"#),
        (#"{"Body""#, "\u{FEFF}\u{FEFF}{\"Body\""), ("]", ",]"), (#""Item":["#, #""Item":[,"#),
        ("1.00", "01.00"), ("1.00", "+1.00"), (#""Body""#, #""body""#),
        (#"{"Body":{"#, #"{"Body":{"stkCallback":1,"#),
    ]

    /// A valid success, as the fields above make it.
    static func validSuccess(_ values: [String]? = nil) -> [UInt8] {
        let value = values ?? fields.map(\.good)
        let text = """
            {"Body":{"stkCallback":{"MerchantRequestID":\(value[0]),\
            "CheckoutRequestID":\(value[1]),"ResultCode":\(value[2]),"ResultDesc":\(value[3]),\
            "CallbackMetadata":{"Item":[{"Name":"Amount","Value":\(value[4])},\
            {"Name":"MpesaReceiptNumber","Value":\(value[5])},{"Name":"Balance"},\
            {"Name":"TransactionDate","Value":\(value[6])},\
            {"Name":"PhoneNumber","Value":\(value[7])}]}}}}
            """
        return Array(text.utf8)
    }

    /// The next malformed body.
    mutating func next() -> [UInt8] {
        while true {
            let body = mutate()
            if case .failure = CallbackValidator.validate(body) {
                return body
            }
        }
    }

    private mutating func mutate() -> [UInt8] {
        let base = Self.validSuccess()
        switch random.below(8) {
        case 0:
            return Array(base.prefix(random.below(base.count)))
        case 1:
            var body = base
            for _ in 0...random.below(3) {
                body[random.below(body.count)] = UInt8(truncatingIfNeeded: random.next())
            }
            return body
        case 2:
            var values = Self.fields.map(\.good)
            values[random.below(values.count)] =
                Self.wrongValues[random.below(Self.wrongValues.count)]
            return Self.validSuccess(values)
        case 3:
            let depth = 17 + random.below(3_000)
            let isArray = random.below(2) == 0
            let open = Array(repeating: Array((isArray ? "[" : #"{"a":"#).utf8), count: depth)
            let close = Array(repeating: Array((isArray ? "]" : "}").utf8), count: depth)
            return open.flatMap { $0 } + base + close.flatMap { $0 }
        case 4:
            var values = Self.fields.map(\.good)
            // Past the description limit, and sometimes past the body limit.
            let length =
                random.below(2) == 0 ? 1_025 + random.below(60_000) : 65_537 + random.below(200_000)
            values[3] = "\"" + String(repeating: "x", count: length) + "\""
            return Self.validSuccess(values)
        case 5:
            let values = Self.fields.map(\.good)
            let field = [0, 1, 3, 5][random.below(4)]
            let bad = Self.invalidUTF8[random.below(Self.invalidUTF8.count)]
            let offset = 1 + random.below(values[field].utf8.count - 1)
            return Self.inserting(bad, intoField: field, at: offset, of: values)
        case 6:
            let (from, to) = Self.syntaxBreaks[random.below(Self.syntaxBreaks.count)]
            let text = String(decoding: base, as: UTF8.self)
            guard let range = text.range(of: from) else { return [] }
            return Array(text.replacingCharacters(in: range, with: to).utf8)
        default:
            // A body made of random bytes.
            return (0..<random.below(2_048)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        }
    }

    /// A success with `bytes` put inside one field's JSON text, `offset` bytes in.
    private static func inserting(
        _ bytes: [UInt8], intoField field: Int, at offset: Int, of values: [String]
    ) -> [UInt8] {
        let marker = "\u{1}MARK\u{1}"
        var marked = values
        let text = Array(values[field].utf8)
        marked[field] =
            String(decoding: text.prefix(offset), as: UTF8.self) + marker
            + String(decoding: text.dropFirst(offset), as: UTF8.self)
        let body = validSuccess(marked)
        guard let range = body.firstRange(of: Array(marker.utf8)) else { return body }
        return Array(body[..<range.lowerBound]) + bytes + Array(body[range.upperBound...])
    }
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants) with its high
/// bits folded into the low ones: plenty for choosing mutations from a seed.
struct SeededSequence {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state ^ (state >> 29)
    }

    /// A number in `0..<bound`; 0 when `bound` is 0.
    mutating func below(_ bound: Int) -> Int {
        bound <= 0 ? 0 : Int(next() % UInt64(bound))
    }
}
