/// An edit's op id as the bench writes it, `<run>.<sender>.<seq>`: the run id keeps op ids unique
/// per grid forever, and the sender index tells a receiver where the edit came from. The value
/// carries the monotonic send time, so delivery latency needs no shared table.
public struct BenchOp: Equatable, Sendable {
    public var run: String
    public var sender: Int
    public var sequence: Int

    public init(run: String, sender: Int, sequence: Int) {
        self.run = run
        self.sender = sender
        self.sequence = sequence
    }

    public var text: String { "\(run).\(sender).\(sequence)" }

    /// Parses an op id of this run; nil for anyone else's.
    public init?(_ text: String, run: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == run, let sender = Int(parts[1]), let sequence = Int(parts[2]) else { return nil }
        self.init(run: run, sender: sender, sequence: sequence)
    }
}
