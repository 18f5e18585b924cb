/// Why the sockets systemd passed could not be taken over.
public enum SocketActivationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `LISTEN_PID`, `LISTEN_FDS` or `LISTEN_FDNAMES` holds something unusable.
    case invalidVariable(name: String, reason: String)

    /// A descriptor systemd said it passed is not open, or cannot be changed.
    case unusableDescriptor(fd: Int32, SystemCallError)

    /// What is wrong, naming the variable or descriptor.
    public var description: String {
        switch self {
        case .invalidVariable(let name, let reason):
            "\(name) \(reason)"
        case .unusableDescriptor(let fd, let error):
            "passed descriptor \(fd) is unusable: \(error)"
        }
    }
}
