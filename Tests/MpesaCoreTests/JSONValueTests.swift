import MpesaCore
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test func givesTypedAccessToItsCases() throws {
        let value = try parse(#"{"s":"x","n":1,"o":{},"a":[],"b":true,"z":null}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["n"]?.numberValue == JSONNumber(1))
        #expect(value["o"]?.objectValue == JSONObject())
        #expect(value["a"]?.arrayValue == [])
        #expect(value["b"]?.boolValue == true)
        #expect(value["z"] == .null)
        #expect(value["s"]?.numberValue == nil)
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([])["s"] == nil)
    }

    @Test func namesItsTypeWithoutItsContent() {
        let values: [JSONValue] = [
            .object(JSONObject()), .array([]), .string("secret"), .number(JSONNumber(7)),
            .bool(true), .null,
        ]
        #expect(
            values.map(\.typeDescription) == [
                "an object", "an array", "a string", "a number", "a boolean", "null",
            ])
    }

    @Test func comparesObjectsWithoutRegardToOrder() throws {
        let forward = try parse(#"{"a":1,"b":[true]}"#)
        let backward = try parse(#"{"b":[true],"a":1}"#)
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(forward != (try parse(#"{"a":1,"b":[false]}"#)))
        #expect(forward != (try parse(#"{"a":1}"#)))
    }

    @Test func editsObjectsInPlace() {
        var object: JSONObject = ["a": .null]
        object["b"] = .bool(true)
        object["a"] = .string("x")
        #expect(object.keys == ["a", "b"])
        object["a"] = nil
        #expect(object.keys == ["b"])
        #expect(object.count == 1)
        for index in 0..<20 {
            object["k\(index)"] = .number(JSONNumber(Int64(index)))
        }
        object["k3"] = nil
        #expect(object["k19"] == .number(JSONNumber(19)))
        #expect(object["k3"] == nil)
        #expect(object.count == 20)
    }
}
