import MpesaCore
import Testing

/// A body given as bytes, with a name for the test report.
struct ByteCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var offset: Int

    init(_ name: String, _ bytes: [UInt8], offset: Int) {
        self.name = name
        self.bytes = bytes
        self.offset = offset
    }

    var testDescription: String {
        name
    }
}

/// A document given as text, with the error kind it must produce.
struct SyntaxCase: CustomTestStringConvertible, Sendable {
    var text: String
    var kind: JSONSyntaxError.Kind

    init(_ text: String, _ kind: JSONSyntaxError.Kind) {
        self.text = text
        self.kind = kind
    }

    var testDescription: String {
        text.debugDescription
    }
}

@Suite("StrictJSONParser")
struct StrictJSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try parse(
            #" { "s": "text", "n": -12.50e+3, "t": true, "f": false, "z": null, "#
                + #""a": [1, [], {}] } "#)
        guard case .object(let object) = value else {
            Issue.record("expected an object, got \(value)")
            return
        }
        #expect(object.keys == ["s", "n", "t", "f", "z", "a"])
        #expect(object["s"] == .string("text"))
        #expect(object["t"] == .bool(true))
        #expect(object["f"] == .bool(false))
        #expect(object["z"] == .null)
        #expect(
            object["a"] == .array([.number(JSONNumber(1)), .array([]), .object(JSONObject())]))

        guard case .number(let number) = object["n"] else {
            Issue.record("expected a number")
            return
        }
        #expect(number.text == "-12.50e+3")
        #expect(number.isNegative && number.hasFraction && number.hasExponent)
    }

    @Test(arguments: [#""text""#, "0", "-1.5", "true", "null", "[]", "{}", " \n\t\r7\r\n"])
    func acceptsAnyTopLevelValue(_ text: String) throws {
        _ = try parse(text)
    }

    @Test func skipsOneUTF8ByteOrderMark() throws {
        #expect(
            try StrictJSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{}".utf8), maximumDepth: 1)
                == .object(JSONObject()))
        let twice = syntaxError([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        #expect(twice?.kind == .unexpectedCharacter)
        #expect(twice?.byteOffset == 3)
    }

    @Test func refusesUTF16AndUTF32() {
        let text = #"{"a":1}"#
        let encodings: [(String, [UInt8])] = [
            (
                "UTF-16LE with BOM",
                [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            ),
            (
                "UTF-16BE with BOM",
                [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            ),
            ("UTF-16LE", text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
            ("UTF-16BE", text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }),
            ("UTF-32BE with BOM", [0, 0, 0xFE, 0xFF] + text.utf8.flatMap { [0, 0, 0, $0] }),
            ("UTF-32LE with BOM", [0xFF, 0xFE, 0, 0] + text.utf8.flatMap { [$0, 0, 0, 0] }),
        ]
        for (name, bytes) in encodings {
            #expect(syntaxError(bytes)?.kind == .notUTF8, "\(name)")
        }
    }

    @Test(arguments: [
        ByteCase("overlong slash, 2 bytes", [0xC0, 0xAF], offset: 2),
        ByteCase("overlong NUL, 2 bytes", [0xC0, 0x80], offset: 2),
        ByteCase("overlong slash, 3 bytes", [0xE0, 0x80, 0xAF], offset: 2),
        ByteCase("overlong slash, 4 bytes", [0xF0, 0x80, 0x80, 0xAF], offset: 2),
        ByteCase("high surrogate in UTF-8", [0xED, 0xA0, 0x80], offset: 2),
        ByteCase("low surrogate in UTF-8", [0xED, 0xBF, 0xBF], offset: 2),
        ByteCase("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80], offset: 2),
        ByteCase("F5 lead byte", [0xF5, 0x80, 0x80, 0x80], offset: 2),
        ByteCase("FF byte", [0xFF], offset: 2),
        ByteCase("lone continuation byte", [0x80], offset: 2),
        ByteCase("Latin-1 e acute", [0x63, 0x61, 0x66, 0xE9], offset: 5),
        ByteCase("truncated 3-byte sequence", [0xE2, 0x82], offset: 2),
        ByteCase("truncated 4-byte sequence", [0xF0, 0x9F, 0x98], offset: 2),
        ByteCase("3-byte sequence cut by ASCII", [0xE2, 0x41, 0x41], offset: 2),
    ])
    func refusesIllFormedUTF8InAString(_ sample: ByteCase) {
        let bytes = Array(#"[""#.utf8) + sample.bytes + Array(#""]"#.utf8)
        let error = syntaxError(bytes)
        #expect(error?.kind == .notUTF8)
        #expect(error?.byteOffset == sample.offset)
    }

    @Test func refusesIllFormedUTF8AtTheEndOfTheInput() {
        #expect(syntaxError(Array(#"{"a":1}"#.utf8) + [0xE2, 0x82])?.kind == .notUTF8)
    }

    @Test func refusesANULByteAnywhere() {
        #expect(syntaxError(Array("{}".utf8) + [0])?.kind == .notUTF8)
        #expect(syntaxError([0x5B, 0x22, 0x00, 0x22, 0x5D])?.byteOffset == 2)
    }

    @Test func readsMultiByteUTF8AsWritten() throws {
        let text = "café €5 𝄞 日本"
        #expect(try parse("\"\(text)\"") == .string(text))
    }

    @Test(arguments: [
        SyntaxCase("", .unexpectedEnd),
        SyntaxCase("   ", .unexpectedEnd),
        SyntaxCase(#"{"a":1,}"#, .unexpectedCharacter),
        SyntaxCase("[1,]", .unexpectedCharacter),
        SyntaxCase("[,1]", .unexpectedCharacter),
        SyntaxCase(#"{,"a":1}"#, .unexpectedCharacter),
        SyntaxCase(#"{"a":1,,"b":2}"#, .unexpectedCharacter),
        SyntaxCase(#"{"a":1 // note"#, .unexpectedCharacter),
        SyntaxCase("/* note */ {}", .unexpectedCharacter),
        SyntaxCase("{} // note", .trailingData),
        SyntaxCase(#"{'a':1}"#, .unexpectedCharacter),
        SyntaxCase(#"{"a":'b'}"#, .unexpectedCharacter),
        SyntaxCase(#"{a:1}"#, .unexpectedCharacter),
        SyntaxCase(#"{1:1}"#, .unexpectedCharacter),
        SyntaxCase(#"{"a" 1}"#, .unexpectedCharacter),
        SyntaxCase(#"{"a":1 "b":2}"#, .unexpectedCharacter),
        SyntaxCase("[1 2]", .unexpectedCharacter),
        SyntaxCase(#"{"a":}"#, .unexpectedCharacter),
        SyntaxCase("NaN", .unexpectedCharacter),
        SyntaxCase("[NaN]", .unexpectedCharacter),
        SyntaxCase("Infinity", .unexpectedCharacter),
        SyntaxCase("-Infinity", .invalidNumber),
        SyntaxCase("+1", .unexpectedCharacter),
        SyntaxCase("01", .invalidNumber),
        SyntaxCase("-01", .invalidNumber),
        SyntaxCase("00", .invalidNumber),
        SyntaxCase("-", .invalidNumber),
        SyntaxCase(".5", .unexpectedCharacter),
        SyntaxCase("1.", .invalidNumber),
        SyntaxCase("1.e5", .invalidNumber),
        SyntaxCase("1e", .invalidNumber),
        SyntaxCase("1e+", .invalidNumber),
        SyntaxCase("0x1F", .trailingData),
        SyntaxCase("1_000", .trailingData),
        SyntaxCase("True", .unexpectedCharacter),
        SyntaxCase("tru", .unexpectedEnd),
        SyntaxCase("nul", .unexpectedEnd),
        SyntaxCase("nulL", .unexpectedCharacter),
        SyntaxCase("undefined", .unexpectedCharacter),
        SyntaxCase("\"tab\there\"", .controlCharacterInString),
        SyntaxCase("\"line\nbreak\"", .controlCharacterInString),
        SyntaxCase(#""\x41""#, .invalidEscape),
        SyntaxCase(#""\U0041""#, .invalidEscape),
        SyntaxCase(#""\'""#, .invalidEscape),
        SyntaxCase(#""\u12""#, .invalidEscape),
        SyntaxCase(#""\u""#, .invalidEscape),
        SyntaxCase(#""\u12G4""#, .invalidEscape),
        SyntaxCase(#""\u004"#, .unexpectedEnd),
        SyntaxCase(#""unterminated"#, .unexpectedEnd),
        SyntaxCase(#"{"a":1"#, .unexpectedEnd),
        SyntaxCase("[1,2", .unexpectedEnd),
        SyntaxCase(#"{"a""#, .unexpectedCharacter),
        SyntaxCase("{} garbage", .trailingData),
        SyntaxCase("{}{}", .trailingData),
        SyntaxCase("{} {}", .trailingData),
        SyntaxCase("{}\n{}", .trailingData),
        SyntaxCase("1 2", .trailingData),
        SyntaxCase("{}]", .trailingData),
        SyntaxCase(" \u{FEFF}{}", .unexpectedCharacter),
        SyntaxCase("\u{A0}{}", .unexpectedCharacter),
    ])
    func refusesWhatRFC8259Forbids(_ sample: SyntaxCase) {
        #expect(syntaxError(sample.text)?.kind == sample.kind)
    }

    @Test func decodesEveryEscape() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try parse(#""\ud834\udd1e""#) == .string("𝄞"))
        #expect(try parse(#""\uD83D\uDE00!""#) == .string("😀!"))
        #expect(try parse(#""a\u0000b""#) == .string("a\u{0}b"))
        #expect(try parse(#""plain \" then plain""#) == .string("plain \" then plain"))
    }

    @Test(arguments: [
        #""\ud800""#, #""\udbff""#, #""\udc00""#, #""\udfff""#, #""\ud800\u0041""#,
        #""\ud800x""#, #""\ud800\n""#, #""\ud800\ud800""#, #""\udc00\ud800""#,
    ])
    func refusesAnEscapedLoneSurrogate(_ text: String) {
        #expect(syntaxError(text)?.kind == .loneSurrogate)
    }

    @Test func countsDepthFromOneForTheTopLevelContainer() throws {
        _ = try parse("[]", maximumDepth: 1)
        _ = try parse(#"{"a":1}"#, maximumDepth: 1)
        #expect(syntaxError(#"{"a":[]}"#, maximumDepth: 1)?.kind == .tooDeep)
        _ = try parse("7", maximumDepth: 0)
        #expect(syntaxError("[]", maximumDepth: 0)?.kind == .tooDeep)
    }

    @Test func acceptsSixteenLevelsAndRefusesSeventeen() throws {
        let sixteen = String(repeating: "[", count: 15) + "{}" + String(repeating: "]", count: 15)
        _ = try parse(sixteen, maximumDepth: 16)

        let seventeen =
            String(repeating: #"{"a":"#, count: 16) + "[]" + String(repeating: "}", count: 16)
        let error = syntaxError(seventeen, maximumDepth: 16)
        #expect(error?.kind == .tooDeep)
        #expect(error?.byteOffset == 16 * 5)
        #expect(error?.path.components.count == 16)
    }

    @Test func stopsAtTheDepthLimitWithoutExhaustingTheStack() throws {
        let brackets = [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        let error = syntaxError(brackets)
        #expect(error?.kind == .tooDeep)
        #expect(error?.byteOffset == 16)

        // A caller asking for any depth gets the ceiling, so that freeing, comparing or
        // writing the value can never exhaust the stack either.
        let ceiling = StrictJSONParser.depthCeiling
        #expect(syntaxError(brackets, maximumDepth: .max)?.byteOffset == ceiling)
        let deepest =
            [UInt8](repeating: UInt8(ascii: "["), count: ceiling)
            + [UInt8](repeating: UInt8(ascii: "]"), count: ceiling)
        let value = try StrictJSONParser.parse(deepest, maximumDepth: .max)
        #expect(value == value)
        #expect(JSONWriter.encode(value) == deepest)
    }

    @Test func refusesARepeatedKeyAtTheTopLevel() {
        let error = syntaxError(#"{"a":1,"b":2,"a":3}"#)
        #expect(error?.kind == .duplicateKey)
        #expect(error?.byteOffset == 13)
        #expect(error?.path == JSONPath([.key("a")]))
    }

    @Test func refusesARepeatedKeyDeepInside() {
        let error = syntaxError(#"{"x":[{"k":1},{"k":1,"k":2}]}"#)
        #expect(error?.kind == .duplicateKey)
        #expect(error?.path == JSONPath([.key("x"), .index(1), .key("k")]))
    }

    @Test func comparesKeysAfterUnescaping() {
        #expect(syntaxError(#"{"a":1,"\u0061":2}"#)?.kind == .duplicateKey)
        #expect(syntaxError(#"{"\/":1,"/":2}"#)?.kind == .duplicateKey)
        #expect(syntaxError(#"{"é":1,"\u00e9":2}"#)?.kind == .duplicateKey)
    }

    @Test func keepsKeysThatDifferInCaseOrSitInDifferentObjects() throws {
        _ = try parse(#"{"a":1,"A":2}"#)
        _ = try parse(#"[{"a":1},{"a":2}]"#)
    }

    @Test func treatsKeysThatLookTheSameAsTheSameKey() {
        // Precomposed "é" and "e" with a combining accent are canonically equivalent.
        #expect(syntaxError("{\"\u{E9}\":1,\"e\u{301}\":2}")?.kind == .duplicateKey)
    }

    @Test func findsRepeatedKeysInLargeObjects() throws {
        let members = (0..<40).map { #""key\#($0)":\#($0)"# }
        let object = try parse("{" + members.joined(separator: ",") + "}")
        #expect(object["key0"] == .number(JSONNumber(0)))
        #expect(object["key39"] == .number(JSONNumber(39)))
        #expect(object["key40"] == nil)

        let repeated = "{" + (members + [#""key7":0"#]).joined(separator: ",") + "}"
        #expect(syntaxError(repeated)?.kind == .duplicateKey)
        let escaped = "{" + (members + [#""key\u0037":0"#]).joined(separator: ",") + "}"
        #expect(syntaxError(escaped)?.kind == .duplicateKey)
        let first = "{" + ([#""k\u0065y0":0"#] + members.dropFirst()).joined(separator: ",")
        #expect(try parse(first + "}")["key0"] == .number(JSONNumber(0)))
        #expect(syntaxError(first + #","key0":1}"#)?.kind == .duplicateKey)
    }

    @Test func reportsWhereTheProblemIs() {
        let text = #"{"Body":{"stkCallback":{"ResultCode":01}}}"#
        let error = syntaxError(text)
        #expect(error?.kind == .invalidNumber)
        #expect(error?.byteOffset == 38)
        #expect(error?.path == JSONPath([.key("Body"), .key("stkCallback"), .key("ResultCode")]))
        #expect(error?.description == "a number must not have a leading zero at byte 38")
    }

    @Test func reportsArrayIndicesInThePath() {
        let error = syntaxError(#"{"Item":[{},{"Name":tru}]}"#)
        #expect(error?.path == JSONPath([.key("Item"), .index(1), .key("Name")]))
        let rendered = error?.path.rendered(showingKey: { $0 == "Item" })
        #expect(rendered == "Item[1].<key>")
    }

    @Test func parsesTheSameFromEveryInputForm() throws {
        let text = #"{"a":[1,"two",{"three":3}]}"#
        let fromText = try StrictJSONParser.parse(text, maximumDepth: 4)
        let fromArray = try StrictJSONParser.parse(Array(text.utf8), maximumDepth: 4)
        let fromBuffer = try Array(text.utf8).withUnsafeBytes { buffer in
            try StrictJSONParser.parse(buffer, maximumDepth: 4)
        }
        #expect(fromText == fromArray)
        #expect(fromArray == fromBuffer)
    }
}
