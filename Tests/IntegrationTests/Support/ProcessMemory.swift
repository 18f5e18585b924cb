import Foundation

/// A process's memory as `/proc/PID/status` reports it.
struct ProcessMemory {
    /// Resident memory now, in KiB (`VmRSS`).
    let residentKiB: Int
    /// The most resident memory so far, in KiB (`VmHWM`).
    let peakResidentKiB: Int

    init(pid: pid_t) throws {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kibibytes(_ field: String) throws -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            let words = line?.split { $0 == " " || $0 == "\t" } ?? []
            guard words.count >= 2, let value = Int(words[1])
            else { throw TestSetupError("no \(field) in /proc/\(pid)/status") }
            return value
        }
        residentKiB = try kibibytes("VmRSS")
        peakResidentKiB = try kibibytes("VmHWM")
    }
}
