import NIOCore
import Synchronization

/// The frames waiting to be written to one client, bounded in frames and in bytes: a client that
/// stops reading overflows it and is dropped, so it can neither slow the others nor grow memory
/// without bound. A frame counts until the socket has taken it, so frames stuck behind a full
/// socket still count. The welcome does not count against the bytes: it is as large as the
/// grid, and a client cannot read it any faster than the socket allows.
///
/// Frames are pulled, not pushed: the first frame queued after a `take()` calls `wake` once,
/// and the writer then takes everything queued by the time it runs, so a burst of events costs
/// one wake-up, one write and one flush per connection instead of one per frame.
public final class SessionOutbox: Sendable {
    /// A queued frame (one protocol message) and the bytes it counts against the bound.
    public struct Frame: Sendable {
        public let bytes: ByteBuffer
        let counted: Int

        public var text: String { String(buffer: bytes) }
    }

    /// Yields once when the outbox overflows; finishes when the outbox does. The connection
    /// watches it to end a session whose reader is blocked on a client that stopped reading.
    public let overflows: AsyncStream<Void>
    private let overflowContinuation: AsyncStream<Void>.Continuation
    private let frameLimit: Int
    private let byteLimit: Int
    private let state = Mutex(State())
    private let gauge: QueueGauge?
    private let wake: @Sendable (SessionOutbox) -> Void

    fileprivate struct State {
        var queued: [Frame] = []
        /// Frames and bytes queued or handed to the socket and not yet written.
        var frames = 0
        var bytes = 0
        /// A wake-up is due or running: the next send needs none.
        var woken = false
        var finished = false
        var overflowed = false
        /// The counts were given back (overflow or the connection closed): nothing counts any more.
        var released = false
        var reason: String?
    }

    /// `gauge`, if given, follows the number of frames held here (summed over every outbox
    /// sharing it). `wake` is called, from the sending thread, when frames wait to be taken.
    public init(limit: Int, byteLimit: Int = .max, gauge: QueueGauge? = nil, wake: @escaping @Sendable (SessionOutbox) -> Void = { _ in }) {
        (overflows, overflowContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.frameLimit = limit
        self.byteLimit = byteLimit
        self.gauge = gauge
        self.wake = wake
    }

    public var didOverflow: Bool { state.withLock { $0.overflowed } }

    /// Frames held and not yet written.
    public var depth: Int { state.withLock { $0.frames } }

    /// Queues a message; false when the outbox is finished or just overflowed. `counted: false`
    /// leaves it out of the byte bound (the welcome); it still takes a place in the frame bound.
    @discardableResult
    public func send(_ text: String, counted: Bool = true) -> Bool {
        send(ByteBuffer(string: text), counted: counted)
    }

    /// Queues a message already encoded, shared by every session of a grid without a copy.
    @discardableResult
    public func send(_ bytes: ByteBuffer, counted: Bool = true) -> Bool {
        let size = counted ? bytes.readableBytes : 0
        enum Outcome { case queued(wake: Bool), overflow, closed }
        let outcome: Outcome = state.withLock { state in
            guard !state.finished else { return .closed }
            guard state.frames < frameLimit, state.bytes + size <= byteLimit else {
                state.overflowed = true
                state.release(gauge)
                return .overflow
            }
            state.queued.append(Frame(bytes: bytes, counted: size))
            state.frames += 1
            state.bytes += size
            gauge?.add(1)
            defer { state.woken = true }
            return .queued(wake: !state.woken)
        }
        switch outcome {
        case .queued(let wake):
            if wake { self.wake(self) }
            return true
        case .overflow:
            overflowContinuation.yield()
            overflowContinuation.finish()
            return false
        case .closed:
            return false
        }
    }

    /// Everything queued, in order; the next send wakes the writer again.
    public func take() -> [Frame] {
        state.withLock { state in
            state.woken = false
            defer { state.queued = [] }
            return state.queued
        }
    }

    /// The socket has taken these frames: they no longer count.
    public func written(frames: Int, bytes: Int) {
        state.withLock { state in
            guard !state.released else { return }
            state.frames -= frames
            state.bytes -= bytes
            gauge?.add(-frames)
        }
    }

    /// No more frames; what is queued is still written. `reason`, if given, is why the server
    /// ended the session, recorded as its error.
    public func finish(reason: String? = nil) {
        let wake = state.withLock { state in
            if let reason { state.reason = state.reason ?? reason }
            state.finished = true
            defer { state.woken = true }
            return !state.woken && !state.queued.isEmpty
        }
        overflowContinuation.finish()
        if wake { self.wake(self) }
    }

    public var isFinished: Bool { state.withLock { $0.finished } }

    /// The connection is gone: what was never written no longer counts.
    public func close() {
        state.withLock { $0.release(gauge) }
        overflowContinuation.finish()
    }

    public var closeReason: String? {
        state.withLock { state in state.overflowed ? Self.overflowReason : state.reason }
    }

    public static let overflowReason = "outbound queue overflow (client too slow)"
}

extension SessionOutbox.State {
    fileprivate mutating func release(_ gauge: QueueGauge?) {
        guard !released else { return }
        released = true
        finished = true
        gauge?.add(-frames)
        frames = 0
        bytes = 0
        queued = []
    }
}

/// A server-wide count of queued frames, read by `/metrics`.
public final class QueueGauge: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public func add(_ delta: Int) { value.add(delta, ordering: .relaxed) }

    public var current: Int { value.load(ordering: .relaxed) }
}
