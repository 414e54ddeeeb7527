import Foundation

/// CPU time, memory, threads and open files of a process, read from `/proc`.
public struct ProcessSample: Sendable, Equatable {
    /// user + system CPU time in clock ticks.
    public var cpuTicks: UInt64
    /// Resident set size now and at its peak, in KiB.
    public var rssKiB: UInt64
    public var peakRSSKiB: UInt64
    public var threads: Int = 0
    public var fileDescriptors: Int = 0
}

/// Samples named processes at the start and end of a run.
public struct ProcessSampler: Sendable {
    public let processes: [(name: String, pid: Int32)]

    public init(processes: [(name: String, pid: Int32)]) { self.processes = processes }

    public func sample() -> [String: ProcessSample] {
        var samples: [String: ProcessSample] = [:]
        for (name, pid) in processes {
            if let sample = Self.read(pid: pid) { samples[name] = sample }
        }
        return samples
    }

    /// `idle`: a sample before the clients connected, for memory per client.
    public func usage(idle: [String: ProcessSample] = [:], from start: [String: ProcessSample], to end: [String: ProcessSample], seconds: Double) -> [ProcessUsage] {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        return processes.compactMap { name, pid in
            guard let first = start[name], let last = end[name] else { return nil }
            let cpu = Double(last.cpuTicks &- first.cpuTicks) / ticksPerSecond / max(seconds, 0.001) * 100
            return ProcessUsage(
                name: name, pid: pid, cpuPercent: (cpu * 10).rounded() / 10, rssMiB: Double(last.rssKiB) / 1024,
                peakRSSMiB: Double(last.peakRSSKiB) / 1024, rssBeforeClientsMiB: idle[name].map { Double($0.rssKiB) / 1024 },
                threads: last.threads, fileDescriptors: last.fileDescriptors
            )
        }
    }

    static func read(pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let ticks = cpuTicks(stat: stat)
        else { return nil }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        return ProcessSample(
            cpuTicks: ticks, rssKiB: kibField("VmRSS", status) ?? 0, peakRSSKiB: kibField("VmHWM", status) ?? 0,
            threads: Int(kibField("Threads", status) ?? 0), fileDescriptors: descriptors
        )
    }

    /// utime + stime from `/proc/PID/stat`; the command name may hold spaces, so fields count
    /// from the last ')'.
    static func cpuTicks(stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ')': state is field 3 of the full line, utime field 14, stime field 15.
        guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return user + system
    }

    /// A numeric field of `/proc/PID/status` (`VmRSS: 1234 kB`, `Threads: 12`).
    static func kibField(_ name: String, _ status: String) -> UInt64? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap { UInt64($0) }
        }
        return nil
    }

    /// The pids of the private Redis and MariaDB that `scripts/services up` started under `stateDir`.
    public static func services(stateDir: String) -> [(name: String, pid: Int32)] {
        [("redis", "\(stateDir)/redis/redis.pid"), ("mariadb", "\(stateDir)/mysql/mariadbd.pid")].compactMap { name, path in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { return nil }
            return (name, pid)
        }
    }
}

public struct ProcessUsage: Codable, Sendable, Equatable {
    public var name: String
    public var pid: Int32
    public var cpuPercent: Double
    public var rssMiB: Double
    public var peakRSSMiB: Double
    /// RSS before the bench's clients connected.
    public var rssBeforeClientsMiB: Double?
    /// At the end of the run.
    public var threads: Int = 0
    public var fileDescriptors: Int = 0
}
