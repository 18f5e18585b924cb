import Foundation
import MpesaCore
import Testing

/// Randomized checks, seeded so that a failure can be reproduced.
@Suite("Robustness")
struct RobustnessTests {
    @Test func randomValuesSurviveAWriteAndParseRoundTrip() throws {
        var generator = SeededGenerator(seed: 8_259)
        for _ in 0..<300 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let bytes = JSONWriter.encode(value)
            #expect(try StrictJSONParser.parse(bytes, maximumDepth: 16) == value)
        }
    }

    @Test func damagedCallbacksAreAnsweredWithoutCrashing() {
        var generator = SeededGenerator(seed: 1_032)
        let original = CallbackBody().bytes
        var outcomes: [String: Int] = [:]
        for _ in 0..<5_000 {
            var body = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<body.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: body[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: body.remove(at: index)
                default: body.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            switch CallbackValidator.validate(body) {
            case .success(let callback):
                // Whatever got through must still obey the rules.
                #expect(callback.resultCode.isSuccess == (callback.payment != nil))
                outcomes["accepted", default: 0] += 1
            case .failure(let rejection):
                #expect(!rejection.reason.isEmpty)
                outcomes[rejection.kind.rawValue, default: 0] += 1
            }
        }
        #expect(outcomes.count > 4, "\(outcomes)")
    }

    @Test func agreesWithFoundationOnWhatIsValidJSON() throws {
        // Every document this parser accepts, Foundation accepts too, with the same strings.
        var generator = SeededGenerator(seed: 404)
        for _ in 0..<200 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let document = JSONWriter.encode(.array([value]))
            let parsed = try JSONSerialization.jsonObject(with: Data(document), options: [])
            #expect(parsed is [Any])
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let choice = Int.random(in: 0..<(depth < 5 ? 7 : 5), using: &generator)
        switch choice {
        case 0: return .string(randomText(using: &generator))
        case 1: return .number(randomNumber(using: &generator))
        case 2: return .bool(Bool.random(using: &generator))
        case 3: return .null
        case 4: return .number(JSONNumber(Int64.random(in: .min ... .max, using: &generator)))
        case 5:
            let count = Int.random(in: 0..<5, using: &generator)
            return .array((0..<count).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<16, using: &generator) {
                object[randomText(using: &generator)] = randomValue(
                    depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func randomText(using generator: inout SeededGenerator) -> String {
        let pool: [Unicode.Scalar] = [
            "a", "B", "7", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}", "\u{85}",
            "é", "€", "\u{2028}", "\u{2029}", "\u{FEFF}", "😀", "𝄞", "日",
        ]
        let count = Int.random(in: 0..<12, using: &generator)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count {
            scalars.append(pool[Int.random(in: 0..<pool.count, using: &generator)])
        }
        return String(scalars)
    }

    static func randomNumber(using generator: inout SeededGenerator) -> JSONNumber {
        let sign = Bool.random(using: &generator) ? "-" : ""
        let integer = String(Int.random(in: 0...99_999, using: &generator))
        let fraction =
            Bool.random(using: &generator) ? ".\(Int.random(in: 0...999, using: &generator))" : ""
        let exponent =
            Bool.random(using: &generator) ? "e\(Int.random(in: -20...20, using: &generator))" : ""
        return JSONNumber(text: sign + integer + fraction + exponent) ?? JSONNumber(0)
    }
}
