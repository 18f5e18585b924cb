/// A secret string, such as a token, a passkey or a password, that prints as
/// `<redacted>` wherever it could be shown.
///
/// `description`, `debugDescription` and the mirror used by `dump` all hide the value,
/// so string interpolation, `String(describing:)`, `String(reflecting:)`, a log field
/// or an enclosing value's default description cannot leak it. Read `exposedValue`
/// only where the value itself must be used, and compare it with `constantTimeEquals`.
///
/// `Secret` is deliberately neither `Equatable` nor `Codable`: `==` would compare in
/// time that depends on the contents, and encoding would write the value out.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String
    private let bytes: [UInt8]

    /// Wraps `value`.
    public init(_ value: String) {
        self.value = value
        bytes = Array(value.utf8)
    }

    /// The secret itself, for the one place that must use it.
    public var exposedValue: String {
        value
    }

    /// Whether the secret is the empty string.
    public var isEmpty: Bool {
        bytes.isEmpty
    }

    /// Always `<redacted>`.
    public var description: String {
        "<redacted>"
    }

    /// Always `<redacted>`.
    public var debugDescription: String {
        "<redacted>"
    }

    /// A mirror with no children, so `dump` and reflection show nothing inside.
    public var customMirror: Mirror {
        Mirror(self, children: [], displayStyle: .struct)
    }

    /// Compares the secret with `candidate` in time that depends only on the candidate's
    /// length, never on where the first difference is or on the secret's length.
    ///
    /// - Parameter candidate: bytes from outside, such as a token from a request path.
    /// - Returns: whether the candidate's bytes equal the secret's UTF-8 bytes.
    public func constantTimeEquals(_ candidate: [UInt8]) -> Bool {
        // An array, not any collection: a generic parameter is not specialized
        // across modules, and walking it through witness tables cost thousands
        // of instructions on every callback.
        candidate.withUnsafeBufferPointer { constantTimeEquals(buffer: $0) }
    }

    private func constantTimeEquals(buffer candidate: UnsafeBufferPointer<UInt8>) -> Bool {
        var difference = UInt(bitPattern: candidate.count ^ bytes.count)
        bytes.withUnsafeBufferPointer { secret in
            // Compare against the secret cyclically, so the loop always runs
            // once per candidate byte, even when the lengths differ.
            var index = 0
            for byte in candidate {
                let expected = secret.isEmpty ? 0 : secret[index]
                difference |= UInt(byte ^ expected)
                index += 1
                if index == secret.count {
                    index = 0
                }
            }
        }
        return difference == 0
    }

    /// Compares the secret with the UTF-8 bytes of `candidate`, in constant time.
    public func constantTimeEquals(_ candidate: String) -> Bool {
        constantTimeEquals(Array(candidate.utf8))
    }
}
