import MpesaCore
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    private func written(_ text: String) -> String {
        var writer = JSONWriter()
        writer.string(text)
        return writer.text
    }

    @Test func writesCompactObjectsAndArraysWithSeparators() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("ResultCode")
        writer.integer(0)
        writer.key("ResultDesc")
        writer.string("Accepted")
        writer.key("list")
        writer.beginArray()
        writer.integer(-1)
        writer.bool(true)
        writer.bool(false)
        writer.null()
        writer.beginObject()
        writer.endObject()
        writer.beginArray()
        writer.endArray()
        writer.number(JSONNumber(text: "1.50e3") ?? JSONNumber(0))
        writer.endArray()
        writer.endObject()
        let expected =
            #"{"ResultCode":0,"ResultDesc":"Accepted","#
            + #""list":[-1,true,false,null,{},[],1.50e3]}"#
        #expect(writer.text == expected)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        #expect(written("say \"hi\"") == #""say \"hi\"""#)
        #expect(written(#"C:\path"#) == #""C:\\path""#)
        #expect(written("\n\r\t\u{8}\u{C}") == #""\n\r\t\b\f""#)
        #expect(written("\u{0}\u{1}\u{1F}") == #""\u0000\u0001\u001f""#)
        #expect(written("/") == #""/""#)
        #expect(written("\u{7F}") == "\"\u{7F}\"")
    }

    @Test func escapesLineAndParagraphSeparators() {
        #expect(written("a\u{2028}b\u{2029}c") == #""a\u2028b\u2029c""#)
        // Neighbours of U+2028 in the same UTF-8 block are written as they are.
        #expect(written("\u{2027}\u{202A}") == "\"\u{2027}\u{202A}\"")
    }

    @Test func writesOtherTextAsUTF8() {
        #expect(written("café €5 𝄞 日本") == "\"café €5 𝄞 日本\"")
        #expect(written("") == #""""#)
    }

    @Test func writesEveryControlCharacterSoThatItParsesBack() throws {
        let text = String(String.UnicodeScalarView((0..<0x20).compactMap(Unicode.Scalar.init)))
        let json = written(text)
        #expect(try parse(json) == .string(text))
        #expect(!json.utf8.contains { $0 < 0x20 })
    }

    @Test func keepsTheOrderOfObjectMembers() {
        let object: JSONObject = ["z": .null, "a": .bool(true), "m": .array([])]
        #expect(
            String(decoding: JSONWriter.encode(.object(object)), as: UTF8.self)
                == #"{"z":null,"a":true,"m":[]}"#)
    }

    @Test func writesADictionaryInSortedKeyOrder() {
        let object = JSONObject(["b": .null, "a": .null, "c": .null])
        #expect(
            String(decoding: JSONWriter.encode(.object(object)), as: UTF8.self)
                == #"{"a":null,"b":null,"c":null}"#)
    }

    @Test func writesValuesThatParseBackToTheSameValue() throws {
        let awkward =
            "quote \" backslash \\ slash / nl \n tab \t nul \u{0} del \u{7F} "
            + "c1 \u{85} ls \u{2028} ps \u{2029} bom \u{FEFF} astral 😀 combining e\u{301}"
        let value: JSONValue = .object([
            "text": .string(awkward),
            awkward: .string("key with everything"),
            "numbers": .array([
                .number(JSONNumber(0)), .number(JSONNumber(.min)),
                .number(JSONNumber(text: "-12.50e+3") ?? JSONNumber(0)),
            ]),
            "nested": .array([.object(["deep": .array([.array([.null])])]), .bool(false)]),
            "empty": .object(JSONObject()),
        ])
        let bytes = JSONWriter.encode(value)
        #expect(try StrictJSONParser.parse(bytes, maximumDepth: 16) == value)
    }

    @Test func writesEveryBasicPlaneScalarSoThatItParsesBack() throws {
        let scalars = (0..<0x1_0000).compactMap(Unicode.Scalar.init(_:))
        let text = String(String.UnicodeScalarView(scalars))
        #expect(try parse(written(text)) == .string(text))
    }

    @Test func writesIntegersOfAnyWidth() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.integer(Int64.min)
        writer.integer(UInt64.max)
        writer.integer(Int32(1032))
        writer.endArray()
        #expect(writer.text == "[-9223372036854775808,18446744073709551615,1032]")
    }
}
