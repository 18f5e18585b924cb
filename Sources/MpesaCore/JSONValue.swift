/// One JSON value, as read by ``StrictJSONParser`` or built by hand for ``JSONWriter``.
///
/// Numbers keep their literal text (see ``JSONNumber``), so nothing is lost or rounded between
/// the bytes and the code that interprets them.
public enum JSONValue: Sendable, Hashable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case number(JSONNumber)
    case bool(Bool)
    case null

    /// The member named `key` when this is an object that has one; otherwise nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let object) = self else {
            return nil
        }
        return object[key]
    }

    /// The text, when this is a string.
    public var stringValue: String? {
        guard case .string(let text) = self else {
            return nil
        }
        return text
    }

    /// The number, when this is a number.
    public var numberValue: JSONNumber? {
        guard case .number(let number) = self else {
            return nil
        }
        return number
    }

    /// The members, when this is an object.
    public var objectValue: JSONObject? {
        guard case .object(let object) = self else {
            return nil
        }
        return object
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else {
            return nil
        }
        return elements
    }

    /// The flag, when this is a boolean.
    public var boolValue: Bool? {
        guard case .bool(let flag) = self else {
            return nil
        }
        return flag
    }

    /// The JSON type with its article, for messages: "an object", "a string", "null".
    ///
    /// It never contains any part of the value itself, so it is safe to show for untrusted input.
    public var typeDescription: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}
