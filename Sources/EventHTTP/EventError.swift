import Glibc

/// A libevent or socket call that failed, with the operation and `errno`.
public struct EventError: Error, Sendable, CustomStringConvertible {
    /// The C function or step that failed, for example `evhttp_bind_socket`.
    public let operation: String
    /// `errno` right after the failure; 0 when libevent did not set it.
    public let errno: Int32

    public init(operation: String, errno: Int32) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        guard errno != 0, let text = strerror(errno) else { return "\(operation) failed" }
        return "\(operation) failed: \(String(cString: text))"
    }
}
