import Glibc

/// Takes over listening sockets that systemd opened for the service (`.socket` units),
/// as `sd_listen_fds_with_names(3)` does.
public enum SocketActivation {
    /// The first descriptor systemd passes; the rest follow in order.
    public static let firstDescriptor: Int32 = 3

    /// A passed descriptor and its name from `FileDescriptorName=`, if it has one.
    public typealias PassedSocket = (fd: Int32, name: String?)

    /// The sockets systemd passed to this process, in order, with their names from
    /// `FileDescriptorName=`.
    ///
    /// Each descriptor gets `FD_CLOEXEC`, so a child process does not inherit it, and
    /// `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` are removed from the environment
    /// whatever the outcome, so children do not mistake them for their own. Call it
    /// once, early, before any thread reads the environment.
    ///
    /// - Returns: an empty list when the process was not socket-activated, or when the
    ///   sockets were meant for another process.
    /// - Throws: `SocketActivationError` when the variables are malformed or a descriptor
    ///   is not open.
    public static func listeningSockets() throws(SocketActivationError) -> [PassedSocket] {
        let names = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]
        var environment: [String: String] = [:]
        for name in names {
            if let value = getenv(name) {
                environment[name] = String(cString: value)
            }
        }
        defer {
            for name in names {
                unsetenv(name)
            }
        }

        return try listeningSockets(
            environment: environment, firstDescriptor: firstDescriptor, processID: getpid())
    }

    /// Reads the sockets described by `environment`, numbered from `firstDescriptor`.
    static func listeningSockets(
        environment: [String: String],
        firstDescriptor: Int32,
        processID: pid_t
    ) throws(SocketActivationError) -> [PassedSocket] {
        guard let owner = environment["LISTEN_PID"] else {
            return []
        }
        guard let ownerID = pid_t(owner), ownerID > 0 else {
            throw .invalidVariable(name: "LISTEN_PID", reason: "is not a process id")
        }
        guard ownerID == processID else {
            return []
        }

        guard let countText = environment["LISTEN_FDS"], let count = Int32(countText),
            (0...(Int32.max - firstDescriptor)).contains(count)
        else {
            throw .invalidVariable(name: "LISTEN_FDS", reason: "is not a descriptor count")
        }
        guard count > 0 else {
            return []
        }

        let names = try socketNames(environment["LISTEN_FDNAMES"], count: Int(count))
        var sockets: [PassedSocket] = []
        for (offset, name) in names.enumerated() {
            let descriptor = firstDescriptor + Int32(offset)
            do {
                try setCloseOnExec(descriptor)
            } catch {
                throw .unusableDescriptor(fd: descriptor, error)
            }
            sockets.append((fd: descriptor, name: name))
        }
        return sockets
    }

    /// The colon-separated names, one per descriptor; `nil` for every one when unset,
    /// and for each empty name.
    private static func socketNames(
        _ text: String?,
        count: Int
    ) throws(SocketActivationError) -> [String?] {
        guard let text else {
            return Array(repeating: nil, count: count)
        }

        let names = text.split(separator: ":", omittingEmptySubsequences: false)
        guard names.count == count else {
            throw .invalidVariable(
                name: "LISTEN_FDNAMES", reason: "has \(names.count) names for \(count) descriptors")
        }
        return names.map { $0.isEmpty ? nil : String($0) }
    }

    private static func setCloseOnExec(_ descriptor: Int32) throws(SystemCallError) {
        let flags = try retryingSystemCall("fcntl(F_GETFD)") { fcntl(descriptor, F_GETFD) }
        _ = try retryingSystemCall("fcntl(F_SETFD)") {
            fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
        }
    }
}
