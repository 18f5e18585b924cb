/// Where a value sits in a JSON document: the keys and array indices leading to it.
///
/// Keys come from the document and may be anything a sender chose, so a path has no
/// `description`: it is rendered only through ``rendered(showingKey:)``, which lets the caller
/// decide which keys are safe to show.
public struct JSONPath: Sendable, Hashable {
    /// One step into a container.
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps from the top-level value, outermost first; empty for the top-level value.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path in dotted form, such as `Body.stkCallback.CallbackMetadata.Item[1].Name`.
    ///
    /// - Parameter isShown: Whether a key may appear as written; any other key is rendered
    ///   as `<key>`.
    /// - Returns: The rendered path, or an empty string for the top-level value.
    public func rendered(showingKey isShown: (String) -> Bool) -> String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key):
                if !text.isEmpty {
                    text += "."
                }
                text += isShown(key) ? key : "<key>"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
