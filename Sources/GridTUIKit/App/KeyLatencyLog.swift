import Foundation

/// How long each key took from being read to being on screen: keys wait here until the next
/// draw, which records them all. For `grid-tui --key-latency-report`, read by `scripts/bench`.
public struct KeyLatencyLog: Sendable {
    private var waiting: [ContinuousClock.Instant] = []
    /// Milliseconds from read to drawn, one per key, in the order drawn.
    public private(set) var samples: [Double] = []

    public init() {}

    public mutating func read(at instant: ContinuousClock.Instant) {
        waiting.append(instant)
    }

    public var hasWaiting: Bool { !waiting.isEmpty }

    public mutating func drawn(at instant: ContinuousClock.Instant) {
        for read in waiting {
            let elapsed = (instant - read).components
            samples.append(Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15)
        }
        waiting = []
    }

    /// The share of samples at or below this quantile, nearest rank; 0 without samples.
    public func percentile(_ quantile: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((quantile * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// `{"keys":N,"p50Ms":…,"p99Ms":…,"maxMs":…}`
    public var json: String {
        let format = { (value: Double) in String(format: "%.3f", value) }
        return "{\"keys\":\(samples.count),\"p50Ms\":\(format(percentile(0.5))),\"p99Ms\":\(format(percentile(0.99))),\"maxMs\":\(format(samples.max() ?? 0))}"
    }
}
