import Histogram

/// A latency distribution in microseconds (HdrHistogram, 3 significant digits, up to 10 minutes).
/// The histogram is made on first use: thousands of idle bench clients record nothing.
public struct LatencyStats: Sendable {
    public private(set) var histogram: Histogram<UInt64>?

    public init() {}

    public mutating func record(nanoseconds: UInt64) {
        if histogram == nil { histogram = Self.make() }
        _ = histogram!.record(max(1, nanoseconds / 1_000))
    }

    public mutating func add(_ other: LatencyStats) {
        guard let theirs = other.histogram else { return }
        if histogram == nil { histogram = Self.make() }
        histogram!.add(theirs)
    }

    public var count: UInt64 { histogram?.totalCount ?? 0 }

    public var summary: LatencySummary {
        guard let histogram, histogram.totalCount > 0 else { return LatencySummary(count: 0, p50: 0, p99: 0, p999: 0, max: 0) }
        func ms(_ micros: UInt64) -> Double { Double(micros) / 1000 }
        return LatencySummary(
            count: histogram.totalCount, p50: ms(histogram.valueAtPercentile(50)), p99: ms(histogram.valueAtPercentile(99)),
            p999: ms(histogram.valueAtPercentile(99.9)), max: ms(histogram.max)
        )
    }

    private static func make() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    }
}

/// Percentiles in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var count: UInt64
    public var p50: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
}
