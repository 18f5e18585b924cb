import EventHTTP
import ServiceKit

/// The listening sockets that systemd passed (`LISTEN_FDS`), sorted by the
/// listener each is for, and the opening of each listener from them or, when
/// none was passed for it, by binding its configured address.
///
/// systemd names each socket with the socket unit's `FileDescriptorName=`:
/// `public` for the callback listener, `admin` for the admin listener. A
/// socket with another name, or none, is refused, so that a unit written
/// wrongly fails at start instead of serving callbacks on the admin port.
///
/// Thread rules: loop thread only, once at start-up.
struct ListenerSockets {
    /// Why the passed sockets cannot be used.
    enum Failure: Error, CustomStringConvertible {
        case activation(SocketActivationError)
        case unknownName(fd: Int32, name: String?)

        var description: String {
            switch self {
            case .activation(let error):
                "socket activation: \(error)"
            case .unknownName(let fd, let name):
                "passed socket \(fd) is named \(name.map { "\"\($0)\"" } ?? "nothing"), "
                    + "not public or admin (set FileDescriptorName= in the socket unit)"
            }
        }
    }

    /// Descriptors passed for each listener, in the order systemd gave them.
    private(set) var passed: [Listener: [Int32]] = [:]

    /// Takes over the sockets passed to this process; none when it was not
    /// socket-activated. Call once, before any other thread starts.
    static func takePassedSockets() throws(Failure) -> ListenerSockets {
        let sockets: [SocketActivation.PassedSocket]
        do {
            sockets = try SocketActivation.listeningSockets()
        } catch {
            throw .activation(error)
        }
        var result = ListenerSockets()
        for socket in sockets {
            guard let listener = socket.name.flatMap(Listener.init(rawValue:))
            else {
                throw .unknownName(fd: socket.fd, name: socket.name)
            }
            result.passed[listener, default: []].append(socket.fd)
        }
        return result
    }

    /// Makes `server` listen for `listener`: on the sockets passed for it,
    /// or else on `address`. Logs each address it listens on.
    func open(
        _ server: HTTPServer, for listener: Listener,
        otherwise address: SocketAddressSpec,
        logger: Logger
    ) throws(EventError) {
        let descriptors = passed[listener] ?? []
        guard !descriptors.isEmpty else {
            let bound = try server.bind(host: address.host, port: address.port)
            logger.notice(
                "listening", [.listener: listener.rawValue, .address: bound, .socket: "bound"])
            return
        }
        for descriptor in descriptors {
            let adopted = try server.adopt(listeningSocket: descriptor)
            logger.notice(
                "listening", [.listener: listener.rawValue, .address: adopted, .socket: "passed"])
        }
    }
}
