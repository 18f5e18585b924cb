import Glibc

/// A spool operation that failed, with the file operation and `errno`.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    init(_ operation: String, errno: Int32 = Glibc.errno) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String {
        guard errno != 0, let text = strerror(errno) else { return "spool: \(operation) failed" }
        return "spool: \(operation) failed: \(String(cString: text))"
    }
}
